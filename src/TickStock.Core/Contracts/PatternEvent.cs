namespace TickStock.Core.Contracts;

/// <summary>
/// One detected pattern as the consumer receives it (contract §2 <c>data</c>). Times are unix
/// seconds as doubles because that is the wire format; <see cref="FlowId"/> links the Redis
/// message to its integration_events rows.
/// </summary>
public sealed record PatternEvent(
    Guid FlowId,
    string Symbol,
    string Pattern,
    double Confidence,
    string Tier,
    double PriceChange,
    double CurrentPrice,
    long Volume,
    double DetectedAt,
    double ExpiresAt,
    string Timeframe,
    IReadOnlyDictionary<string, double> Indicators)
{
    public const int MaxSymbolLength = 20;
    public const int MaxPatternLength = 50;

    /// <summary>Builds an event with a fresh UUID v4 flow id and the tier's lifetime.</summary>
    public static PatternEvent Create(string symbol, string pattern, double confidence, string tier, string timeframe,
        double currentPrice, double priceChange, long volume, DateTimeOffset detectedAt,
        IReadOnlyDictionary<string, double>? indicators = null)
    {
        var detected = UnixTime.Seconds(detectedAt);
        return new PatternEvent(Guid.NewGuid(), symbol, pattern, Math.Round(confidence, 3), tier, priceChange, currentPrice,
            volume, detected, detected + PatternTier.Lifetime(tier).TotalSeconds, timeframe,
            indicators ?? new Dictionary<string, double>());
    }

    /// <summary>Why this event may not be published (field limits of the contract), or null when it is fine.</summary>
    public string? Problem()
    {
        if (string.IsNullOrWhiteSpace(Symbol) || Symbol.Length > MaxSymbolLength) return $"symbol '{Symbol}' must be 1..{MaxSymbolLength} characters";
        if (string.IsNullOrWhiteSpace(Pattern) || Pattern.Length > MaxPatternLength) return $"pattern '{Pattern}' must be 1..{MaxPatternLength} characters";
        if (!(Confidence is >= 0 and <= 1)) return $"confidence {Confidence} is outside 0..1";
        if (!PatternTier.IsKnown(Tier)) return $"tier '{Tier}' is not one of daily, intraday, combo, test, synthetic";
        if (!double.IsFinite(CurrentPrice) || !double.IsFinite(PriceChange)) return "prices must be finite numbers";
        foreach (var value in Indicators.Values)
        {
            if (!double.IsFinite(value)) return "indicator values must be finite numbers";
        }

        return null;
    }
}

/// <summary>Unix-seconds helpers (the contract's float timestamps).</summary>
public static class UnixTime
{
    public static double Seconds(DateTimeOffset instant) => instant.ToUnixTimeMilliseconds() / 1000.0;

    public static double Now(TimeProvider? clock = null) => Seconds((clock ?? TimeProvider.System).GetUtcNow());

    public static DateTimeOffset FromSeconds(double seconds) => DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000));
}
