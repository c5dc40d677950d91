using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using TickStock.Actors.Configuration;
using TickStock.Actors.Hosting;
using TickStock.Actors.Symbols;
using TickStock.Core.Bars;
using TickStock.Core.Symbols;

namespace TickStock.Actors.Tests.Symbols;

/// <summary>
/// The node's reference index feed: one writer of the node's close store whatever the number of SymbolActors, and the
/// gap tracking that asks the reference index's actor for a snapshot.
/// </summary>
public class ReferenceIndexFeedActorTests : HostedTestKit
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    // Given to AddSymbolSharding, so the test sees the store the node's SymbolActors share.
    private readonly ReferenceIndexCloses _nodeCloses = new();

    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider)
    {
        builder.AddHocon(Clustering.StrictSerialization.Hocon, HoconAddMode.Prepend);
        var settings = new NodeClusterSettings();
        builder.AddTickStockCluster(settings).AddSymbolSharding(settings, new SymbolActorSettings { ReferenceIndexCloses = _nodeCloses });
    }

    private async Task<IActorRef> StartAsync()
    {
        await AwaitConditionAsync(() => Task.FromResult(Cluster.Get(Sys).SelfMember.Status == MemberStatus.Up), Patience);
        return await ActorRegistry.WaitForAsync<SymbolRegion>(TimeSpan.FromSeconds(30));
    }

    private static async Task SendAsync(IActorRef region, string symbol, IEnumerable<Bar> bars)
    {
        foreach (Bar bar in bars)
        {
            await region.Ask<SymbolCommands.Ack>(new SymbolCommands.MinuteBar(symbol, bar), TimeSpan.FromSeconds(10));
        }
    }

    private static Task<SymbolQueries.SymbolStatus> StatusAsync(IActorRef region, string symbol) =>
        region.Ask<SymbolQueries.SymbolStatus>(new SymbolQueries.GetStatus(symbol), TimeSpan.FromSeconds(10));

    private static KeyedClose Minute(int m) => new(MinuteBars.At(m).TimeMs, 100 + m);

    [Fact]
    public async Task Each_update_is_added_to_the_node_store_once_however_many_SymbolActors_run()
    {
        const int symbols = 100;
        const int updates = 10;
        IActorRef region = await StartAsync();
        Assert.NotNull(await ActorRegistry.WaitForAsync<ReferenceIndexFeedActor>(TimeSpan.FromSeconds(30)));

        // The feed asks SPY for a snapshot when it starts (which starts SPY's actor): its one write so far.
        await StatusAsync(region, "SPY");
        await AwaitConditionAsync(() => Task.FromResult(_nodeCloses.BatchesAdded == 1), Patience);
        for (int i = 0; i < symbols; i++)
        {
            await StatusAsync(region, $"N{i:D3}");
        }

        // SPY publishes one numbered update per bar; each must reach the store once, from the feed, not once per
        // SymbolActor (100 actors would make it 1,000 writes).
        await SendAsync(region, "SPY", Enumerable.Range(0, updates).Select(m => MinuteBars.At(m, close: 100 + m)));
        await AwaitConditionAsync(() => Task.FromResult(_nodeCloses.BatchesAdded >= 1 + updates), Patience);
        await Task.Delay(500, TestContext.Current.CancellationToken); // room for writes that should not happen

        Assert.Equal(1 + updates, _nodeCloses.BatchesAdded);
        Assert.Equal(updates, _nodeCloses.MinuteCount);
        var status = await StatusAsync(region, "N042");
        Assert.Equal(updates, status.ReferenceIndexMinutes); // a SymbolActor reports the node's store
    }

    [Fact]
    public async Task A_missed_update_or_a_heartbeat_ahead_makes_the_feed_ask_for_a_snapshot_that_fills_the_store()
    {
        await StartAsync();
        // A feed of its own reference index, whose "shard region" is a probe: the test plays the reference index's actor.
        var store = new ReferenceIndexCloses();
        var referenceIndex = CreateTestProbe();
        IActorRef feed = Sys.ActorOf(ReferenceIndexFeedActor.PropsFor("gapx", store, referenceIndex.Ref));

        var atStart = await referenceIndex.ExpectMsgAsync<ReferenceIndexMessages.SnapshotRequest>();
        Assert.Equal("GAPX", atStart.Symbol);
        feed.Tell(new ReferenceIndexMessages.Snapshot("GAPX", 7, 1, [Minute(0)], []), referenceIndex.Ref);
        feed.Tell(new ReferenceIndexMessages.Closes("GAPX", 7, 2, [Minute(1)], []));
        await referenceIndex.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300)); // 1 and 2 held: no gap

        feed.Tell(new ReferenceIndexMessages.Closes("GAPX", 7, 4, [Minute(3)], [])); // update 3 (minute 2) missed
        Assert.Equal("GAPX", (await referenceIndex.ExpectMsgAsync<ReferenceIndexMessages.SnapshotRequest>()).Symbol);
        Assert.Equal(3, store.MinuteCount);
        Assert.False(store.TryMinuteAsOf(Minute(2).Key, 0, out _));

        feed.Tell(new ReferenceIndexMessages.Snapshot("GAPX", 7, 4, [Minute(0), Minute(1), Minute(2), Minute(3)], []), referenceIndex.Ref);
        await AwaitAssertAsync(() =>
        {
            Assert.True(store.TryMinuteAsOf(Minute(2).Key, 0, out double close));
            Assert.Equal(102, close);
        }, Patience);

        // Heartbeats: one at the sequence held asks nothing; one ahead of it (updates 5 and 6 passed by) asks again.
        feed.Tell(new ReferenceIndexMessages.Closes("GAPX", 7, 4, [], []));
        await referenceIndex.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300));
        feed.Tell(new ReferenceIndexMessages.Closes("GAPX", 7, 6, [], []));
        await referenceIndex.ExpectMsgAsync<ReferenceIndexMessages.SnapshotRequest>();
        Assert.Equal(4, store.MinuteCount);
    }

    [Fact]
    public async Task A_SymbolActor_created_without_a_shared_store_is_fed_its_own_copy()
    {
        IActorRef region = await StartAsync();
        IActorRef solo = Sys.ActorOf(SymbolActor.PropsFor("SOLO", new SymbolActorSettings()), "solo");

        await SendAsync(region, "SPY", Enumerable.Range(0, 21).Select(m => MinuteBars.At(m, close: 100 + (0.5 * m))));
        await AwaitAssertAsync(async () =>
        {
            var status = await solo.Ask<SymbolQueries.SymbolStatus>(new SymbolQueries.GetStatus("SOLO"), TimeSpan.FromSeconds(5));
            Assert.Equal(21, status.ReferenceIndexMinutes);
        }, Patience, TimeSpan.FromMilliseconds(200));
    }
}
