using TickStock.Core.Bars;
using TickStock.Core.Calendar;

namespace TickStock.Core.Symbols;

/// <summary>
/// Builds 1-minute bars from trades/ticks of one symbol. A minute is [hh:mm:00, hh:mm+1:00) in exchange time
/// (New York minutes start on the same instants as UTC minutes, so the boundary is the UTC minute); the finished
/// bar carries its exchange session date and minute of session. A minute completes when a tick of a later minute
/// arrives or when <see cref="TryFlush"/> is called after it ended. Ticks older than the open minute are ignored
/// and counted (their bar was already published).
/// </summary>
public sealed class MinuteBarBuilder
{
    private const long MinuteMs = 60_000;
    private bool _open;
    private long _minuteStart;
    private double _open0;
    private double _high;
    private double _low;
    private double _close;
    private double _volume;
    private long _lastCompletedStart = long.MinValue;

    /// <summary>Ticks ignored because their minute had already completed.</summary>
    public long LateTicks { get; private set; }

    /// <summary>True while a minute is being built.</summary>
    public bool HasOpenMinute => _open;

    /// <summary>End (exclusive, unix ms) of the minute being built, or null.</summary>
    public long? OpenMinuteEndMs => _open ? _minuteStart + MinuteMs : null;

    /// <summary>Adds a tick; returns true and the completed previous minute when this tick starts a later minute.</summary>
    public bool OnTick(long timeMs, double price, double volume, out Bar completed)
    {
        completed = default;
        if (!double.IsFinite(price) || price <= 0)
        {
            return false;
        }

        long start = timeMs - (((timeMs % MinuteMs) + MinuteMs) % MinuteMs);
        if (start <= _lastCompletedStart || (_open && start < _minuteStart))
        {
            LateTicks++;
            return false;
        }

        bool done = false;
        if (_open && start > _minuteStart)
        {
            completed = Complete();
            done = true;
        }

        double size = double.IsFinite(volume) && volume > 0 ? volume : 0;
        if (!_open)
        {
            _open = true;
            _minuteStart = start;
            _open0 = _high = _low = _close = price;
            _volume = size;
        }
        else
        {
            _high = Math.Max(_high, price);
            _low = Math.Min(_low, price);
            _close = price;
            _volume += size;
        }

        return done;
    }

    /// <summary>Completes the open minute if it ended at or before <paramref name="nowMs"/>.</summary>
    public bool TryFlush(long nowMs, out Bar completed)
    {
        completed = default;
        if (!_open || nowMs < _minuteStart + MinuteMs)
        {
            return false;
        }

        completed = Complete();
        return true;
    }

    private Bar Complete()
    {
        _open = false;
        _lastCompletedStart = _minuteStart;
        return Stamp(new Bar(_minuteStart, _open0, _high, _low, _close, _volume));
    }

    /// <summary>Fills a bar's exchange session date and minute of session from its start instant.</summary>
    public static Bar Stamp(Bar bar)
    {
        DateTime eastern = EasternTime.ToEastern(DateTimeOffset.FromUnixTimeMilliseconds(bar.TimeMs));
        return bar with
        {
            SessionDate = (eastern.Year * 10000) + (eastern.Month * 100) + eastern.Day,
            MinuteOfSession = (eastern.Hour * 60) + eastern.Minute - 570,
        };
    }
}
