using TickStock.Core.Detectors;

namespace TickStock.Core.Backtesting;

/// <summary>One closed position (the result's <c>trades</c> entry). Prices are fills, slippage included.</summary>
/// <param name="Symbol">The symbol.</param>
/// <param name="Kind">The pattern whose signal opened it.</param>
/// <param name="Side">Long (bullish signal) or short (bearish).</param>
/// <param name="EntryDate">Date of the entry bar (the bar after the signal's).</param>
/// <param name="EntryPrice">Entry fill <c>f</c>.</param>
/// <param name="Quantity">Shares.</param>
/// <param name="ExitDate">Date of the bar whose price closed it.</param>
/// <param name="ExitPrice">Exit fill.</param>
/// <param name="Reason">Why it closed.</param>
/// <param name="Pnl">Everything it returned to cash minus everything it took, both commissions included.</param>
/// <param name="Return"><see cref="Pnl"/> / (quantity × entry fill).</param>
/// <param name="BarsHeld">The symbol's bars from the entry bar to the exit bar, both included.</param>
public sealed record Trade(
    string Symbol,
    PatternKind Kind,
    TradeSide Side,
    DateOnly EntryDate,
    double EntryPrice,
    long Quantity,
    DateOnly ExitDate,
    double ExitPrice,
    ExitReason Reason,
    double Pnl,
    double Return,
    int BarsHeld)
{
    /// <summary>Published pattern name.</summary>
    public string Pattern => PatternCatalog.Name(Kind);

    /// <summary>A win is a trade with <c>pnl &gt; 0</c>.</summary>
    public bool IsWin => Pnl > 0;
}
