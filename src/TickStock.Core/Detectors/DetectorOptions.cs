using TickStock.Core.Bars;

namespace TickStock.Core.Detectors;

/// <summary>Volume_Spike: volume ≥ <see cref="Multiple"/> × mean volume of the previous <see cref="Lookback"/> bars.</summary>
public sealed record VolumeSpikeOptions
{
    /// <summary>Bars in the mean (excluding the current one).</summary>
    public int Lookback { get; init; } = 20;
    /// <summary>Required multiple of the mean.</summary>
    public double Multiple { get; init; } = 3.0;
    /// <summary>Minimum absolute volume (keeps zero-volume index data and near-empty bars out).</summary>
    public double MinVolume { get; init; } = 1;
}

/// <summary>Price_Breakout / Price_Breakdown: close beyond the previous <see cref="Lookback"/> bars' highest high / lowest low.</summary>
public sealed record PriceChannelOptions
{
    /// <summary>Bars in the channel (excluding the current one).</summary>
    public int Lookback { get; init; } = 20;
}

/// <summary>HighOfDay / LowOfDay: new session extreme once <see cref="OpeningMinutes"/> of the session have passed.</summary>
public sealed record SessionExtremeOptions
{
    /// <summary>Minutes after the open during which no session extreme is reported (the bar starting at this minute is the first eligible).</summary>
    public int OpeningMinutes { get; init; } = 30;
}

/// <summary>DailyBO: close above the previous <see cref="Lookback"/> daily highs on relative volume ≥ <see cref="MinRelativeVolume"/>.</summary>
public sealed record DailyBreakoutOptions
{
    /// <summary>Daily bars in the channel (excluding today).</summary>
    public int Lookback { get; init; } = 20;
    /// <summary>Required volume / mean volume of the previous bars (see <see cref="IndicatorOptions.RelativeVolumePeriod"/>).</summary>
    public double MinRelativeVolume { get; init; } = 1.5;
}

/// <summary>WeeklyBO: daily close above the highest high of the previous <see cref="Weeks"/> completed weeks.</summary>
public sealed record WeeklyBreakoutOptions
{
    /// <summary>Completed weeks compared against (the current week is excluded).</summary>
    public int Weeks { get; init; } = 52;
}

/// <summary>Resistance_Break / Support_Test levels from swing points.</summary>
public sealed record SupportResistanceOptions
{
    /// <summary>Bars a swing point stays relevant.</summary>
    public int Window { get; init; } = 60;
    /// <summary>Swings within this fraction of a level touch it (0.01 = 1 %).</summary>
    public double Tolerance { get; init; } = 0.01;
    /// <summary>Touches (swing points within tolerance, the level's own included) that make a level.</summary>
    public int MinTouches { get; init; } = 2;
    /// <summary>Bars on each side a swing high (low) must exceed (undercut).</summary>
    public int SwingStrength { get; init; } = 2;
}

/// <summary>Gap_Up / Gap_Down: open at least <see cref="MinGap"/> beyond the previous high / low.</summary>
public sealed record GapOptions
{
    /// <summary>Minimum gap as a fraction (0.02 = 2 %).</summary>
    public double MinGap { get; init; } = 0.02;
}

/// <summary>A moving-average cross (EMA for MACrossover, SMA for Golden/Death Cross).</summary>
public sealed record CrossOptions
{
    /// <summary>Fast period.</summary>
    public int Fast { get; init; } = 12;
    /// <summary>Slow period.</summary>
    public int Slow { get; init; } = 26;
}

/// <summary>RSI_Overbought / RSI_Oversold thresholds.</summary>
public sealed record RsiOptions
{
    /// <summary>RSI period.</summary>
    public int Period { get; init; } = 14;
    /// <summary>Crossing above this is overbought.</summary>
    public double Overbought { get; init; } = 70;
    /// <summary>Crossing below this is oversold.</summary>
    public double Oversold { get; init; } = 30;
}

/// <summary>Bollinger_Breakout band.</summary>
public sealed record BollingerOptions
{
    /// <summary>SMA period.</summary>
    public int Period { get; init; } = 20;
    /// <summary>Standard deviations.</summary>
    public double Deviations { get; init; } = 2.0;
}

/// <summary>Closed_Top_10 / Closed_Bottom_10.</summary>
public sealed record ClosePositionOptions
{
    /// <summary>Top / bottom fraction of the bar's range (0.10 = 10 %).</summary>
    public double Fraction { get; init; } = 0.10;
}

