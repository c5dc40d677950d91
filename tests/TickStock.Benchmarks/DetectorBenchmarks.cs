using BenchmarkDotNet.Attributes;
using TickStock.Core.Bars;
using TickStock.Core.Detectors;
using TickStock.Core.Detectors.Candles;

namespace TickStock.Benchmarks;

/// <summary>
/// One symbol, one thread: the 12 TA-Lib candlesticks alone and the full daily catalog over 1M generated bars.
/// Run: <c>dotnet run -c Release --project tests/TickStock.Benchmarks -- --filter '*DetectorBenchmarks*'</c>.
/// Bars/s = 1,000,000 / mean time.
/// </summary>
[MemoryDiagnoser]
public class DetectorBenchmarks
{
    private Bar[] _bars = [];
    private List<Detection> _output = [];

    /// <summary>Bars per operation.</summary>
    [Params(1_000_000)]
    public int Bars { get; set; }

    /// <summary>Generates a deterministic random walk with varied candle shapes.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _bars = SyntheticBars.Generate(Bars, seed: 42);
        _output = new List<Detection>(Bars);
    }

    /// <summary>The 12 candlestick functions (TA-Lib values per bar).</summary>
    [Benchmark(Baseline = true)]
    public int Candlesticks()
    {
        var scanner = new CandlestickScanner();
        int fired = 0;
        foreach (ref readonly Bar bar in _bars.AsSpan())
        {
            fired += scanner.OnBar(bar);
        }

        return fired;
    }

    /// <summary>Every daily pattern plus the indicators they need.</summary>
    [Benchmark]
    public int FullDailyCatalog()
    {
        var engine = new DetectorEngine(new DetectorOptions { Timeframe = Timeframe.Daily });
        _output.Clear();
        foreach (ref readonly Bar bar in _bars.AsSpan())
        {
            engine.OnBar(bar, _output);
        }

        return _output.Count;
    }

    /// <summary>Every intraday pattern on 1-minute bars.</summary>
    [Benchmark]
    public int FullIntradayCatalog()
    {
        var engine = new DetectorEngine(new DetectorOptions { Timeframe = Timeframe.OneMinute });
        _output.Clear();
        foreach (ref readonly Bar bar in _bars.AsSpan())
        {
            engine.OnBar(bar, _output);
        }

        return _output.Count;
    }
}

/// <summary>Deterministic synthetic bars for benchmarks (daily dates, and 390-minute sessions for intraday fields).</summary>
public static class SyntheticBars
{
    /// <summary>Generates <paramref name="count"/> bars.</summary>
    public static Bar[] Generate(int count, int seed)
    {
        var random = new Random(seed);
        var bars = new Bar[count];
        double price = 100;
        for (int i = 0; i < count; i++)
        {
            double unit = price * 0.01;
            double open = price + ((random.NextDouble() - 0.5) * 0.6 * unit);
            double close = open + ((random.NextDouble() - 0.5) * 2.4 * unit);
            double high = Math.Max(open, close) + (random.NextDouble() * 0.8 * unit);
            double low = Math.Min(open, close) - (random.NextDouble() * 0.8 * unit);
            double volume = Math.Round(1e6 * (0.5 + (random.NextDouble() * 1.5) + (random.NextDouble() < 0.01 ? 5 : 0)));
            int session = i / 390;
            bars[i] = new Bar(i * 86_400_000L, Math.Round(open, 2), Math.Round(high, 2), Math.Round(low, 2), Math.Round(close, 2), volume)
            {
                SessionDate = 20000101 + session,
                MinuteOfSession = i % 390,
            };
            price = Math.Clamp(close, 20, 500);
        }

        return bars;
    }
}
