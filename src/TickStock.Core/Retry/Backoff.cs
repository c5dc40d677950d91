namespace TickStock.Core.Retry;

/// <summary>
/// The one exponential back-off of the code base: waits that double from <see cref="Min"/> up to
/// <see cref="Max"/>, optionally jittered. A small value type rather than Polly because most users
/// are actors, which must not await a policy on their own thread: they ask for the next delay and
/// schedule a timer with it. Pure (the random source is passed in), so it is unit-tested.
/// </summary>
public struct Backoff
{
    private int _attempts;

    public Backoff(TimeSpan min, TimeSpan max, BackoffJitter jitter = BackoffJitter.None)
    {
        if (min <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(min), min, "must be positive");
        if (max < min) throw new ArgumentOutOfRangeException(nameof(max), max, "must be at least min");
        Min = min;
        Max = max;
        Jitter = jitter;
    }

    public TimeSpan Min { get; }

    public TimeSpan Max { get; }

    public BackoffJitter Jitter { get; }

    /// <summary>Delays handed out since the last <see cref="Reset"/>.</summary>
    public readonly int Attempts => _attempts;

    /// <summary>The ceiling the next delay is drawn under: Min · 2^attempts, at most Max.</summary>
    public readonly TimeSpan Ceiling => CeilingAt(_attempts);

    /// <summary>The delay before the next attempt; each call doubles the ceiling (up to Max).</summary>
    public TimeSpan Next(Random? random = null)
    {
        var ceiling = CeilingAt(_attempts);
        if (_attempts < int.MaxValue) _attempts++;
        return Jitter switch
        {
            BackoffJitter.None => ceiling,
            // Half fixed, half random: waits stay near the schedule, but many clients that failed
            // together do not come back together.
            BackoffJitter.UpperHalf => TimeSpan.FromTicks((ceiling.Ticks / 2) + (long)((random ?? Random.Shared).NextDouble() * (ceiling.Ticks / 2))),
            _ => throw new InvalidOperationException($"unknown jitter {Jitter}"),
        };
    }

    /// <summary>Success: the next failure starts again at <see cref="Min"/>.</summary>
    public void Reset() => _attempts = 0;

    private readonly TimeSpan CeilingAt(int attempts)
    {
        // Doubling past 62 would overflow the ticks; Max is reached long before.
        if (attempts >= 62) return Max;
        var ticks = Min.Ticks;
        for (var i = 0; i < attempts && ticks < Max.Ticks; i++) ticks *= 2;
        return TimeSpan.FromTicks(Math.Min(ticks, Max.Ticks));
    }
}

public enum BackoffJitter
{
    /// <summary>Exactly Min, 2·Min, 4·Min, … Max.</summary>
    None,

    /// <summary>Uniform in [ceiling/2, ceiling].</summary>
    UpperHalf,
}
