using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Xunit;

namespace TickStock.PolygonStub.Tests;

/// <summary>
/// Pins the served aggregates byte for byte: the digest was taken from the stub before its
/// generator and JSON writer were optimised, so any change to a bar (a price rounded differently,
/// a minute gained or lost, a number written another way) fails here. Only the per-request id and
/// the ephemeral port are masked.
/// </summary>
public sealed partial class ServedBarsDigestTests
{
    private const string ExpectedDigest = "E606EFF25D6259CCD013A2359F6693D7EF73AD8DEF88AAB89E1CAB810E70EB7F";

    private static readonly string[] SyntheticTickers = ["AAPL", "MSFT", "NVDA", "S1", "ZZTOP"];

    [Fact]
    public async Task Served_bars_match_the_digest_taken_before_the_optimisation()
    {
        var perRequest = new List<string>();
        var all = new StringBuilder();

        // Synthetic: Oct–early Dec 2024 spans the DST switch (Nov 3) and an early close (Nov 29).
        await using (var server = await StubClient.Start())
        {
            using var http = StubClient.Client(server);
            foreach (var t in SyntheticTickers)
            {
                foreach (var path in new[]
                {
                    $"/v2/aggs/ticker/{t}/range/1/minute/2024-10-01/2024-12-06?limit=50000",
                    $"/v2/aggs/ticker/{t}/range/1/minute/2024-10-01/2024-12-06?limit=7777&sort=desc",
                    $"/v2/aggs/ticker/{t}/range/5/minute/2024-10-01/2024-12-06?limit=50000",
                    $"/v2/aggs/ticker/{t}/range/1/hour/2024-10-01/2024-12-06?limit=50000",
                    $"/v2/aggs/ticker/{t}/range/2/hour/2024-10-01/2024-12-06?limit=50000&sort=desc",
                    $"/v2/aggs/ticker/{t}/range/1/day/2024-10-01/2024-12-06",
                    $"/v2/aggs/ticker/{t}/range/1/day/2024-10-01/2024-12-06?sort=desc",
                    $"/v2/aggs/ticker/{t}/range/3/day/2024-10-01/2024-12-06",
                    $"/v2/aggs/ticker/{t}/range/1/minute/2024-03-07/2024-03-12?limit=50000", // spring DST switch (Mar 10)
                })
                {
                    await Collect(http, server.BaseUrl, path, perRequest, all);
                }
            }

            await Collect(http, server.BaseUrl, "/v2/aggs/ticker/AAPL/range/1/week/2024-01-01/2024-12-31", perRequest, all);
            await Collect(http, server.BaseUrl, "/v2/aggs/ticker/AAPL/range/1/month/2024-01-01/2024-12-31?sort=desc", perRequest, all);
            await Collect(http, server.BaseUrl, "/v2/aggs/grouped/locale/us/market/stocks/2024-11-29", perRequest, all);
        }

        // A horizon inside a trading day (10:00:30 New York): minutes, hours and the partial day bar.
        await using (var server = await StubClient.Start(new PolygonStubOptions { Now = DateTimeOffset.Parse("2025-01-15T15:00:30Z", CultureInfo.InvariantCulture) }))
        {
            using var http = StubClient.Client(server);
            foreach (var path in new[]
            {
                "/v2/aggs/ticker/MSFT/range/1/minute/2025-01-13/2025-01-16?limit=50000",
                "/v2/aggs/ticker/MSFT/range/1/hour/2025-01-13/2025-01-16?limit=50000&sort=desc",
                "/v2/aggs/ticker/MSFT/range/1/day/2025-01-13/2025-01-16",
            })
            {
                await Collect(http, server.BaseUrl, path, perRequest, all);
            }
        }

        // Real CSV bars (no vwap, no trades), and synthetic days around them for the same ticker.
        await using (var server = await StubClient.Start(new PolygonStubOptions { Now = StubClient.DefaultNow, DataDirectory = Path.Combine(StubClient.RepoRoot(), "data", "sample") }))
        {
            using var http = StubClient.Client(server);
            foreach (var path in new[]
            {
                "/v2/aggs/ticker/SPY/range/1/minute/2020-12-14/2020-12-18?limit=50000",
                "/v2/aggs/ticker/SPY/range/1/hour/2020-12-14/2020-12-18?limit=50000",
                "/v2/aggs/ticker/SPY/range/1/day/2020-08-01/2021-01-31",
                "/v2/aggs/ticker/SPY/range/1/week/2020-08-01/2021-01-31",
                "/v2/aggs/ticker/SPY/range/1/month/2020-08-01/2021-01-31",
                "/v2/aggs/grouped/locale/us/market/stocks/2020-12-15",
            })
            {
                await Collect(http, server.BaseUrl, path, perRequest, all);
            }
        }

        var digest = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(all.ToString())));
        Assert.True(ExpectedDigest == digest, $"digest {digest}; per request:\n{string.Join('\n', perRequest)}");
    }

    /// <summary>Follows next_url; appends each masked body to <paramref name="all"/> and a short hash per request.</summary>
    private static async Task Collect(HttpClient http, string baseUrl, string first, List<string> perRequest, StringBuilder all)
    {
        var request = new StringBuilder();
        string? url = first;
        while (url is not null)
        {
            var body = await http.GetStringAsync(new Uri(url, UriKind.RelativeOrAbsolute));
            var masked = RequestId().Replace(body, "\"request_id\":\"-\"").Replace(baseUrl, string.Empty, StringComparison.Ordinal);
            request.Append(masked).Append('\n');
            var next = NextUrl().Match(body);
            url = next.Success ? next.Groups[1].Value : null;
        }

        all.Append(first).Append('\n').Append(request);
        perRequest.Add($"{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(request.ToString())))[..12]} {first}");
    }

    [GeneratedRegex("\"request_id\":\"[0-9a-f]{32}\"")]
    private static partial Regex RequestId();

    [GeneratedRegex("\"next_url\":\"([^\"]+)\"")]
    private static partial Regex NextUrl();
}
