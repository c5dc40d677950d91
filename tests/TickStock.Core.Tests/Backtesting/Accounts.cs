using TickStock.Core.Backtesting;
using TickStock.Core.Bars;
using TickStock.Core.Detectors;

namespace TickStock.Core.Tests.Backtesting;

/// <summary>Hand-built symbols with hand-placed signals, so each rule of the simulation can be worked on paper.</summary>
internal static class Accounts
{
    /// <summary>Day 0 of every hand-built series (a Tuesday; the simulation does not care about weekdays).</summary>
    public static readonly DateOnly Day0 = new(2024, 1, 2);

    /// <summary>No commission, no slippage: the arithmetic of sizing and exits alone.</summary>
    public static readonly BacktestParameters Frictionless = new()
    {
        InitialCapital = 1000,
        CommissionRate = 0,
        SlippageRate = 0,
        MaxPositionSize = 0.5,
    };

    public static DateOnly Day(int n) => Day0.AddDays(n);

    /// <summary>A symbol whose bars are on consecutive days starting at <see cref="Day"/>(<paramref name="firstDay"/>).</summary>
    public static SymbolSignals Symbol(string symbol, int firstDay, (double O, double H, double L, double C)[] bars, params Signal[] signals) =>
        new(symbol, bars.Select((b, i) => Bar.Daily(Day(firstDay + i), b.O, b.H, b.L, b.C, 1000)), signals);

    public static SymbolSignals Symbol(string symbol, (double O, double H, double L, double C)[] bars, params Signal[] signals) =>
        Symbol(symbol, 0, bars, signals);

    public static Signal Bull(int bar, PatternKind kind = PatternKind.BullishEngulfing) => new(bar, kind, Direction.Bullish);

    public static Signal Bear(int bar, PatternKind kind = PatternKind.BearishEngulfing) => new(bar, kind, Direction.Bearish);

    public static Signal Neutral(int bar) => new(bar, PatternKind.Doji, Direction.Neutral);

    /// <summary>A bar that opens, closes and ranges at one price.</summary>
    public static (double, double, double, double) Flat(double price) => (price, price, price, price);

    public static SimulationOutcome Run(BacktestParameters parameters, params SymbolSignals[] symbols) =>
        AccountSimulation.Run(symbols, parameters);

    public static int Skipped(this SimulationOutcome outcome, SkipReason reason) => outcome.Skipped[(int)reason];
}
