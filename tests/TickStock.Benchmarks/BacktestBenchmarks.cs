using BenchmarkDotNet.Attributes;
using TickStock.Core.Backtesting;
using TickStock.Core.Bars;

namespace TickStock.Benchmarks;

/// <summary>
/// The offline backtest on one thread: detection (full daily catalog, 300 warm-up bars) + simulation + statistics, and
/// the simulation + statistics alone on signals detected once. 100 symbols × 5 years (126,000 range bars).
/// Run: <c>dotnet run -c Release --project tests/TickStock.Benchmarks -- --filter '*BacktestBenchmarks*'</c>.
/// Bars/s = 126,000 / mean time.
/// </summary>
[MemoryDiagnoser]
public class BacktestBenchmarks
{
    private const int Symbols = 100;
    private const int RangeBars = 5 * 252;

    private SymbolHistory[] _histories = [];
    private SymbolSignals[] _signals = [];
    private BacktestRequest _request = null!;

    /// <summary>Random-walk daily symbols and the request covering their last 5 × 252 bars.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var first = new DateOnly(2000, 1, 3);
        int count = SignalDetector.WarmUpBars + RangeBars;
        _histories = new SymbolHistory[Symbols];
        for (int s = 0; s < Symbols; s++)
        {
            var random = new Random(s + 1);
            var bars = new Bar[count];
            double price = 20 + (random.NextDouble() * 200);
            for (int i = 0; i < count; i++)
            {
                double open = price * (1 + ((random.NextDouble() - 0.5) * 0.01));
                double close = open * (1 + ((random.NextDouble() - 0.5) * 0.04));
                double high = Math.Max(open, close) * (1 + (random.NextDouble() * 0.01));
                double low = Math.Min(open, close) * (1 - (random.NextDouble() * 0.01));
                bars[i] = Bar.Daily(first.AddDays(i), open, high, low, close, 1e6 * (0.5 + random.NextDouble()) * (random.NextDouble() < 0.02 ? 5 : 1));
                price = close;
            }

            SymbolHistory.TryCreate($"S{s:000}", bars, out SymbolHistory? history, out string? error);
            _histories[s] = history ?? throw new InvalidOperationException(error);
        }

        _request = new BacktestRequest { Start = first.AddDays(SignalDetector.WarmUpBars), End = first.AddDays(count - 1) };
        _signals = _histories.Select(h => SignalDetector.Detect(h, _request.Start, _request.End, _request.Patterns)).ToArray();
    }

    /// <summary>Everything <c>tickstock backtest file</c> computes after reading the files.</summary>
    [Benchmark(Baseline = true)]
    public int FullBacktest() => Backtest.Run(_histories, _request).TotalTrades;

    /// <summary>The account and the statistics on signals detected in the setup.</summary>
    [Benchmark]
    public int SimulationAndStatistics()
    {
        SimulationOutcome outcome = AccountSimulation.Run(_signals, _request.Parameters);
        return BacktestReport.Build(_signals, outcome, _request.Parameters).TotalTrades;
    }
}
