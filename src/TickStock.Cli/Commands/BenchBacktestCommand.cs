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
        DateOnly[] dates = Weekdays(new DateOnly(2000, 1, 3), SignalDetector.WarmUpBars + rangeBars);
        var histories = new SymbolHistory[symbolCount];
        for (int s = 0; s < symbolCount; s++)
        {
            SymbolHistory.TryCreate(string.Create(CultureInfo.InvariantCulture, $"S{s:00000}"), RandomWalk(dates, seed: s + 1), out SymbolHistory? history, out string? error);
            histories[s] = history ?? throw new InvalidOperationException(error);
        }

        var request = new BacktestRequest { Start = dates[SignalDetector.WarmUpBars], End = dates[^1] };
        Warmup(histories, request);

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
    private static void Warmup(SymbolHistory[] histories, BacktestRequest request)
    {
        SymbolHistory[] few = histories[..Math.Min(histories.Length, 20)];
        var watch = Stopwatch.StartNew();
        do
        {
            Backtest.Run(few, request);
        }
        while (watch.Elapsed < WarmupTime);
    }

    private static DateOnly[] Weekdays(DateOnly first, int count)
    {
        var dates = new DateOnly[count];
        DateOnly date = first;
        for (int i = 0; i < count; i++)
        {
            while (date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
            {
                date = date.AddDays(1);
            }

            dates[i] = date;
            date = date.AddDays(1);
        }

        return dates;
    }

    /// <summary>A seeded random walk with ±2 % days and occasional volume bursts, so every kind of detector fires.</summary>
    private static Bar[] RandomWalk(DateOnly[] dates, int seed)
    {
        var random = new Random(seed);
        var bars = new Bar[dates.Length];
        double price = 20 + (random.NextDouble() * 200);
        for (int i = 0; i < bars.Length; i++)
        {
            double open = price * (1 + ((random.NextDouble() - 0.5) * 0.01));
            double close = open * (1 + ((random.NextDouble() - 0.5) * 0.04));
            double high = Math.Max(open, close) * (1 + (random.NextDouble() * 0.01));
            double low = Math.Min(open, close) * (1 - (random.NextDouble() * 0.01));
            double volume = 1e6 * (0.5 + random.NextDouble()) * (random.NextDouble() < 0.02 ? 5 : 1);
            bars[i] = Bar.Daily(dates[i], open, high, low, close, volume);
            price = close;
        }

        return bars;
    }
}
