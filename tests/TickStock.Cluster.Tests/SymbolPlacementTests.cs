using System.Globalization;
using System.Text.Json;
using StackExchange.Redis;

namespace TickStock.Cluster.Tests;

/// <summary>
/// Three nodes: SymbolActors spread over all of them, each symbol on exactly one node, and the operator commands
/// (<c>ctl shards</c>, <c>ctl symbol</c>, <c>ctl cluster leave</c>) asked of any node.
/// </summary>
public class SymbolPlacementTests
{
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(60);

    [Fact(Timeout = 240_000)]
    public async Task Symbols_spread_over_all_three_nodes_each_lives_on_exactly_one_and_any_node_says_where()
    {
        await using var cluster = await ClusterHarness.CreateAsync("place");
        // Ticks from Redis, sent by the test once all three are up: shards are allocated while three regions exist.
        cluster.Common["TICKSTOCK_MARKET_DATA"] = "redis";
        var nodes = cluster.Define(3);
        await cluster.StartAllAsync();

        // SPY is the reference index every other symbol asks for: it is one of the expected entities, not an extra.
        var symbols = Enumerable.Range(0, 29).Select(i => $"P{i:D2}").Append("SPY").ToList();
        var expected = symbols.Count;
        // A node is Up a moment before its shard region has registered with the coordinator; shards
        // allocated in that moment would all go to the others. Start once every region is known.
        await WaitForRegionsAsync(cluster, nodes[0], nodes.Count);
        await PublishTicksAsync(cluster, symbols, DateTimeOffset.UtcNow);
        var shards = await WaitForEntitiesAsync(cluster, nodes[1], expected);

        var regions = shards.GetProperty("regions").EnumerateArray().ToList();
        Assert.Equal(nodes.Select(n => n.Address).Order(StringComparer.Ordinal), regions.Select(r => r.GetProperty("address").GetString()!).Order(StringComparer.Ordinal));
        Assert.All(regions, r => Assert.True(r.GetProperty("entities").GetInt32() > 0, $"a region hosts no symbol: {shards}"));
        // Entities counted by the regions themselves: a symbol running on two nodes would make the sum exceed.
        Assert.Equal(expected, regions.Sum(r => r.GetProperty("entities").GetInt32()));

        // Each symbol: the same single address whichever node is asked, and the per-address counts are the regions'.
        var placement = new Dictionary<string, string>();
        for (var i = 0; i < symbols.Count; i++)
        {
            var first = await nodes[i % 3].GetJsonAsync("/v1/symbols/" + symbols[i]);
            var second = await nodes[(i + 1) % 3].GetJsonAsync("/v1/symbols/" + symbols[i].ToLowerInvariant());
            Assert.Equal(symbols[i], first.GetProperty("symbol").GetString());
            Assert.Equal(first.GetProperty("address").GetString(), second.GetProperty("address").GetString());
            Assert.True(first.GetProperty("minute_bars").GetInt64() >= 0);
            placement[symbols[i]] = first.GetProperty("address").GetString()!;
        }

        foreach (var region in regions)
        {
            Assert.Equal(region.GetProperty("entities").GetInt32(), placement.Values.Count(a => a == region.GetProperty("address").GetString()));
        }

        // The same through the CLI, from a node that does not host the symbol.
        var symbol = symbols[0];
        var other = nodes.First(n => n.Address != placement[symbol]);
        using (var json = JsonDocument.Parse(await ClusterHarness.RunCtlAsync(other, ["--json", "symbol", symbol], 0)))
        {
            Assert.Equal(placement[symbol], json.RootElement.GetProperty("address").GetString());
            foreach (var key in new[] { "symbol", "address", "minute_bars", "daily_bars", "last_bar_time", "patterns_detected" })
            {
                Assert.True(json.RootElement.TryGetProperty(key, out _), $"no {key} in {json.RootElement}");
            }
        }

        Assert.Contains(placement[symbol], await ClusterHarness.RunCtlAsync(other, ["symbol", symbol], 0), StringComparison.Ordinal);
        var table = await ClusterHarness.RunCtlAsync(nodes[2], ["shards"], 0);
        Assert.All(nodes, n => Assert.Contains(n.Address, table, StringComparison.Ordinal));

        // Asking for a symbol nobody runs is "not found" and starts nothing.
        var missing = await ClusterHarness.RunCtlAsync(nodes[0], ["symbol", "NOSUCH"], 6);
        Assert.Contains("NOSUCH", missing, StringComparison.Ordinal);
        Assert.Equal(expected, (await nodes[0].GetJsonAsync("/v1/shards")).GetProperty("total_entities").GetInt64());

        // cluster leave needs the token: without it nothing changes.
        var leaving = nodes[2];
        await ClusterHarness.RunCtlAsync(nodes[0], ["cluster", "leave", leaving.Address], 2, token: null);
        Assert.False(leaving.Process.HasExited);
        await cluster.WaitForMembersAsync(nodes[0], up: 3);

        // With it, the node leaves gracefully and exits; its symbols come back on the other two when their ticks do.
        Assert.Contains(leaving.Address, await ClusterHarness.RunCtlAsync(nodes[0], ["cluster", "leave", leaving.Address], 0), StringComparison.Ordinal);
        Assert.Equal(0, await leaving.Process.WaitForExitAsync(SettleTimeout));
        await cluster.WaitForMembersAsync(nodes[0], up: 2, where: v => v.GetProperty("members").GetArrayLength() == 2);
        await PublishTicksAsync(cluster, symbols, DateTimeOffset.UtcNow.AddMinutes(1));
        var after = await WaitForEntitiesAsync(cluster, nodes[0], expected);
        Assert.DoesNotContain(after.GetProperty("regions").EnumerateArray(), r => r.GetProperty("address").GetString() == leaving.Address);
    }

