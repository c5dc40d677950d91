using System.Globalization;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using TickStock.Core.Market;
using TickStock.Core.Polygon;

namespace TickStock.Benchmarks;

/// <summary>
/// One full aggregates page (50,000 minute bars, ~5 MB, shaped like the provider's and the stub's
/// wire form) parsed to bars three ways: the former reflection path (JsonSerializer into records,
/// then ToBar per row), the hand-written reader keeping whole rows, and the loader's path (bars
/// into a reused list). Run:
/// <c>dotnet run -c Release --project tests/TickStock.Benchmarks -- --filter '*Parse*'</c>.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class AggregatesParseBenchmarks
{
    // The options the reflection path used.
    private static readonly JsonSerializerOptions ReflectionOptions = new() { PropertyNameCaseInsensitive = false, MaxDepth = 16 };

    private byte[] _page = [];
    private readonly List<OhlcvBar> _bars = [];

    [Params(50_000)]
    public int Bars { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _page = SyntheticAggregatesPage.Generate(Bars, seed: 7);
        Console.WriteLine($"// page: {Bars} bars, {_page.Length:N0} bytes");

        // The three paths must agree bar for bar before their speed means anything.
        Reflection();
        var before = _bars.ToArray();
        HandWrittenBars();
        if (!before.AsSpan().SequenceEqual(_bars.ToArray()) || !PolygonResponseParser.ParseAggregates(_page).Value!.Bars.Select(r => r.ToBar()).SequenceEqual(before))
        {
            throw new InvalidOperationException("the hand-written reader disagrees with the reflection path");
        }
    }

    /// <summary>Before: JsonSerializer into a record per row, then a bar per record (the client's old loop).</summary>
    [Benchmark(Baseline = true)]
    public int Reflection()
    {
        var page = JsonSerializer.Deserialize<PolygonAggregatesResponse>(_page, ReflectionOptions)!;
        _bars.Clear();
        foreach (var row in page.Bars)
        {
            _bars.Add(row.ToBar());
        }

        return _bars.Count;
    }

    /// <summary>The hand-written reader keeping whole rows (ParseAggregates).</summary>
    [Benchmark]
    public int HandWrittenRows() => PolygonResponseParser.ParseAggregates(_page).Value!.Bars.Count;

    /// <summary>The loader's path: bars straight into a list reused across pages (ParseAggregateBars).</summary>
    [Benchmark]
    public int HandWrittenBars()
    {
        PolygonResponseParser.ParseAggregateBars(_page, _bars);
        return _bars.Count;
    }
}

/// <summary>A deterministic minute-bar page in the provider's wire form.</summary>
public static class SyntheticAggregatesPage
{
    /// <summary>
    /// Compact JSON in the recorded key order; prices in shortest double form, volumes as Go's
    /// <c>%g</c> writes them (exponent form from 1e6, as in <c>1.029145e+06</c>).
    /// </summary>
    public static byte[] Generate(int count, int seed)
    {
        var random = new Random(seed);
        var json = new StringBuilder(count * 110);
        var t = 1_704_189_600_000L; // 2024-01-02 09:00Z = 04:00 New York
        var price = 185.0;
        json.Append(CultureInfo.InvariantCulture, $$"""{"ticker":"AAPL","queryCount":{{count}},"resultsCount":{{count}},"adjusted":true,"results":[""");
        for (var i = 0; i < count; i++)
        {
            var open = Math.Round(price, 2);
            var close = Math.Round(open + ((random.NextDouble() - 0.5) * 0.4), 2);
            var high = Math.Round(Math.Max(open, close) + (random.NextDouble() * 0.2), 2);
            var low = Math.Round(Math.Min(open, close) - (random.NextDouble() * 0.2), 4);
            var vwap = Math.Round((open + close + high + low) / 4, 4);
            var volume = (long)(500 + (random.NextDouble() * random.NextDouble() * 3_000_000));
            json.Append(i == 0 ? "" : ",")
                .Append(CultureInfo.InvariantCulture, $$"""{"v":{{Volume(volume)}},"vw":{{vwap}},"o":{{open}},"c":{{close}},"h":{{high}},"l":{{low}},"t":{{t}},"n":{{1 + (volume / 150)}}}""");
            t += 60_000;
            price = Math.Clamp(close, 20, 500);
        }

        json.Append(CultureInfo.InvariantCulture, $$"""],"status":"OK","request_id":"6a7e466379af0a71039d60cc78e72282","count":{{count}},"next_url":"https://api.polygon.io/v2/aggs/ticker/AAPL/range/1/minute/{{t}}/2024-12-31?cursor=bGltaXQ9NTAwMDAmc29ydD1hc2M"}""");
        return Encoding.UTF8.GetBytes(json.ToString());
    }

    private static string Volume(long v)
    {
        if (v < 1_000_000)
        {
            return v.ToString(CultureInfo.InvariantCulture);
        }

        var digits = v.ToString(CultureInfo.InvariantCulture);
        var mantissa = digits.TrimEnd('0');
        var fraction = mantissa.Length > 1 ? "." + mantissa[1..] : "";
        return string.Create(CultureInfo.InvariantCulture, $"{mantissa[0]}{fraction}e+{digits.Length - 1:00}");
    }
}
