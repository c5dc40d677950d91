namespace TickStock.Core.Bars;

/// <summary>
/// One OHLCV bar. A value type so windows of bars are flat arrays and feeding a detector never allocates.
/// </summary>
/// <param name="TimeMs">Bar start as unix milliseconds, UTC. Daily bars use midnight UTC of the trading date.</param>
/// <remarks>
/// Session fields are filled by whoever knows the exchange calendar (the source or the file reader) so that
/// detectors never look up time zones per bar.
/// </remarks>
public readonly record struct Bar(long TimeMs, double Open, double High, double Low, double Close, double Volume)
{
    /// <summary>Exchange-local session (trading) date as yyyymmdd, e.g. 20201215; 0 when unknown.</summary>
    public int SessionDate { get; init; }

    /// <summary>Minutes since the regular session opened (09:30 ET → 0) for intraday bars; -1 for daily bars or unknown.</summary>
    public int MinuteOfSession { get; init; } = -1;

    /// <summary>Bar start as a UTC <see cref="DateTime"/>.</summary>
    public DateTime TimeUtc => DateTime.UnixEpoch.AddMilliseconds(TimeMs);

    /// <summary>Days since 1970-01-01 of <see cref="TimeMs"/> (UTC); for daily bars that is the trading date.</summary>
    public long EpochDay => Math.DivRem(TimeMs, 86_400_000L, out long rem) - (rem < 0 ? 1 : 0);

    /// <summary>Creates a daily bar for a trading date (stored as midnight UTC, session date filled in).</summary>
    public static Bar Daily(DateOnly date, double open, double high, double low, double close, double volume)
    {
        long ms = (long)(date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) - DateTime.UnixEpoch).TotalMilliseconds;
        return new Bar(ms, open, high, low, close, volume) { SessionDate = (date.Year * 10000) + (date.Month * 100) + date.Day };
    }
}
