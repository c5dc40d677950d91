using TickStock.Core.Indicators;

namespace TickStock.Core.Detectors;

/// <summary>
/// Volume_Spike: volume ≥ Multiple × mean volume of the previous Lookback bars, volume ≥ MinVolume, mean &gt; 0.
/// Confidence = 0.6 + 0.3 × (ratio − Multiple) / Multiple (3× → 0.6, 6× → 0.9, capped at 1). Direction = bar colour.
/// </summary>
internal sealed class VolumeSpikeDetector(VolumeSpikeOptions options, int sharedMeanPeriod) : IBarDetector
{
    // With the same look-back as the shared relative volume (the default), its mean is this one, bit for bit (the
    // same running sum over the same volumes), so it is not kept twice.
    private readonly RelativeVolume? _volume = options.Lookback == sharedMeanPeriod ? null : new(options.Lookback);

    public void OnBar(MarketState state, DetectionSink sink)
    {
        double volume = state.Bar.Volume;
        double mean;
        if (_volume is null)
        {
            mean = state.MeanVolume;
        }
        else
        {
            _volume.Update(volume);
            mean = _volume.PreviousMean;
        }

        if (mean > 0 && volume >= options.MinVolume && volume >= options.Multiple * mean)
        {
            double ratio = volume / mean;
            sink.Emit(PatternKind.VolumeSpike, Scores.BarDirection(state), 0.6 + (0.3 * (ratio - options.Multiple) / options.Multiple), mean);
        }
    }
}

/// <summary>
/// Price_Breakout / Price_Breakdown: close above the highest high (below the lowest low) of the previous Lookback
/// bars. Confidence = 0.6 + 0.3 × min(1, distance past the level / ATR) + 0.10 if relative volume ≥ 1.5.
/// Level = the broken high / low.
/// </summary>
internal sealed class PriceChannelDetector(PriceChannelOptions options) : IBarDetector
{
    private readonly RollingExtreme _highs = new(options.Lookback, max: true);
    private readonly RollingExtreme _lows = new(options.Lookback, max: false);

    public void OnBar(MarketState state, DetectionSink sink)
    {
        double close = state.Bar.Close;
        if (_highs.IsFull)
        {
            double high = _highs.Value;
            double low = _lows.Value;
            if (close > high)
            {
                sink.Emit(PatternKind.PriceBreakout, Direction.Bullish,
                    0.6 + (0.3 * Scores.Past(close - high, state.Atr)) + Scores.VolumeContext(state), high);
            }
            else if (close < low)
            {
                sink.Emit(PatternKind.PriceBreakdown, Direction.Bearish,
                    0.6 + (0.3 * Scores.Past(low - close, state.Atr)) + Scores.VolumeContext(state), low);
            }
        }

        _highs.Push(state.Bar.High);
        _lows.Push(state.Bar.Low);
    }
}

/// <summary>
/// DailyBO: daily close above the highest high of the previous Lookback daily bars with relative volume ≥
/// MinRelativeVolume. Confidence = 0.6 + 0.2 × min(1, distance past / ATR) + 0.2 × min(1, (rvol − min) / min).
/// Level = the 20-day high.
/// </summary>
internal sealed class DailyBreakoutDetector(DailyBreakoutOptions options) : IBarDetector
{
    private readonly RollingExtreme _highs = new(options.Lookback, max: true);

    public void OnBar(MarketState state, DetectionSink sink)
    {
        double close = state.Bar.Close;
        if (_highs.IsFull)
        {
            double high = _highs.Value;
            double rvol = state.RelativeVolume;
            if (close > high && rvol >= options.MinRelativeVolume)
            {
                double raw = 0.6 + (0.2 * Scores.Past(close - high, state.Atr))
                    + (0.2 * Scores.Unit((rvol - options.MinRelativeVolume) / options.MinRelativeVolume));
                sink.Emit(PatternKind.DailyBreakout, Direction.Bullish, raw, high);
            }
        }

        _highs.Push(state.Bar.High);
    }
}

/// <summary>
/// WeeklyBO: daily close above the highest high of the previous Weeks completed calendar weeks (Monday-based,
/// rolled up from the daily bars here, so no weekly feed is needed); silent until that many weeks completed.
/// Confidence = 0.6 + 0.3 × min(1, distance past / ATR) + 0.10 if relative volume ≥ 1.5. Level = the 52-week high.
/// </summary>
internal sealed class WeeklyBreakoutDetector(WeeklyBreakoutOptions options) : IBarDetector
{
    private readonly RollingExtreme _weeklyHighs = new(options.Weeks, max: true);
    private long _week = long.MinValue;
    private double _weekHigh = double.NegativeInfinity;

    public void OnBar(MarketState state, DetectionSink sink)
    {
        // 1970-01-01 was a Thursday: shifting by 3 days makes week numbers change on Mondays.
        long week = Math.DivRem(state.Bar.EpochDay + 3, 7, out long rem) - (rem < 0 ? 1 : 0);
        if (week != _week)
        {
            if (_week != long.MinValue)
            {
                _weeklyHighs.Push(_weekHigh);
            }

            _week = week;
            _weekHigh = double.NegativeInfinity;
        }

        double close = state.Bar.Close;
        if (_weeklyHighs.IsFull)
        {
            double high = _weeklyHighs.Value;
            if (close > high)
            {
                sink.Emit(PatternKind.WeeklyBreakout, Direction.Bullish,
                    0.6 + (0.3 * Scores.Past(close - high, state.Atr)) + Scores.VolumeContext(state), high);
            }
        }

        _weekHigh = Math.Max(_weekHigh, state.Bar.High);
    }
}

/// <summary>
/// HighOfDay / LowOfDay: the bar's high above (low below) every earlier bar of the same session, for bars starting
/// at least OpeningMinutes after the open (the opening bars still set the session extremes). Needs
/// <see cref="Bars.Bar.SessionDate"/> and <see cref="Bars.Bar.MinuteOfSession"/>; bars without a minute never fire.
/// Confidence = 0.6 + 0.3 × min(1, distance past the old extreme / ATR) + 0.10 if relative volume ≥ 1.5.
/// </summary>
internal sealed class SessionExtremesDetector(SessionExtremeOptions options) : IBarDetector
{
    private int _session = int.MinValue;
    private double _high;
    private double _low;

    public void OnBar(MarketState state, DetectionSink sink)
    {
        var bar = state.Bar;
        if (bar.SessionDate != _session)
        {
            _session = bar.SessionDate;
            _high = bar.High;
            _low = bar.Low;
            return;
        }

        if (bar.MinuteOfSession >= options.OpeningMinutes)
        {
            if (bar.High > _high)
            {
                sink.Emit(PatternKind.HighOfDay, Direction.Bullish,
                    0.6 + (0.3 * Scores.Past(bar.High - _high, state.Atr)) + Scores.VolumeContext(state), _high);
            }

            if (bar.Low < _low)
            {
                sink.Emit(PatternKind.LowOfDay, Direction.Bearish,
                    0.6 + (0.3 * Scores.Past(_low - bar.Low, state.Atr)) + Scores.VolumeContext(state), _low);
            }
        }

        _high = Math.Max(_high, bar.High);
        _low = Math.Min(_low, bar.Low);
    }
}
