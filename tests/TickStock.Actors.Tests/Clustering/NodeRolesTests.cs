using Akka.Actor;
using Akka.Cluster.Sharding;
using TickStock.Actors.Hosting;
using TickStock.Actors.MarketData;
using TickStock.Actors.Symbols;

namespace TickStock.Actors.Tests.Clustering;

/// <summary>
/// TICKSTOCK_ROLES in a real two-node cluster in one process: SymbolActors live only on symbols nodes (the others send
/// through a proxy), and the market-data feed runs once per cluster, on a feed node, however many nodes could run it.
/// </summary>
public sealed class NodeRolesTests : IAsyncLifetime
{
    private const int BarsPerSymbol = 40;
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(15);
    private static readonly string FeedPath = RoleSingletons.LocalPath(MarketDataHostingExtensions.SingletonName);
    private readonly string _replay = Directory.CreateTempSubdirectory("roles-replay").FullName;
    private readonly List<ClusterTestNode> _nodes = [];

    public async ValueTask InitializeAsync()
    {
        foreach (var symbol in new[] { "ROLA", "ROLB" })
        {
            var rows = Enumerable.Range(0, BarsPerSymbol).Select(m => $"2026-03-02 {9 + ((30 + m) / 60):00}:{(30 + m) % 60:00},10,10,10,10,100");
            await File.WriteAllLinesAsync(Path.Combine(_replay, symbol + ".csv"), ["datetime,open,high,low,close,volume", .. rows]);
        }
    }

    public async ValueTask DisposeAsync()
    {
        for (int i = _nodes.Count - 1; i >= 0; i--) await _nodes[i].DisposeAsync();
        Directory.Delete(_replay, recursive: true);
    }

    [Fact]
    public async Task With_two_feed_nodes_each_bar_reaches_its_SymbolActor_once()
    {
        // Two nodes may run the feed; the shards live on a third, which is up before either feed node starts.
        var symbols = await StartAsync(seed: null, roles: [NodeRoles.Symbols]);
        var first = await StartAsync(symbols, roles: [NodeRoles.Feed]);
        var second = await StartAsync(symbols, roles: [NodeRoles.Feed]);
        await ClusterTestNode.EventuallyAsync(() => Task.FromResult(first.UpMembers == 3 && second.UpMembers == 3), "three nodes are up",
            () => Task.FromResult(ClusterTestNode.Describe(_nodes)));

        // Asked on the second feed node: the proxy finds the one feed, which has replayed both files.
        var feed = await second.Registry.WaitForAsync<MarketDataFeed>(TimeSpan.FromSeconds(30));
        MarketDataFeedQueries.FeedStats? last = null;
        await ClusterTestNode.EventuallyAsync(async () =>
            (last = await StatsAsync(feed) ?? last) is { } stats && stats.Sent == 2 * BarsPerSymbol && !stats.Running,
            "the feed delivered both files and completed", () => Task.FromResult($"last stats: {last}\n{ClusterTestNode.Describe(_nodes)}"));

        Assert.Equal(1, (await first.HasLocalActorAsync(FeedPath) ? 1 : 0) + (await second.HasLocalActorAsync(FeedPath) ? 1 : 0));
        Assert.False(await symbols.HasLocalActorAsync(FeedPath));
        var region = await second.Registry.WaitForAsync<SymbolRegion>(TimeSpan.FromSeconds(30));
        foreach (var symbol in new[] { "ROLA", "ROLB" })
        {
            var status = await region.Ask<SymbolQueries.SymbolStatus>(new SymbolQueries.GetStatus(symbol), AskTimeout);
            Assert.Equal(BarsPerSymbol, status.BarsSeen);
        }
    }

    [Fact]
    public async Task Symbols_live_on_symbols_nodes_and_the_feed_on_the_feed_node()
    {
        var symbolsNode = await StartAsync(seed: null, roles: [NodeRoles.Symbols, NodeRoles.Jobs]);
        var feedNode = await StartAsync(symbolsNode, roles: [NodeRoles.Feed, NodeRoles.Backtest]);
        await ClusterTestNode.EventuallyAsync(() => Task.FromResult(symbolsNode.UpMembers == 2 && feedNode.UpMembers == 2), "both nodes are up",
            () => Task.FromResult(ClusterTestNode.Describe(_nodes)));

        var feed = await symbolsNode.Registry.WaitForAsync<MarketDataFeed>(TimeSpan.FromSeconds(30));
        MarketDataFeedQueries.FeedStats? last = null;
        await ClusterTestNode.EventuallyAsync(async () => (last = await StatsAsync(feed) ?? last)?.Sent == 2 * BarsPerSymbol,
            "the feed delivered both files", () => Task.FromResult($"last stats: {last}\n{ClusterTestNode.Describe(_nodes)}"));

        Assert.True(await feedNode.HasLocalActorAsync(FeedPath));
        Assert.False(await symbolsNode.HasLocalActorAsync(FeedPath));

        var proxy = await feedNode.Registry.WaitForAsync<SymbolRegion>(TimeSpan.FromSeconds(30));
        var status = await proxy.Ask<SymbolQueries.SymbolStatus>(new SymbolQueries.GetStatus("ROLA"), AskTimeout);
        Assert.Equal(BarsPerSymbol, status.BarsSeen);
        var hosted = await (await symbolsNode.Registry.WaitForAsync<SymbolRegion>(TimeSpan.FromSeconds(30))).Ask<CurrentShardRegionState>(GetShardRegionState.Instance, AskTimeout);
        Assert.Contains(hosted.Shards, s => s.EntityIds.Contains("ROLA"));
        var proxied = await proxy.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, AskTimeout);
        Assert.Empty(proxied.Shards);
    }

    /// <summary>The feed's stats through its proxy; null while the proxy has not found the singleton yet (it buffers meanwhile).</summary>
    private static async Task<MarketDataFeedQueries.FeedStats?> StatsAsync(IActorRef feed)
    {
        try
        {
            return await feed.Ask<MarketDataFeedQueries.FeedStats>(MarketDataFeedQueries.GetStats.Instance, TimeSpan.FromSeconds(5));
        }
        catch (AskTimeoutException)
        {
            return null;
        }
    }

    private async Task<ClusterTestNode> StartAsync(ClusterTestNode? seed, IEnumerable<string>? roles)
    {
        var node = await ClusterTestNode.StartAsync(seed, roles, (akka, cluster) => akka
            .AddSymbolSharding(cluster)
            .AddMarketData(new MarketDataSourceSettings { Source = Configuration.MarketDataSource.Replay, ReplayPath = _replay, Speed = 1_000_000 }, cluster));
        _nodes.Add(node);
        return node;
    }
}
