namespace TickStock.Core.Backtesting;

/// <summary>Why a signal did not become a trade (<c>spec/backtest.md</c>; the result's <c>skipped</c> map).</summary>
public enum SkipReason
{
    /// <summary>A neutral detection: counted as a signal, never traded.</summary>
    Neutral,
    /// <summary>The symbol already had an open position (also one opened earlier the same day).</summary>
    PositionOpen,
    /// <summary>A bearish signal while <c>allow_short</c> is false.</summary>
    ShortDisabled,
    /// <summary>The target notional buys less than one share.</summary>
    Size,
    /// <summary>Not enough cash for the fill plus its commission.</summary>
    Cash,
    /// <summary>The signal's bar is the symbol's last bar in the range.</summary>
    NoNextBar,
}

/// <summary>Why a position closed (the trade's <c>reason</c>; <c>exits</c> maps).</summary>
public enum ExitReason
{
    /// <summary>The stop was reached (at the open through a gap, or intrabar).</summary>
    Stop,
    /// <summary>The target was reached (at the open through a gap, or intrabar).</summary>
    Target,
    /// <summary>Held <c>max_holding_bars</c> bars: out at that bar's close.</summary>
    Time,
    /// <summary>Still open on the last date of the range: out at the symbol's last close.</summary>
    End,
}

/// <summary>Which side a trade is on.</summary>
public enum TradeSide
{
    /// <summary>From a bullish signal.</summary>
    Long,
    /// <summary>From a bearish signal.</summary>
    Short,
}

/// <summary>Wire spellings of the backtest enums (fixed: they are map keys and field values in the result).</summary>
public static class BacktestNames
{
    /// <summary>Every skip reason in the order the result writes them.</summary>
    public static IReadOnlyList<SkipReason> SkipReasons { get; } = Enum.GetValues<SkipReason>();

    /// <summary>Every exit reason in the order the result writes them.</summary>
    public static IReadOnlyList<ExitReason> ExitReasons { get; } = Enum.GetValues<ExitReason>();

    /// <summary>The forward-return horizons of <c>per_pattern.forward</c>, in bars.</summary>
    public static IReadOnlyList<int> ForwardHorizons { get; } = [1, 5, 10, 20];

    /// <summary><c>neutral</c>, <c>position_open</c>, <c>short_disabled</c>, <c>size</c>, <c>cash</c>, <c>no_next_bar</c>.</summary>
    public static string Of(SkipReason reason) => reason switch
    {
        SkipReason.Neutral => "neutral",
        SkipReason.PositionOpen => "position_open",
        SkipReason.ShortDisabled => "short_disabled",
        SkipReason.Size => "size",
        SkipReason.Cash => "cash",
        SkipReason.NoNextBar => "no_next_bar",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };

    /// <summary><c>stop</c>, <c>target</c>, <c>time</c>, <c>end</c>.</summary>
    public static string Of(ExitReason reason) => reason switch
    {
        ExitReason.Stop => "stop",
        ExitReason.Target => "target",
        ExitReason.Time => "time",
        ExitReason.End => "end",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };

    /// <summary><c>long</c> or <c>short</c>.</summary>
    public static string Of(TradeSide side) => side == TradeSide.Long ? "long" : "short";
}
