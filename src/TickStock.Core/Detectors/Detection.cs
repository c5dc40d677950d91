using TickStock.Core.Bars;

namespace TickStock.Core.Detectors;

/// <summary>Which way a detection points.</summary>
public enum Direction
{
    /// <summary>No direction (Doji, Volume_Spike, …).</summary>
    Neutral = 0,
    /// <summary>Bullish.</summary>
    Bullish = 1,
    /// <summary>Bearish.</summary>
    Bearish = -1,
}

/// <summary>Publication tier (contract §2 `tier`), which also sets the event lifetime.</summary>
public enum Tier
{
    /// <summary>Intraday bars; 1 hour lifetime.</summary>
    Intraday,
    /// <summary>Daily bars; 3 days lifetime.</summary>
    Daily,
    /// <summary>Daily set-up confirmed intraday; 1 day lifetime.</summary>
    Combo,
}

/// <summary>
/// One raw detection on one bar. A value type so a detector writes into a caller's list without allocating.
/// </summary>
/// <param name="Kind">Which pattern; <see cref="Pattern"/> is its published name.</param>
/// <param name="Direction">Bullish / bearish / neutral.</param>
/// <param name="Confidence">Score in [0, 1], rounded to 3 decimals.</param>
/// <param name="Tier">Publication tier.</param>
/// <param name="Timeframe">Bar size the detector ran on.</param>
/// <param name="BarIndex">0-based index of the bar in the stream fed to the engine.</param>
/// <param name="TimeMs">The bar's start time (unix ms, UTC).</param>
/// <param name="Price">The bar's close.</param>
/// <param name="Level">The price level the pattern refers to (breakout level, band, support…); NaN when none.</param>
public readonly record struct Detection(
    PatternKind Kind,
    Direction Direction,
    double Confidence,
    Tier Tier,
    Timeframe Timeframe,
    long BarIndex,
    long TimeMs,
    double Price,
    double Level)
{
    /// <summary>Published pattern name (contract §2 `pattern`).</summary>
    public string Pattern => PatternCatalog.Name(Kind);

    /// <summary>Wire spelling of the direction: bullish / bearish / neutral.</summary>
    public string DirectionName => Direction switch
    {
        Direction.Bullish => "bullish",
        Direction.Bearish => "bearish",
        _ => "neutral",
    };

    /// <summary>Wire spelling of the tier: intraday / daily / combo.</summary>
    public string TierName => PatternCatalog.TierName(Tier);
}
