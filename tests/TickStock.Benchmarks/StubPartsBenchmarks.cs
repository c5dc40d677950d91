using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using TickStock.PolygonStub;

namespace TickStock.Benchmarks;

/// <summary>
/// The stub's parts without HTTP: generating synthetic minutes and writing them as JSON, per
/// 60 trading days of one ticker (~50,000 minutes). Run:
/// <c>dotnet run -c Release --project tests/TickStock.Benchmarks -- --filter '*StubPartsBenchmarks*' --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class StubPartsBenchmarks
{
    private readonly List<DateOnly> _days = [];
    private readonly List<StubBar> _bars = [];
    private readonly ArrayBufferWriter<byte> _buffer = new(8 << 20);

    /// <summary>Picks 60 weekdays from 2024-01-02 and generates their minutes once for the JSON benchmark.</summary>
    [GlobalSetup]
    public void Setup()
    {
        for (var d = new DateOnly(2024, 1, 2); _days.Count < 60; d = d.AddDays(1))
        {
            if (d.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
            {
                _days.Add(d);
            }
        }

        foreach (var d in _days)
        {
            var day = SyntheticMarket.MinutesOf("AAPL", d);
            while (day.MoveNext(out var bar))
            {
                _bars.Add(bar);
            }
        }
    }

    /// <summary>Generates the minutes of the 60 days.</summary>
    [Benchmark(Baseline = true)]
    public long GenerateMinutes()
    {
        long volume = 0;
        foreach (var d in _days)
        {
            var day = SyntheticMarket.MinutesOf("AAPL", d);
            while (day.MoveNext(out var bar))
            {
                volume += bar.V;
            }
        }

        return volume;
    }

    /// <summary>Writes the generated minutes as the aggregates endpoint does.</summary>
    [Benchmark]
    public long WriteJson()
    {
        _buffer.ResetWrittenCount();
        using var w = new Utf8JsonWriter(_buffer);
        w.WriteStartArray();
        foreach (var bar in _bars)
        {
            BarJson.Write(w, bar);
        }

        w.WriteEndArray();
        w.Flush();
        return _buffer.WrittenCount;
    }
}
