namespace TickStock.Core.Detectors;

/// <summary>
/// A non-candlestick detector: looks at the current bar and the shared <see cref="MarketState"/>, keeps its own
/// O(1) windows, reports through the sink. Windows describe the *previous* bars: a detector checks first, then
/// adds the current bar.
/// </summary>
internal interface IBarDetector
{
    void OnBar(MarketState state, DetectionSink sink);
}

/// <summary>Scoring helpers shared by the threshold detectors (formulas in docs/patterns.md).</summary>
internal static class Scores
{
    /// <summary>Relative volume at or above this earns the context bonus.</summary>
    public const double HighRelativeVolume = 1.5;

    /// <summary>Clamps to [0, 1]; NaN → 0.</summary>
    public static double Unit(double x) => double.IsNaN(x) ? 0 : Math.Clamp(x, 0.0, 1.0);

    /// <summary>How far past a threshold, in units of <paramref name="scale"/> (usually ATR), clamped to [0, 1].</summary>
    public static double Past(double excess, double scale) => scale > 0 ? Unit(excess / scale) : 0;

    /// <summary>Indicator context: +0.10 when relative volume ≥ 1.5 (patterns.md allows at most +0.15).</summary>
    public static double VolumeContext(MarketState s) => s.RelativeVolume >= HighRelativeVolume ? 0.10 : 0;

    /// <summary>Direction from the bar's colour (close vs open).</summary>
    public static Direction BarDirection(MarketState s) =>
        s.Bar.Close > s.Bar.Open ? Direction.Bullish : s.Bar.Close < s.Bar.Open ? Direction.Bearish : Direction.Neutral;
}
