using System.Globalization;
using BenchmarkDotNet.Attributes;
using TickStock.Core.Polygon;
using TickStock.PolygonStub;

namespace TickStock.Benchmarks;

/// <summary>
/// The embedded Polygon stub as the historical load uses it, over loopback HTTP (generation, paging
/// and JSON writing; the client only drains the bytes). Run:
/// <c>dotnet run -c Release --project tests/TickStock.Benchmarks -- --filter '*StubBenchmarks*' --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class StubBenchmarks
{
    private PolygonStubServer? _server;
    private HttpClient? _http;

    /// <summary>Starts the stub on an ephemeral port with a fixed "now".</summary>
    [GlobalSetup]
    public void Setup()
    {
        _server = PolygonStubServer.StartAsync(new PolygonStubOptions { Now = DateTimeOffset.Parse("2025-01-15T21:00:00Z", CultureInfo.InvariantCulture) }).GetAwaiter().GetResult();
        _http = new HttpClient { BaseAddress = new Uri(_server.BaseUrl) };
    }

    /// <summary>Stops the stub.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _http?.Dispose();
        _server?.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>One 50,000-bar page of minutes (about 60 trading days).</summary>
    [Benchmark(Baseline = true)]
    public Task<long> MinutePage50k() => Drain("/v2/aggs/ticker/AAPL/range/1/minute/2024-01-01/2024-12-31?limit=50000");

    /// <summary>A year of day bars: each one aggregates that day's generated minutes.</summary>
    [Benchmark]
    public Task<long> DayBarsOneYear() => Drain("/v2/aggs/ticker/AAPL/range/1/day/2024-01-01/2024-12-31");

    /// <summary>A quarter of hour bars (minutes generated and bucketed).</summary>
    [Benchmark]
    public Task<long> HourBarsOneQuarter() => Drain("/v2/aggs/ticker/AAPL/range/1/hour/2024-01-01/2024-03-31?limit=50000");

    /// <summary>
    /// A year of minutes for five symbols, following next_url to the end (the workload the stub
    /// test <c>A_year_of_minutes_for_many_symbols_pages_completely</c> checks for correctness). Run:
    /// <c>dotnet run -c Release --project tests/TickStock.Benchmarks -- --filter '*StubBenchmarks.MinutesOneYearFiveSymbols*' --job short</c>.
    /// </summary>
    [Benchmark]
    public async Task<int> MinutesOneYearFiveSymbols()
    {
        var total = 0;
        foreach (var ticker in new[] { "S1", "S2", "S3", "S4", "S5" })
        {
            string? url = $"/v2/aggs/ticker/{ticker}/range/1/minute/2024-01-01/2024-12-31?limit=50000";
            while (url is not null)
            {
                var body = await _http!.GetByteArrayAsync(new Uri(url, UriKind.RelativeOrAbsolute)).ConfigureAwait(false);
                var page = PolygonResponseParser.ParseAggregates(body).Value ?? throw new InvalidOperationException("stub page did not parse");
                total += page.Bars.Count;
                url = page.NextUrl;
            }
        }

        return total;
    }

    private async Task<long> Drain(string path)
    {
        using var response = await _http!.GetAsync(new Uri(path, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
        await using var body = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
        var buffer = new byte[81_920 / 2];
        long total = 0;
        int read;
        while ((read = await body.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            total += read;
        }

        return total;
    }
}
