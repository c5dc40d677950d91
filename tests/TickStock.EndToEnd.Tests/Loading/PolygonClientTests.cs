using System.Globalization;
using TickStock.Actors.Polygon;
using TickStock.Core.Contracts;
using TickStock.Core.Market;
using TickStock.Core.Polygon;
using TickStock.PolygonStub;

namespace TickStock.EndToEnd.Tests.Loading;

/// <summary>The RestSharp client against the in-process stub: paging, auth, faults.</summary>
public class PolygonClientTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2024-07-05T21:00:00Z", CultureInfo.InvariantCulture);
    private static readonly DateOnly From = new(2024, 6, 24);
    private static readonly DateOnly To = new(2024, 7, 5);

    private static PolygonClient Client(string baseUrl, string? key, int limit = 50_000, TimeSpan? window = null) =>
        new(new PolygonClientSettings
        {
            BaseUrl = _ => Task.FromResult(baseUrl),
            ApiKey = key,
            Limit = limit,
            BaseDelay = TimeSpan.FromMilliseconds(20),
            RateLimitWindow = window ?? TimeSpan.FromHours(1),
        }, UnlimitedRateLimiter.Instance);

    private static async Task<List<OhlcvBar>> ReadAll(PolygonClient client, string ticker, string timespan, CancellationToken ct = default)
    {
        var bars = new List<OhlcvBar>();
        await foreach (var bar in client.GetAggregatesAsync(ticker, timespan, From, To, ct))
        {
            bars.Add(bar);
        }

        return bars;
    }

    [Fact]
    public async Task Follows_next_url_page_by_page_to_the_same_bars_as_one_big_page_sending_the_key_only_as_a_bearer_header()
    {
        await using var stub = await RecordingStub.StartAsync(new PolygonStubOptions { RequiredApiKey = "k-123", Now = Now });
        using var big = Client(stub.BaseUrl, "k-123");
        using var paged = Client(stub.BaseUrl, "k-123", limit: 1000);

        var whole = await ReadAll(big, "AAPL", "minute");
        var calls = stub.Stats.AggregateRequests;
        var pages = await ReadAll(paged, "AAPL", "minute");

        Assert.Equal(1, calls);
        Assert.True(stub.Stats.AggregateRequests - calls > 5, "the small limit did not page");
        Assert.Equal(whole, pages);
        Assert.True(whole.Count > 5000);
        Assert.True(pages.Zip(pages.Skip(1)).All(p => p.First.Start < p.Second.Start), "bars are not strictly ascending");
        Assert.All(stub.Requests, r =>
        {
            Assert.DoesNotContain("k-123", r.PathAndQuery, StringComparison.Ordinal);
            Assert.Equal("Bearer k-123", r.Authorization);
        });
        Assert.Contains(stub.Requests, r => r.PathAndQuery.Contains("cursor=", StringComparison.Ordinal));

        // A next_url carrying apiKey is stripped of it; one on another host is refused.
        var next = paged.NextPage(stub.BaseUrl + "/v2/aggs/ticker/AAPL/range/1/minute/1719842400000/2024-07-05?cursor=abc&apiKey=leak");
        Assert.DoesNotContain("apiKey", next.ToString(), StringComparison.Ordinal);
        Assert.Contains("cursor=abc", next.Query, StringComparison.Ordinal);
        Assert.Equal(PolygonFailureKind.BadRequest, Assert.Throws<PolygonException>(() => paged.NextPage("https://evil.example/v2/aggs?cursor=x")).Kind);
    }

    [Fact]
    public async Task Bad_key_is_unauthorized_and_a_plan_limit_is_not_authorized_without_retries()
    {
        await using var stub = await RecordingStub.StartAsync(new PolygonStubOptions
        {
            RequiredApiKey = "good",
            Now = Now,
            Faults = new PolygonStubFaults { PlanHistoryStart = new DateOnly(2024, 7, 1) },
        });
        using var wrong = Client(stub.BaseUrl, "bad");
        var unauthorized = await Assert.ThrowsAsync<PolygonException>(() => ReadAll(wrong, "AAPL", "day"));
        Assert.Equal(PolygonFailureKind.Unauthorized, unauthorized.Kind);
        Assert.Contains("401", unauthorized.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("bad", unauthorized.Message.Replace("rejected", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);

        using var good = Client(stub.BaseUrl, "good");
        var before = stub.Stats.AggregateRequests;
        var forbidden = await Assert.ThrowsAsync<PolygonException>(() => ReadAll(good, "AAPL", "day"));
        Assert.Equal(PolygonFailureKind.NotAuthorized, forbidden.Kind);
        Assert.Contains("not authorized", forbidden.Message, StringComparison.Ordinal);
        Assert.Equal(1, stub.Stats.AggregateRequests - before);
    }

    [Fact]
    public async Task Retries_html_5xx_and_honours_Retry_After_on_429()
    {
        await using var stub = await RecordingStub.StartAsync(new PolygonStubOptions
        {
            Now = Now,
            Faults = new PolygonStubFaults { Sequence = [502, 429, 504, 429, 0], RetryAfterSeconds = 0 },
        });

        // The 429 window is an hour: finishing at all means Retry-After was honoured.
        using var client = Client(stub.BaseUrl, null, window: TimeSpan.FromHours(1));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var bars = await ReadAll(client, "MSFT", "day", cts.Token);
        Assert.Equal(9, bars.Count); // 06-24..07-05 minus the 07-04 holiday
        Assert.Equal(2, stub.Stats.ByStatus[429]);
        Assert.Equal(1, stub.Stats.ByStatus[502]);
        Assert.Equal(1, stub.Stats.ByStatus[504]);
        Assert.Equal(5, client.Calls);
    }

    [Fact]
    public async Task The_provider_s_answers_reach_the_polygon_health_component()
    {
        await using var stub = await RecordingStub.StartAsync(new PolygonStubOptions
        {
            RequiredApiKey = "good",
            Now = Now,
            Faults = new PolygonStubFaults { Sequence = [0, 0, 429, 429, 429, 0], RetryAfterSeconds = 0 },
        });
        var answers = new ProviderAnswers();
        PolygonClient With(string key) => new(new PolygonClientSettings
        {
            BaseUrl = _ => Task.FromResult(stub.BaseUrl),
            ApiKey = key,
            BaseDelay = TimeSpan.FromMilliseconds(20),
            RateLimitWindow = TimeSpan.FromHours(1),
            Answers = answers,
        }, UnlimitedRateLimiter.Instance);

        using var wrong = With("bad");
        using var right = With("good");
        await Assert.ThrowsAsync<PolygonException>(() => ReadAll(wrong, "AAPL", "day"));
        var refused = answers.Assess(DateTimeOffset.UtcNow, "provider");
        Assert.Equal(ComponentState.Error, refused.State);
        Assert.Contains("rejected the API key (401)", refused.Detail, StringComparison.Ordinal);
        Assert.Contains("Unknown API Key", refused.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("bad", refused.Detail.Replace("rejected", "", StringComparison.Ordinal), StringComparison.Ordinal);

        // The stub's fault sequence counts every request (the refused one took the first 0). A
        // success clears the refusal; three 429s within a minute are a storm even though the
        // request then succeeds, and it ends when they are a minute old.
        Assert.Equal(9, (await ReadAll(right, "AAPL", "day")).Count);
        Assert.Equal(ComponentState.Healthy, answers.Assess(DateTimeOffset.UtcNow, "provider").State);
        Assert.Equal(9, (await ReadAll(right, "MSFT", "day")).Count);
        var throttled = answers.Assess(DateTimeOffset.UtcNow, "provider");
        Assert.Equal(ComponentState.Degraded, throttled.State);
        Assert.Contains("3 answers 429", throttled.Detail, StringComparison.Ordinal);
        Assert.Equal(ComponentState.Healthy, answers.Assess(DateTimeOffset.UtcNow + ProviderAnswers.StormWindow + TimeSpan.FromSeconds(1), "provider").State);
    }
}
