namespace TickStock.Core.Detectors;

/// <summary>
/// Moving-average crosses: fast crossing above slow (previous fast ≤ slow, now fast &gt; slow) is bullish, below is
/// bearish. MACrossover uses EMA(12)/EMA(26), Golden/Death Cross SMA(50)/SMA(200).
/// Confidence = 0.6 + 0.3 × min(1, |change of (fast − slow) on this bar| / (Scale × ATR)) + 0.10 if relative volume
/// ≥ 1.5; Scale is 0.25 for the EMA pair and 0.05 for the slow SMA pair. Level = the slow average.
/// </summary>
internal sealed class MovingAverageCrossDetector(bool exponential) : IBarDetector
{
    private readonly PatternKind _bullish = exponential ? PatternKind.MACrossoverBullish : PatternKind.GoldenCross;
    private readonly PatternKind _bearish = exponential ? PatternKind.MACrossoverBearish : PatternKind.DeathCross;
    private readonly double _scale = exponential ? 0.25 : 0.05;

    public void OnBar(MarketState state, DetectionSink sink)
    {
        double fast = exponential ? state.EmaFast : state.SmaFast;
        double slow = exponential ? state.EmaSlow : state.SmaSlow;
        double previousFast = exponential ? state.PreviousEmaFast : state.PreviousSmaFast;
        double previousSlow = exponential ? state.PreviousEmaSlow : state.PreviousSmaSlow;
        double diff = fast - slow;
        double previousDiff = previousFast - previousSlow;
        if (double.IsNaN(diff) || double.IsNaN(previousDiff))
        {
            return;
        }

        if (previousDiff <= 0 && diff > 0)
        {
            sink.Emit(_bullish, Direction.Bullish, Score(state, diff, previousDiff), slow);
        }
        else if (previousDiff >= 0 && diff < 0)
        {
            sink.Emit(_bearish, Direction.Bearish, Score(state, diff, previousDiff), slow);
        }
    }

    // Only scored on a cross (rare), not on every bar.
    private double Score(MarketState state, double diff, double previousDiff) =>
        0.6 + (0.3 * Scores.Past(Math.Abs(diff - previousDiff), _scale * state.Atr)) + Scores.VolumeContext(state);
}

/// <summary>
/// RSI_Overbought: RSI crosses above Overbought (previous ≤ 70, now &gt; 70); RSI_Oversold: crosses below Oversold
/// (previous ≥ 30, now &lt; 30). Confidence = 0.6 + 0.3 × min(1, points past the threshold / 10). Level = threshold.
/// Overbought is reported as bearish (a stretched market), oversold as bullish.
/// </summary>
internal sealed class RsiThresholdDetector(RsiOptions options) : IBarDetector
{
    public void OnBar(MarketState state, DetectionSink sink)
    {
        double rsi = state.Rsi;
        double previous = state.PreviousRsi;
        if (double.IsNaN(rsi) || double.IsNaN(previous))
        {
            return;
        }

        if (previous <= options.Overbought && rsi > options.Overbought)
        {
            sink.Emit(PatternKind.RsiOverbought, Direction.Bearish, 0.6 + (0.3 * Scores.Unit((rsi - options.Overbought) / 10)), options.Overbought);
        }
        else if (previous >= options.Oversold && rsi < options.Oversold)
        {
            sink.Emit(PatternKind.RsiOversold, Direction.Bullish, 0.6 + (0.3 * Scores.Unit((options.Oversold - rsi) / 10)), options.Oversold);
        }
    }
}

/// <summary>
/// Bollinger_Breakout: close crosses outside the band — previous close ≤ previous upper band and close &gt; upper
/// band (bullish), or previous close ≥ previous lower band and close &lt; lower band (bearish).
/// Confidence = 0.6 + 0.3 × min(1, distance outside / band standard deviation) + 0.10 if relative volume ≥ 1.5.
/// Level = the band crossed.
/// </summary>
internal sealed class BollingerBreakoutDetector : IBarDetector
{
    public void OnBar(MarketState state, DetectionSink sink)
    {
        if (state.Index < 1 || double.IsNaN(state.PreviousBandUpper) || double.IsNaN(state.BandUpper))
        {
            return;
        }

        double close = state.Bar.Close;
        double previousClose = state.Previous.Close;
        if (previousClose <= state.PreviousBandUpper && close > state.BandUpper)
        {
            sink.Emit(PatternKind.BollingerBreakout, Direction.Bullish,
                0.6 + (0.3 * Scores.Past(close - state.BandUpper, state.BandDeviation)) + Scores.VolumeContext(state), state.BandUpper);
        }
        else if (previousClose >= state.PreviousBandLower && close < state.BandLower)
        {
            sink.Emit(PatternKind.BollingerBreakout, Direction.Bearish,
                0.6 + (0.3 * Scores.Past(state.BandLower - close, state.BandDeviation)) + Scores.VolumeContext(state), state.BandLower);
        }
    }
}

/// <summary>
/// Gap_Up: open ≥ previous high × (1 + MinGap); Gap_Down: open ≤ previous low × (1 − MinGap).
/// Confidence = 0.6 + 0.3 × min(1, (gap − MinGap) / (2 × MinGap)) (2 % → 0.6, 6 % → 0.9). Level = previous high / low.
/// </summary>
internal sealed class GapDetector(GapOptions options) : IBarDetector
{
    public void OnBar(MarketState state, DetectionSink sink)
    {
        if (state.Index < 1)
        {
            return;
        }

        double open = state.Bar.Open;
        double previousHigh = state.Previous.High;
        double previousLow = state.Previous.Low;
        double min = options.MinGap;
        if (previousHigh > 0 && open >= previousHigh * (1 + min))
        {
            double gap = (open - previousHigh) / previousHigh;
            sink.Emit(PatternKind.GapUp, Direction.Bullish, 0.6 + (0.3 * Scores.Unit((gap - min) / (2 * min))), previousHigh);
        }
        else if (previousLow > 0 && open <= previousLow * (1 - min))
        {
            double gap = (previousLow - open) / previousLow;
            sink.Emit(PatternKind.GapDown, Direction.Bearish, 0.6 + (0.3 * Scores.Unit((gap - min) / (2 * min))), previousLow);
        }
    }
}

/// <summary>
/// Closed_Top_10: range &gt; 0 and close ≥ high − Fraction × range; Closed_Bottom_10: close ≤ low + Fraction × range.
/// Confidence = 0.6 + 0.3 × (1 − distance from the extreme / (Fraction × range)) + 0.10 if relative volume ≥ 1.5
/// (a close exactly at the high scores 0.9).
/// </summary>
internal sealed class ClosePositionDetector(ClosePositionOptions options) : IBarDetector
{
    public void OnBar(MarketState state, DetectionSink sink)
    {
        var bar = state.Bar;
        double range = bar.High - bar.Low;
        if (!(range > 0))
        {
            return;
        }

        double zone = options.Fraction * range;
        if (bar.Close >= bar.High - zone)
        {
            sink.Emit(PatternKind.ClosedTop10, Direction.Bullish, 0.6 + (0.3 * (1 - Scores.Unit((bar.High - bar.Close) / zone))) + Scores.VolumeContext(state));
        }
        else if (bar.Close <= bar.Low + zone)
        {
            sink.Emit(PatternKind.ClosedBottom10, Direction.Bearish, 0.6 + (0.3 * (1 - Scores.Unit((bar.Close - bar.Low) / zone))) + Scores.VolumeContext(state));
        }
    }
}
