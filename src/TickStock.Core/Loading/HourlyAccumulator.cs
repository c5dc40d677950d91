using TickStock.Core.Market;

namespace TickStock.Core.Loading;

/// <summary>
/// <see cref="BarAggregation.ToHourly"/> for a push-style stream (the writer gets minutes from an
/// async provider stream): accepted minutes (ascending, de-duplicated, in the regular session) go
/// in one at a time; finished hours collect in <see cref="Completed"/>, which the caller drains.
/// One hour is pending at a time.
/// </summary>
public sealed class HourlyAccumulator(int capacity)
{
    private OhlcvBar? _pending;

    public List<OhlcvBar> Completed { get; } = new(capacity);

    /// <summary>Adds a regular-session minute; true when it closed the pending hour (Completed grew).</summary>
    public bool Add(OhlcvBar minute)
    {
        var bucket = Periods.HourBucketStart(minute.Start)
            ?? throw new ArgumentException($"{minute.Start:O} is outside the regular session", nameof(minute));
        if (_pending is { } p && p.Start == bucket)
        {
            _pending = BarAggregation.Fold(p, minute);
            return false;
        }

        var closedOne = false;
        if (_pending is { } done)
        {
            Completed.Add(done);
            closedOne = true;
        }

        _pending = minute with { Start = bucket };
        return closedOne;
    }

    /// <summary>Moves the pending hour to <see cref="Completed"/> (end of the stream).</summary>
    public void Finish()
    {
        if (_pending is { } last)
        {
            Completed.Add(last);
            _pending = null;
        }
    }
}
