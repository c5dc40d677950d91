using System.Globalization;
using TickStock.Core.Polygon;
using TickStock.PolygonStub;

namespace TickStock.PolygonStub.Tests;

internal static class StubClient
{
    public static readonly DateTimeOffset DefaultNow = DateTimeOffset.Parse("2025-01-15T21:00:00Z", CultureInfo.InvariantCulture);

    public static Task<PolygonStubServer> Start(PolygonStubOptions? options = null) =>
        PolygonStubServer.StartAsync(options ?? new PolygonStubOptions { Now = DefaultNow });

    public static HttpClient Client(PolygonStubServer server) => new() { BaseAddress = new Uri(server.BaseUrl) };

    public static async Task<PolygonAggregatesResponse> GetAggs(HttpClient http, string pathAndQuery)
    {
        using var response = await http.GetAsync(new Uri(pathAndQuery, UriKind.RelativeOrAbsolute));
        var body = await response.Content.ReadAsByteArrayAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(body)}");
        }

        var parsed = PolygonResponseParser.ParseAggregates(body);
        return parsed.Value ?? throw new InvalidOperationException(parsed.Error);
    }

    /// <summary>Follows next_url like the official clients until it is absent.</summary>
    public static async Task<List<PolygonAggregate>> GetAll(HttpClient http, string first)
    {
        var all = new List<PolygonAggregate>();
        string? url = first;
        var pages = 0;
        while (url is not null)
        {
            var page = await GetAggs(http, url);
            all.AddRange(page.Bars);
            url = page.NextUrl;
            if (++pages > 10_000)
            {
                throw new InvalidOperationException("paging does not end");
            }
        }

        return all;
    }

    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (Directory.Exists(Path.Combine(dir.FullName, "data", "sample")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("repository root not found");
    }
}
