using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using TickStock.Core.Backtesting;
using TickStock.Core.Bars;

namespace TickStock.Cli.Commands;

/// <summary>
/// `tickstock bench backtest`: the whole offline backtest (full daily catalog with 300 bars of warm-up per symbol, the
/// account simulation and the statistics) on one thread over synthetic random-walk symbols. Prints one JSON line;
/// <c>bars_per_sec</c> counts the range's bars only (the warm-up bars are extra work, not credited).
/// </summary>
internal static class BenchBacktestCommand
{
    private const int TradingDaysPerYear = 252;

    private static readonly TimeSpan WarmupTime = TimeSpan.FromSeconds(2);

    public static Command Create()
    {
        var symbols = new Option<int>("--symbols") { Description = "Synthetic symbols.", DefaultValueFactory = _ => 500 };
        var years = new Option<int>("--years") { Description = "Years of daily bars in the range (252 bars each), after 300 warm-up bars.", DefaultValueFactory = _ => 5 };
        var command = new Command("backtest", "Backtest throughput: detection, simulation and statistics over N symbols × Y years on one thread.") { symbols, years };
        command.SetAction(parse => Run(parse.GetValue(symbols), parse.GetValue(years)));
        return command;
    }

    private static int Run(int symbolCount, int years)
    {
        if (symbolCount is < 1 or > 10_000 || years is < 1 or > 50)
        {
            Console.Error.WriteLine("tickstock: bench backtest: --symbols must be 1..10000 and --years 1..50");
            return ExitCodes.ConfigurationError;
        }

        int rangeBars = years * TradingDaysPerYear;
        DateOnly[] dates = SyntheticHistory.Weekdays(new DateOnly(2000, 1, 3), SignalDetector.WarmUpBars + rangeBars);
        SymbolHistory[] histories = SyntheticHistory.Histories(symbolCount, dates);
        var request = new BacktestRequest { Start = dates[SignalDetector.WarmUpBars], End = dates[^1] };
        SyntheticHistory.WarmUp(WarmupTime); // so the timed run measures optimised code, not the tiered JIT

        // The same three steps as Backtest.Run, timed apart: detection dominates, and the split shows by how much.
        var watch = Stopwatch.StartNew();
        SymbolSignals[] signals = histories.Select(h => SignalDetector.Detect(h, request.Start, request.End, request.Patterns)).ToArray();
        double detectSeconds = watch.Elapsed.TotalSeconds;
        SimulationOutcome outcome = AccountSimulation.Run(signals, request.Parameters);
        BacktestResult result = BacktestReport.Build(signals, outcome, request.Parameters);
        double seconds = watch.Elapsed.TotalSeconds;
        long bars = (long)rangeBars * symbolCount;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"symbols\":{symbolCount},\"years\":{years},\"bars\":{bars},\"warmup_bars\":{(long)SignalDetector.WarmUpBars * symbolCount},\"seconds\":{seconds:0.###},\"detect_seconds\":{detectSeconds:0.###},\"simulate_seconds\":{seconds - detectSeconds:0.###},\"bars_per_sec\":{bars / seconds:0},\"signals\":{result.Outcome.SignalCount},\"trades\":{result.TotalTrades}}}"));
        return ExitCodes.Ok;
    }

    /// <summary>Runs a few symbols for <see cref="WarmupTime"/> so the timed run measures optimised code, not the tiered JIT.</summary>
}
