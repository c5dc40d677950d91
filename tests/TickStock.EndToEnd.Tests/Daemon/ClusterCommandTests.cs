using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using TickStock.Testing;

namespace TickStock.EndToEnd.Tests.Daemon;

/// <summary>
/// The cluster routes of one real daemon: leave and down refuse a missing or wrong token (401, nothing changes) even
/// on loopback, name unknown members and missing addresses; shards and symbol lookups have their fixed keys and
/// errors, and ctl maps them to its exit codes. The three-node behaviour is in TickStock.Cluster.Tests.
/// </summary>
public partial class ClusterCommandTests
{
    private const string Token = "cluster-cmd-token-77a1";

    [Fact]
    public async Task Leave_and_down_need_the_token_and_lookups_answer_with_their_keys_and_exit_codes()
    {
        await using var schema = await ScratchSchema.CreateAsync("ctlc");
        var names = new IsolatedChannels("ctlc");
        using var daemon = ChildProcess.StartCli(["run"], names.Environment(new Dictionary<string, string?>
        {
            ["TICKSTOCK_PG"] = schema.ConnectionString,
            ["TICKSTOCK_MARKET_DATA"] = "redis",
            ["TICKSTOCK_CTL_TOKEN"] = Token,
        }));
        using var http = await ManagementNode.ConnectAsync(daemon, TimeSpan.FromSeconds(60));
        var node = http.BaseAddress!.Authority;
        var self = await WaitForUpAsync(http);

        // No token, a wrong one, a prefix of the right one: 401 on loopback too, and the node stays up.
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(http, "/v1/cluster/leave", null, null));
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(http, "/v1/cluster/leave", Address(self), Token + "x"));
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(http, "/v1/cluster/down", Address(self), Token[..^1]));
        Assert.Contains("TICKSTOCK_CTL_TOKEN", await RunCtlAsync(node, ["cluster", "down", self], 2, token: null), StringComparison.Ordinal);
        Assert.Equal(self, await WaitForUpAsync(http));

        // With it: an address that is no member is "not found", a down without an address a usage error.
        Assert.Equal(HttpStatusCode.NotFound, await PostAsync(http, "/v1/cluster/down", Address("akka.tcp://tickstock@127.0.0.1:1"), Token));
        Assert.Equal(HttpStatusCode.BadRequest, await PostAsync(http, "/v1/cluster/down", null, Token));
        Assert.Contains("no cluster member", await RunCtlAsync(node, ["cluster", "leave", "akka.tcp://tickstock@127.0.0.1:1"], 6), StringComparison.Ordinal);

        // A symbol's actor starts with its first tick; asking before does not start it.
        Assert.Contains("not", await RunCtlAsync(node, ["symbol", "LKUP"], 6), StringComparison.Ordinal);
        Assert.Contains("invalid symbol", await RunCtlAsync(node, ["symbol", "1BAD"], 2), StringComparison.Ordinal);
        await using (var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(LocalServices.RedisConfiguration))
        {
            var tick = $$"""{"ticker":"LKUP","price":12.5,"volume":10,"timestamp":{{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}}}""";
            Assert.True(await redis.GetSubscriber().PublishAsync(StackExchange.Redis.RedisChannel.Literal(names.Ticks), tick) > 0);
        }

        using (var symbol = JsonDocument.Parse(await WaitForCtlAsync(node, ["--json", "symbol", "lkup"])))
        {
            var root = symbol.RootElement;
            Assert.Equal("LKUP", root.GetProperty("symbol").GetString());
            Assert.Equal(self, root.GetProperty("address").GetString());
            foreach (var key in new[] { "minute_bars", "daily_bars", "patterns_detected" }) Assert.Equal(JsonValueKind.Number, root.GetProperty(key).ValueKind);
            Assert.True(root.TryGetProperty("last_bar_time", out _));
        }

        using (var shards = JsonDocument.Parse(await RunCtlAsync(node, ["--json", "shards"], 0)))
        {
            var region = Assert.Single(shards.RootElement.GetProperty("regions").EnumerateArray());
            Assert.Equal(self, region.GetProperty("address").GetString());
            Assert.Equal(shards.RootElement.GetProperty("total_entities").GetInt64(), region.GetProperty("entities").GetInt64());
            Assert.True(region.GetProperty("shards").GetInt32() >= 1);
        }

        Assert.Contains("LKUP", await RunCtlAsync(node, ["symbol", "LKUP"], 0), StringComparison.Ordinal);

        // Leave with the token (no address: the node asked) ends the node gracefully.
        Assert.Contains(self, await RunCtlAsync(node, ["cluster", "leave"], 0), StringComparison.Ordinal);
        Assert.NotNull(await daemon.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.DoesNotContain(Token, daemon.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_node_started_without_a_token_refuses_every_state_changing_call()
    {
        await using var schema = await ScratchSchema.CreateAsync("ctlc");
        using var daemon = ChildProcess.StartCli(["run"], new IsolatedChannels("ctlc").Environment(new Dictionary<string, string?>
        {
            ["TICKSTOCK_PG"] = schema.ConnectionString,
            ["TICKSTOCK_MARKET_DATA"] = "none",
            ["TICKSTOCK_CTL_TOKEN"] = null,
        }));
        using var http = await ManagementNode.ConnectAsync(daemon, TimeSpan.FromSeconds(60));
        var self = await WaitForUpAsync(http);

        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(http, "/v1/cluster/leave", null, null));
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(http, "/v1/cluster/leave", null, "anything"));
        Assert.Equal(self, await WaitForUpAsync(http));
        daemon.Signal(System.Runtime.InteropServices.PosixSignal.SIGTERM);
        Assert.Equal(0, await daemon.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    private static string Address(string address) => JsonSerializer.Serialize(new Dictionary<string, string> { ["address"] = address });

    private static async Task<HttpStatusCode> PostAsync(HttpClient http, string path, string? body, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        return response.StatusCode;
    }

    /// <summary>Polls /v1/cluster until this node is up; returns its address.</summary>
    private static async Task<string> WaitForUpAsync(HttpClient http)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            using var cluster = JsonDocument.Parse(await http.GetStringAsync("/v1/cluster", TestContext.Current.CancellationToken));
            var self = cluster.RootElement.GetProperty("self").GetString()!;
            if (cluster.RootElement.GetProperty("members").EnumerateArray().Any(m => m.GetProperty("address").GetString() == self && m.GetProperty("status").GetString() == "up")) return self;
            Assert.True(DateTime.UtcNow < deadline, "node not up: " + cluster.RootElement);
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Runs ctl until it succeeds (the entity is being started by its first tick) or 30 s pass.</summary>
    private static async Task<string> WaitForCtlAsync(string node, string[] args)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            using var ctl = ChildProcess.StartCli(["ctl", "--node", node, .. args], new Dictionary<string, string?> { ["TICKSTOCK_CTL_TOKEN"] = Token });
            var exit = await ctl.WaitForExitAsync(TimeSpan.FromSeconds(30));
            if (exit == 0) return ctl.Output;
            Assert.True(DateTime.UtcNow < deadline, $"ctl {string.Join(' ', args)}: exit {exit}\n{ctl.Output}");
            await Task.Delay(300, TestContext.Current.CancellationToken);
        }
    }

    private static Task<string> RunCtlAsync(string node, string[] args, int expectedExit, string? token = Token) =>
        ManagementNode.RunCtlAsync(node, args, expectedExit, token);
}