    internal static async Task PublishTicksAsync(ClusterHarness cluster, IEnumerable<string> symbols, DateTimeOffset at)
    {
        var subscriber = cluster.Redis.GetSubscriber();
        var channel = RedisChannel.Literal(cluster.Channels.Ticks);
        var server = cluster.Redis.GetServers()[0];
        var deadline = DateTime.UtcNow + SettleTimeout;
        while (await server.SubscriptionSubscriberCountAsync(channel) == 0 && DateTime.UtcNow < deadline) await Task.Delay(200);
        var seconds = at.ToUnixTimeMilliseconds() / 1000.0;
        foreach (var symbol in symbols)
        {
            var tick = string.Create(CultureInfo.InvariantCulture, $$"""{"ticker":"{{symbol}}","price":101.25,"volume":100,"timestamp":{{seconds}}}""");
            Assert.True(await subscriber.PublishAsync(channel, tick) > 0, "no node subscribed to " + cluster.Channels.Ticks);
        }
    }

    /// <summary>Polls <c>/v1/shards</c> until the coordinator knows <paramref name="count"/> regions (with or without shards).</summary>
    internal static async Task WaitForRegionsAsync(ClusterHarness cluster, ClusterNode asked, int count)
    {
        var deadline = DateTime.UtcNow + SettleTimeout;
        JsonElement shards;
        do
        {
            shards = await asked.GetJsonAsync("/v1/shards");
            if (shards.GetProperty("regions").GetArrayLength() >= count) return;
            await Task.Delay(250);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Fail($"{count} shard regions not registered: {shards}\n{cluster.Logs()}");
    }

    /// <summary>Polls <c>/v1/shards</c> until <paramref name="expected"/> entities run in the cluster.</summary>
    internal static async Task<JsonElement> WaitForEntitiesAsync(ClusterHarness cluster, ClusterNode asked, int expected)
    {
        var deadline = DateTime.UtcNow + SettleTimeout;
        JsonElement shards;
        do
        {
            shards = await asked.GetJsonAsync("/v1/shards");
            if (shards.GetProperty("total_entities").GetInt64() == expected) return shards;
            await Task.Delay(250);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Fail($"{expected} entities not reached: {shards}\n{cluster.Logs()}");
        return shards;
    }
}