/// <summary>Indicator periods used for context (relative volume, relative strength, ATR scaling of scores).</summary>
public sealed record IndicatorOptions
{
    /// <summary>Bars in the relative-volume mean.</summary>
    public int RelativeVolumePeriod { get; init; } = 20;
    /// <summary>Bars in the relative-strength returns.</summary>
    public int RelativeStrengthPeriod { get; init; } = 20;
    /// <summary>ATR period (scores measure "how far past" in ATRs).</summary>
    public int AtrPeriod { get; init; } = 14;
}

/// <summary>Everything a <see cref="DetectorEngine"/> needs; every record has the catalog defaults.</summary>
public sealed record DetectorOptions
{
    /// <summary>Bar size of the stream.</summary>
    public Timeframe Timeframe { get; init; } = Timeframe.Daily;

    /// <summary>Patterns to report; null → <see cref="DefaultPatterns"/> of the timeframe.</summary>
    public IReadOnlyCollection<PatternKind>? Patterns { get; init; }

    /// <summary>Volume_Spike parameters.</summary>
    public VolumeSpikeOptions VolumeSpike { get; init; } = new();
    /// <summary>Price_Breakout / Price_Breakdown parameters.</summary>
    public PriceChannelOptions PriceChannel { get; init; } = new();
    /// <summary>HighOfDay / LowOfDay parameters.</summary>
    public SessionExtremeOptions SessionExtremes { get; init; } = new();
    /// <summary>DailyBO parameters.</summary>
    public DailyBreakoutOptions DailyBreakout { get; init; } = new();
    /// <summary>WeeklyBO parameters.</summary>
    public WeeklyBreakoutOptions WeeklyBreakout { get; init; } = new();
    /// <summary>Resistance_Break / Support_Test parameters.</summary>
    public SupportResistanceOptions SupportResistance { get; init; } = new();
    /// <summary>Gap parameters.</summary>
    public GapOptions Gap { get; init; } = new();
    /// <summary>MACrossover (EMA 12 / 26).</summary>
    public CrossOptions MACrossover { get; init; } = new();
    /// <summary>Golden / Death Cross (SMA 50 / 200).</summary>
    public CrossOptions TrendCross { get; init; } = new() { Fast = 50, Slow = 200 };
    /// <summary>RSI thresholds.</summary>
    public RsiOptions Rsi { get; init; } = new();
    /// <summary>Bollinger band.</summary>
    public BollingerOptions Bollinger { get; init; } = new();
    /// <summary>Closed_Top_10 / Closed_Bottom_10.</summary>
    public ClosePositionOptions ClosePosition { get; init; } = new();
    /// <summary>Context indicators.</summary>
    public IndicatorOptions Indicators { get; init; } = new();

    /// <summary>
    /// The catalog's patterns for a timeframe (patterns.md tiers): daily and weekly bars get the candlesticks and the
    /// daily patterns; intraday bars get Volume_Spike, Price_Breakout/Breakdown, HighOfDay/LowOfDay, MACrossover,
    /// RSI and Doji, plus Hammer and Engulfing from 5-minute bars up (Support_Bounce confirms with them).
    /// </summary>
    public static IReadOnlyList<PatternKind> DefaultPatterns(Timeframe timeframe)
    {
        if (!timeframe.IsIntraday())
        {
            return
            [
                .. PatternCatalog.Candlesticks,
                PatternKind.VolumeSpike, PatternKind.DailyBreakout, PatternKind.WeeklyBreakout,
                PatternKind.ResistanceBreak, PatternKind.SupportTest, PatternKind.GapUp, PatternKind.GapDown,
                PatternKind.MACrossoverBullish, PatternKind.MACrossoverBearish, PatternKind.GoldenCross, PatternKind.DeathCross,
                PatternKind.RsiOverbought, PatternKind.RsiOversold, PatternKind.BollingerBreakout,
                PatternKind.ClosedTop10, PatternKind.ClosedBottom10,
            ];
        }

        var intraday = new List<PatternKind>
        {
            PatternKind.Doji, PatternKind.VolumeSpike, PatternKind.PriceBreakout, PatternKind.PriceBreakdown,
            PatternKind.HighOfDay, PatternKind.LowOfDay, PatternKind.MACrossoverBullish, PatternKind.MACrossoverBearish,
            PatternKind.RsiOverbought, PatternKind.RsiOversold,
        };
        if (timeframe != Timeframe.OneMinute)
        {
            intraday.AddRange([PatternKind.Hammer, PatternKind.BullishEngulfing, PatternKind.BearishEngulfing]);
        }

        return intraday;
    }
}
