using System.Net;
using System.Text.Json;
using StackExchange.Redis;
using TickStock.PolygonStub;
using TickStock.Testing;

namespace TickStock.EndToEnd.Tests.Daemon;

/// <summary>Issue 15.3/15.6 on a real daemon: the polygon source with a key the provider rejects.</summary>
public partial class ManagementEndpointTests
{
    [Fact]
    public async Task A_rejected_key_leaves_the_daemon_running_and_health_and_ctl_feed_say_why()
    {
        await using var schema = await ScratchSchema.CreateAsync("feed");
        await using var stub = await PolygonStubServer.StartAsync(new PolygonStubOptions
        {
            RequiredApiKey = "the-right-key",
            Now = new DateTimeOffset(2026, 12, 2, 15, 0, 0, TimeSpan.Zero),
            ClockSpeed = 60,
        }, TestContext.Current.CancellationToken);
        var channels = new IsolatedChannels("feed");
        await using var redis = await ConnectionMultiplexer.ConnectAsync(LocalServices.RedisConfiguration);
        var health = new List<string>();
        var sawPolygonError = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(channels.HealthStatus), (_, message) =>
        {
            lock (health) health.Add(message.ToString());
            if (message.ToString().Contains("auth_failed", StringComparison.Ordinal)) sawPolygonError.TrySetResult();
        });
        using var daemon = ChildProcess.StartCli(["run"], channels.Environment(new Dictionary<string, string?>
        {
            ["TICKSTOCK_PG"] = schema.ConnectionString,
            ["TICKSTOCK_MARKET_DATA"] = "polygon",
            ["TICKSTOCK_FEED_UNIVERSE"] = "AAPL,MSFT",
            ["POLYGON_API_KEY"] = "a-wrong-key",
            ["POLYGON_BASE_URL"] = stub.BaseUrl,
            ["POLYGON_WS_URL"] = stub.BaseUrl.Replace("http://", "ws://", StringComparison.Ordinal) + "/stocks",
        }));
        using var http = await ConnectAsync(daemon);
        var node = http.BaseAddress!.Authority;

        // /v1/feed says auth_failed with the provider's words, and never the key.
        var deadline = DateTime.UtcNow + ChangeTimeout;
        JsonElement feed;
        while (true)
        {
            using var document = JsonDocument.Parse(await RunCtlAsync(node, ["feed", "--json"], ExitCodes.Ok));
            feed = document.RootElement.Clone();
            if (feed.TryGetProperty("problem", out var p) && p.GetString() == "auth_failed") break;
            Assert.True(DateTime.UtcNow < deadline, feed.ToString() + "\n" + daemon.Output);
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }

        Assert.Equal("polygon", feed.GetProperty("source").GetString());
        Assert.False(feed.GetProperty("connected").GetBoolean());
        Assert.Equal("waiting_to_reconnect", feed.GetProperty("state").GetString());
        Assert.Contains("rejected the API key (auth_failed: authentication failed)", feed.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.True(feed.GetProperty("next_attempt_in_seconds").GetDouble() > 25, feed.ToString());

        // Health (contract §4, on the isolated channel) names the reason under polygon; the daemon stays alive.
        await sawPolygonError.Task.WaitAsync(ChangeTimeout, TestContext.Current.CancellationToken);
        string report;
        lock (health) report = health.Last(h => h.Contains("auth_failed", StringComparison.Ordinal));
        using (var parsed = JsonDocument.Parse(report))
        {
            var polygon = parsed.RootElement.GetProperty("data").GetProperty("components").GetProperty("polygon");
            Assert.Equal("error", polygon.GetProperty("status").GetString());
            Assert.StartsWith("the provider rejected the API key", polygon.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        Assert.DoesNotContain("a-wrong-key", daemon.Output, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz", TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(1, stub.Stats.StreamConnections); // retried in minutes, not in a loop

        daemon.Signal(System.Runtime.InteropServices.PosixSignal.SIGTERM);
        Assert.Equal(0, await daemon.WaitForExitAsync(TimeSpan.FromSeconds(15)));
    }
}
