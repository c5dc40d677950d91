namespace TickStock.Core.Contracts;

/// <summary>Tiers of contract §2 and their event lifetimes (patterns.md "Tiers").</summary>
public static class PatternTier
{
    public const string Daily = "daily";
    public const string Intraday = "intraday";
    public const string Combo = "combo";

    /// <summary>Events made by `tickstock test-pattern`.</summary>
    public const string Test = "test";

    /// <summary>Events of the synthetic demo source when flagged as such.</summary>
    public const string Synthetic = "synthetic";

    public static bool IsKnown(string tier) => tier is Daily or Intraday or Combo or Test or Synthetic;

    /// <summary>How long an event of this tier stays actionable (expires_at = detection + lifetime).</summary>
    public static TimeSpan Lifetime(string tier) => tier switch
    {
        Daily => TimeSpan.FromDays(3),
        Combo => TimeSpan.FromDays(1),
        _ => TimeSpan.FromHours(1),
    };

    /// <summary>Per-tier mirror channel, or null for tiers that are not mirrored (test, synthetic).</summary>
    public static string? MirrorChannel(string baseChannel, string tier) =>
        tier is Daily or Intraday or Combo ? $"{baseChannel}.{tier}" : null;
}
