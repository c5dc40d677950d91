namespace TickStock.Core.Market;

/// <summary>
/// One provider or stored bar without its symbol: the bar's start instant (UTC), prices and volume.
/// Symbol-less so a symbol's bars can be streamed without repeating the string per bar.
/// </summary>
public readonly record struct OhlcvBar(DateTimeOffset Start, decimal Open, decimal High, decimal Low, decimal Close, long Volume)
{
    /// <summary>The bar start as Unix milliseconds (the provider's <c>t</c>).</summary>
    public long StartUnixMs => Start.ToUnixTimeMilliseconds();

    public static OhlcvBar FromUnixMs(long startUnixMs, decimal open, decimal high, decimal low, decimal close, long volume) =>
        new(DateTimeOffset.FromUnixTimeMilliseconds(startUnixMs), open, high, low, close, volume);
}

/// <summary>
/// A bar keyed by a calendar date rather than an instant: a trading date (daily rows),
/// a week-ending Friday (weekly rows) or a month's last day (monthly rows).
/// </summary>
public readonly record struct DatedBar(DateOnly Date, decimal Open, decimal High, decimal Low, decimal Close, long Volume);
