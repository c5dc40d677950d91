using System.Collections.Frozen;
using TickStock.Core.Bars;

namespace TickStock.Core.Detectors;

/// <summary>Published names, groups and default tiers of every <see cref="PatternKind"/>.</summary>
public static class PatternCatalog
{
    private static readonly string[] Names = BuildNames();

    private static readonly FrozenDictionary<string, PatternKind[]> ByName = BuildLookup();

    /// <summary>All pattern kinds in declaration order.</summary>
    public static IReadOnlyList<PatternKind> All { get; } = Enum.GetValues<PatternKind>();

    /// <summary>The 14 candlestick kinds (12 TA-Lib functions; Engulfing and Harami split by direction).</summary>
    public static IReadOnlyList<PatternKind> Candlesticks { get; } = All.Where(IsCandlestick).ToArray();

    /// <summary>Published name, e.g. <c>Bullish_Engulfing</c>, <c>Volume_Spike</c>.</summary>
    public static string Name(PatternKind kind) => Names[(int)kind];

    /// <summary>True for the TA-Lib candlestick kinds.</summary>
    public static bool IsCandlestick(PatternKind kind) => kind <= PatternKind.DarkCloudCover;

    /// <summary>True for combo-tier kinds.</summary>
    public static bool IsCombo(PatternKind kind) => kind >= PatternKind.BreakoutConfirmed;

    /// <summary>Tier of a detection of <paramref name="kind"/> made on <paramref name="timeframe"/> bars.</summary>
    public static Tier TierFor(PatternKind kind, Timeframe timeframe) =>
        IsCombo(kind) ? Tier.Combo : timeframe.IsIntraday() ? Tier.Intraday : Tier.Daily;

    /// <summary>Wire spelling of a tier.</summary>
    public static string TierName(Tier tier) => tier switch
    {
        Tier.Intraday => "intraday",
        Tier.Daily => "daily",
        _ => "combo",
    };

    /// <summary>
    /// Resolves a user-supplied name (published name, enum name, or a group such as <c>Engulfing</c>, <c>Harami</c>,
    /// <c>MACrossover</c>, <c>RSI</c>) to kinds, case-insensitively. The backtest job's names (<c>Engulfing</c> = either
    /// direction) resolve here too.
    /// </summary>
    public static bool TryResolve(string name, out IReadOnlyList<PatternKind> kinds)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (ByName.TryGetValue(Normalize(name), out PatternKind[]? found))
        {
            kinds = found;
            return true;
        }

        kinds = [];
        return false;
    }

    private static string Normalize(string name) => name.Replace("_", string.Empty, StringComparison.Ordinal)
        .Replace("-", string.Empty, StringComparison.Ordinal).Trim().ToUpperInvariant();

    private static string[] BuildNames()
    {
        var names = new string[Enum.GetValues<PatternKind>().Length];
        foreach (PatternKind kind in Enum.GetValues<PatternKind>())
        {
            names[(int)kind] = kind switch
            {
                PatternKind.BullishEngulfing => "Bullish_Engulfing",
                PatternKind.BearishEngulfing => "Bearish_Engulfing",
                PatternKind.BullishHarami => "Bullish_Harami",
                PatternKind.BearishHarami => "Bearish_Harami",
                PatternKind.VolumeSpike => "Volume_Spike",
                PatternKind.PriceBreakout => "Price_Breakout",
                PatternKind.PriceBreakdown => "Price_Breakdown",
                PatternKind.DailyBreakout => "DailyBO",
                PatternKind.WeeklyBreakout => "WeeklyBO",
                PatternKind.ResistanceBreak => "Resistance_Break",
                PatternKind.SupportTest => "Support_Test",
                PatternKind.GapUp => "Gap_Up",
                PatternKind.GapDown => "Gap_Down",
                PatternKind.MACrossoverBullish => "MACrossover_Bullish",
                PatternKind.MACrossoverBearish => "MACrossover_Bearish",
                PatternKind.GoldenCross => "Golden_Cross",
                PatternKind.DeathCross => "Death_Cross",
                PatternKind.RsiOverbought => "RSI_Overbought",
                PatternKind.RsiOversold => "RSI_Oversold",
                PatternKind.BollingerBreakout => "Bollinger_Breakout",
                PatternKind.ClosedTop10 => "Closed_Top_10",
                PatternKind.ClosedBottom10 => "Closed_Bottom_10",
                PatternKind.BreakoutConfirmed => "Breakout_Confirmed",
                PatternKind.SupportBounce => "Support_Bounce",
                PatternKind.TrendContinuation => "Trend_Continuation",
                PatternKind.ReversalConfirmed => "Reversal_Confirmed",
                _ => kind.ToString(),
            };
        }

        return names;
    }

    private static FrozenDictionary<string, PatternKind[]> BuildLookup()
    {
        var map = new Dictionary<string, List<PatternKind>>(StringComparer.Ordinal);
        void Add(string key, PatternKind kind)
        {
            string k = Normalize(key);
            if (!map.TryGetValue(k, out List<PatternKind>? list))
            {
                map[k] = list = [];
            }

            if (!list.Contains(kind))
            {
                list.Add(kind);
            }
        }

        foreach (PatternKind kind in Enum.GetValues<PatternKind>())
        {
            Add(Names[(int)kind], kind);
            Add(kind.ToString(), kind);
        }

        Add("Engulfing", PatternKind.BullishEngulfing);
        Add("Engulfing", PatternKind.BearishEngulfing);
        Add("Harami", PatternKind.BullishHarami);
        Add("Harami", PatternKind.BearishHarami);
        Add("MACrossover", PatternKind.MACrossoverBullish);
        Add("MACrossover", PatternKind.MACrossoverBearish);
        Add("Gap", PatternKind.GapUp);
        Add("Gap", PatternKind.GapDown);
        Add("HighOfDay", PatternKind.HighOfDay);
        Add("LowOfDay", PatternKind.LowOfDay);
        Add("Piercing", PatternKind.PiercingLine);
        Add("CDLPIERCING", PatternKind.PiercingLine);
        return map.ToFrozenDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal);
    }
}
