namespace TickStock.Core.Backtesting;

/// <summary>Mean and hit rate of a pattern's forward return over <paramref name="Horizon"/> bars.</summary>
/// <param name="Horizon">Bars after the signal bar.</param>
/// <param name="Count">Signals whose bars t+1 … t+h all lie in the range.</param>
/// <param name="Mean">Mean of <c>close[t+h] / open[t+1] − 1</c> (negated for bearish); null when <paramref name="Count"/> is 0.</param>
/// <param name="HitRate">Share of those returns &gt; 0; null when <paramref name="Count"/> is 0.</param>
public sealed record ForwardReturn(int Horizon, int Count, double? Mean, double? HitRate);

/// <summary>One pattern's row of <c>per_pattern</c>.</summary>
/// <param name="Pattern">Published name.</param>
/// <param name="Signals">Its signals, neutral ones included.</param>
/// <param name="Trades">Its trades.</param>
/// <param name="WinRate">Wins / trades (0 with no trades).</param>
/// <param name="AverageReturn">Mean trade return (0 with no trades).</param>
/// <param name="ProfitFactor">Gross profit / |gross loss| in money; null with no losing trade.</param>
/// <param name="Expectancy">Mean trade pnl (0 with no trades).</param>
/// <param name="AverageBarsHeld">Mean bars held (0 with no trades).</param>
/// <param name="Exits">Trades by <see cref="ExitReason"/> (indexed by its value).</param>
/// <param name="Forward">Forward returns at 1, 5, 10, 20 bars.</param>
public sealed record PatternStatistics(
    string Pattern,
    int Signals,
    int Trades,
    double WinRate,
    double AverageReturn,
    double? ProfitFactor,
    double Expectancy,
    double AverageBarsHeld,
    IReadOnlyList<int> Exits,
    IReadOnlyList<ForwardReturn> Forward)
{
    /// <summary>Fewer trades than this and the row is marked <c>low_sample</c>.</summary>
    public const int LowSampleTrades = 30;

    /// <summary>Fewer than <see cref="LowSampleTrades"/> trades.</summary>
    public bool LowSample => Trades < LowSampleTrades;
}

/// <summary>One symbol's row of <c>per_symbol</c>.</summary>
public sealed record SymbolStatistics(string Symbol, int Trades, double WinRate, double Pnl);

/// <summary>Everything a backtest computes: the account's outcome and the statistics of contract §5 <c>results</c>.</summary>
/// <param name="Outcome">Trades, equity series, signal and skip counts.</param>
/// <param name="WinRate">Wins / trades (0 with no trades).</param>
/// <param name="Roi">Final equity / initial capital − 1.</param>
/// <param name="SharpeRatio">See <see cref="EquityStatistics.SharpeRatio"/>.</param>
/// <param name="MaxDrawdown">See <see cref="EquityStatistics.MaxDrawdown"/>.</param>
/// <param name="PerPattern">Patterns with at least one signal, by name (ordinal).</param>
/// <param name="PerSymbol">Every symbol of the run, by name (ordinal).</param>
public sealed record BacktestResult(
    SimulationOutcome Outcome,
    double WinRate,
    double Roi,
    double SharpeRatio,
    double MaxDrawdown,
    IReadOnlyList<PatternStatistics> PerPattern,
    IReadOnlyList<SymbolStatistics> PerSymbol)
{
    /// <summary>Closed trades.</summary>
    public int TotalTrades => Outcome.Trades.Count;

    /// <summary>Last equity value.</summary>
    public double FinalEquity => Outcome.FinalEquity;
}
