using System.Net;
using System.Text.Json;
using TickStock.Core.Polygon;
using Xunit;

namespace TickStock.PolygonStub.Tests;

public sealed class FaultAndEndpointTests
{
    private const string Path1 = "/v2/aggs/ticker/AAPL/range/1/day/2025-01-06/2025-01-10";

    [Fact]
    public async Task Both_auth_styles_and_401s()
    {
        await using var server = await StubClient.Start(new PolygonStubOptions { Now = StubClient.DefaultNow, RequiredApiKey = "secret" });
        using var http = StubClient.Client(server);

        using var none = await http.GetAsync(new Uri(Path1, UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Contains("API Key was not provided", await none.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var wrong = await http.GetAsync(new Uri(Path1 + "?apiKey=nope", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal("Unknown API Key", PolygonResponseParser.DescribeError(401, await wrong.Content.ReadAsStringAsync()).Text);

        using var query = await http.GetAsync(new Uri(Path1 + "?apiKey=secret", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, query.StatusCode);

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Path1, UriKind.Relative));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "secret");
        using var bearer = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, bearer.StatusCode);
    }

    [Fact]
    public async Task Rate_limit_answers_429_with_retry_after()
    {
        var options = new PolygonStubOptions { Now = StubClient.DefaultNow, Faults = new PolygonStubFaults { RateLimitRequests = 5, RetryAfterSeconds = 12 } };
        await using var server = await StubClient.Start(options);
        using var http = StubClient.Client(server);
        for (var i = 0; i < 5; i++)
        {
            using var ok = await http.GetAsync(new Uri(Path1, UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using var limited = await http.GetAsync(new Uri(Path1, UriKind.Relative));
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(12), limited.Headers.RetryAfter!.Delta);
        var error = PolygonResponseParser.DescribeError(429, await limited.Content.ReadAsStringAsync());
        Assert.Equal("ERROR", error.Status);
        Assert.StartsWith("You've exceeded the maximum requests per minute", error.Text, StringComparison.Ordinal);
        Assert.Equal(6, server.Stats.AggregateRequests);
        Assert.Equal(1, server.Stats.ByStatus[429]);
    }

    [Fact]
    public async Task Fixed_sequence_gives_html_5xx_then_data()
    {
        var options = new PolygonStubOptions { Now = StubClient.DefaultNow, Faults = new PolygonStubFaults { Sequence = [500, 504, 403, 0] } };
        await using var server = await StubClient.Start(options);
        using var http = StubClient.Client(server);
        using var first = await http.GetAsync(new Uri(Path1, UriKind.Relative));
        Assert.Equal(HttpStatusCode.InternalServerError, first.StatusCode);
        Assert.Equal("text/html", first.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith("<html>", await first.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var second = await http.GetAsync(new Uri(Path1, UriKind.Relative));
        Assert.Equal(HttpStatusCode.GatewayTimeout, second.StatusCode);
        Assert.Equal("HTTP 504: 504 Gateway Time-out", PolygonResponseParser.DescribeError(504, await second.Content.ReadAsStringAsync()).Text);
        using var third = await http.GetAsync(new Uri(Path1, UriKind.Relative));
        Assert.Equal(HttpStatusCode.Forbidden, third.StatusCode);
        Assert.Equal("NOT_AUTHORIZED", PolygonResponseParser.DescribeError(403, await third.Content.ReadAsStringAsync()).Status);
        using var fourth = await http.GetAsync(new Uri(Path1, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, fourth.StatusCode);
    }

    [Fact]
    public async Task Path_rules_and_plan_limits()
    {
        var options = new PolygonStubOptions
        {
            Now = StubClient.DefaultNow,
            Faults = new PolygonStubFaults { PathRules = [new PathFaultRule("/MSFT/", 502, Times: 1)], PlanHistoryStart = new DateOnly(2023, 1, 1) },
        };
        await using var server = await StubClient.Start(options);
        using var http = StubClient.Client(server);
        using var once = await http.GetAsync(new Uri("/v2/aggs/ticker/MSFT/range/1/day/2024-01-02/2024-01-05", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadGateway, once.StatusCode);
        using var then = await http.GetAsync(new Uri("/v2/aggs/ticker/MSFT/range/1/day/2024-01-02/2024-01-05", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, then.StatusCode);
        using var old = await http.GetAsync(new Uri("/v2/aggs/ticker/MSFT/range/1/day/2020-01-02/2024-01-05", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Forbidden, old.StatusCode);
    }

    [Fact]
    public async Task Bad_parameters_are_400_json()
    {
        await using var server = await StubClient.Start();
        using var http = StubClient.Client(server);
        foreach (var path in new[] { "/v2/aggs/ticker/AAPL/range/1/fortnight/2024-01-01/2024-01-05", "/v2/aggs/ticker/AAPL/range/1/day/2024-13-01/2024-01-05", "/v2/aggs/ticker/AAPL/range/1/day/2024-02-01/2024-01-05" })
        {
            using var r = await http.GetAsync(new Uri(path, UriKind.Relative));
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
            Assert.Equal("ERROR", PolygonResponseParser.DescribeError(400, await r.Content.ReadAsStringAsync()).Status);
        }
    }

    [Fact]
    public async Task Upcoming_holidays_are_a_bare_array_shaped_like_the_fixture()
    {
        await using var server = await StubClient.Start();
        using var http = StubClient.Client(server);
        var body = await http.GetByteArrayAsync(new Uri("/v1/marketstatus/upcoming", UriKind.Relative));
        var rows = PolygonResponseParser.ParseUpcomingHolidays(body).Value!;
        Assert.Contains(rows, r => r.Exchange == "NYSE" && r.Date == "2025-04-18" && r.Status == "closed");
        var early = rows.First(r => r.Status == "early-close");
        Assert.Equal(18, early.Close!.Value.UtcDateTime.Hour + (early.Close.Value.UtcDateTime.Month is >= 4 and <= 10 ? 1 : 0));
        using var doc = JsonDocument.Parse(body);
        Assert.Equal(["exchange", "name", "date", "status", "open", "close"], doc.RootElement.EnumerateArray().First(e => e.GetProperty("status").GetString() == "early-close").EnumerateObject().Select(p => p.Name));
        Assert.EndsWith(".000Z", early.Close.Value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tickers_page_with_cursor_and_details_404()
    {
        await using var server = await StubClient.Start();
        using var http = StubClient.Client(server);
        var first = PolygonResponseParser.ParseTickersPage(await http.GetByteArrayAsync(new Uri("/v3/reference/tickers?limit=4&market=stocks", UriKind.Relative))).Value!;
        Assert.Equal(4, first.Count);
        Assert.NotNull(first.NextUrl);
        var second = PolygonResponseParser.ParseTickersPage(await http.GetByteArrayAsync(new Uri(first.NextUrl!))).Value!;
        Assert.True(string.CompareOrdinal(second.Results![0].Ticker, first.Results![^1].Ticker) > 0);
        using var missing = await http.GetAsync(new Uri("/v3/reference/tickers/NODATA9", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("NOT_FOUND", PolygonResponseParser.DescribeError(404, await missing.Content.ReadAsStringAsync()).Status);
        using var found = await http.GetAsync(new Uri("/v3/reference/tickers/AAPL", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, found.StatusCode);
    }

    [Fact]
    public async Task Grouped_daily_has_a_row_per_listed_ticker_and_none_on_holidays()
    {
        await using var server = await StubClient.Start();
        using var http = StubClient.Client(server);
        var page = PolygonResponseParser.ParseAggregates(await http.GetByteArrayAsync(new Uri("/v2/aggs/grouped/locale/us/market/stocks/2025-01-08", UriKind.Relative))).Value!;
        Assert.True(page.ResultsCount >= 10);
        Assert.All(page.Bars, b => Assert.False(string.IsNullOrEmpty(b.Ticker)));
        var holiday = await http.GetStringAsync(new Uri("/v2/aggs/grouped/locale/us/market/stocks/2025-01-09", UriKind.Relative));
        Assert.DoesNotContain("\"results\"", holiday, StringComparison.Ordinal);
    }
}
