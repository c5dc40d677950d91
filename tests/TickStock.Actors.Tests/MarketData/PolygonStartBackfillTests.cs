using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Event;
using Akka.Hosting;
using Akka.Streams;
using Akka.Streams.Dsl;
using TickStock.Actors.Hosting;
using TickStock.Actors.MarketData;
using TickStock.Actors.Polygon;
using TickStock.Actors.Symbols;
using TickStock.Core.Bars;
using TickStock.Core.Calendar;
using TickStock.Core.Feed;
using TickStock.Core.Symbols;
using TickStock.PolygonStub;

namespace TickStock.Actors.Tests.MarketData;

/// <summary>
/// The start back-fill of a fresh polygon source (a start mid-session, or the feed singleton taking over on another
/// node), through the real client, the stub's stream and REST API, and real SymbolActors in a shard region: each
/// symbol gets exactly the minutes of today's session its SymbolActor lacks, once each, before its live bars.
/// The stub's market starts at 10:00 New York on 2026-12-02 and runs a minute per second.
/// </summary>
public sealed class PolygonStartBackfillTests : HostedTestKit
{
    private static readonly DateTimeOffset TenAm = new(2026, 12, 2, 15, 0, 0, TimeSpan.Zero);
    private static readonly long OpenMs = new DateTimeOffset(2026, 12, 2, 14, 30, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
    private static readonly long HeldUntilMs = OpenMs + (20 * 60_000L); // the SymbolActors of AAPL and MSFT hold 09:30–09:49

    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider)
    {
        var cluster = new Configuration.NodeClusterSettings();
        builder.AddTickStockCluster(cluster).AddSymbolSharding(cluster);
    }

    [Fact]
    public async Task A_fresh_source_back_fills_what_each_SymbolActor_lacks_of_the_session_once_each()
    {
        var (stub, region, delivered) = await RunAsync(FeedBackfillMode.Session);
        await using var served = stub;

        // AAPL and MSFT (another source fed their SymbolActors up to 09:49): from 09:50. XOM (nothing held): from the open.
        await AssertDeliveredAsync(stub, delivered, "AAPL", HeldUntilMs);
        await AssertDeliveredAsync(stub, delivered, "MSFT", HeldUntilMs);
        await AssertDeliveredAsync(stub, delivered, "XOM", OpenMs);

        // And so every SymbolActor holds the whole session so far: what it had, then each missing minute once.
        foreach (var symbol in new[] { "AAPL", "MSFT", "XOM" })
        {
            var status = await region.Ask<SymbolQueries.SymbolStatus>(new SymbolQueries.GetStatus(symbol), TimeSpan.FromSeconds(10));
            var last = status.LastBarTime!.Value.ToUnixTimeMilliseconds();
            Assert.Equal(delivered.Where(c => c.Symbol == symbol).Max(c => c.Bar.TimeMs), last);
            Assert.Equal((await RestMinutesAsync(stub, symbol, OpenMs, last)).Count, status.BarsSeen);
        }
    }

    [Fact]
    public async Task In_gap_mode_only_symbols_whose_SymbolActor_holds_minutes_of_the_session_are_back_filled()
    {
        var (stub, _, delivered) = await RunAsync(FeedBackfillMode.Gap);
        await using var served = stub;

        await AssertDeliveredAsync(stub, delivered, "AAPL", HeldUntilMs);
        var xom = delivered.Where(c => c.Symbol == "XOM").Select(c => c.Bar.TimeMs).ToList();
        Assert.True(xom[0] >= TenAm.ToUnixTimeMilliseconds(), "XOM has no bar of the session yet: it starts live, without a back-fill");
        await AssertDeliveredAsync(stub, delivered, "XOM", xom[0]);
    }

    /// <summary>
    /// Feeds AAPL's and MSFT's SymbolActors 09:30–09:49 as served by REST, then runs a fresh source (its bars Asked
    /// into the region) until every symbol has two minutes delivered past the market time it started at.
    /// </summary>
    private async Task<(PolygonStubServer Stub, IActorRef Region, List<SymbolCommands.MinuteBar> Delivered)> RunAsync(FeedBackfillMode mode)
    {
        await AwaitConditionAsync(() => Task.FromResult(Akka.Cluster.Cluster.Get(Sys).SelfMember.Status == Akka.Cluster.MemberStatus.Up), TimeSpan.FromSeconds(20));
        var region = await ActorRegistry.For(Sys).WaitForAsync<SymbolRegion>(TimeSpan.FromSeconds(30));
        var stub = await PolygonStubServer.StartAsync(new PolygonStubOptions { Now = TenAm, ClockSpeed = 60 });
        foreach (var symbol in new[] { "AAPL", "MSFT" })
        {
            foreach (var bar in await RestMinutesAsync(stub, symbol, OpenMs, HeldUntilMs - 1))
            {
                await region.Ask<SymbolCommands.Ack>(Command(bar), TimeSpan.FromSeconds(10));
            }
        }

        var settings = new PolygonStreamSettings
        {
            Url = _ => Task.FromResult(PolygonStreamSetup.StreamUrlOf(stub.BaseUrl)),
            ApiKey = "k",
            Universe = ["AAPL", "MSFT", "XOM"],
            BackfillAtStart = mode,
        };
        var source = new PolygonStreamSource(settings, new PolygonMinuteBackfill(RestClient(stub)), Logging.GetLogger(Sys, "start-backfill-test"), new ShardedSymbolProgress(region));
        var delivered = new ConcurrentQueue<SymbolCommands.MinuteBar>();
        var startedAt = stub.MarketClock.GetUtcNow().ToUnixTimeMilliseconds();
        var until = startedAt - (startedAt % 60_000) + (2 * 60_000);
        var (run, done) = source.Create()
            .ViaMaterialized(KillSwitches.Single<IWithSymbol>(), Keep.Right)
            .SelectAsync(8, async command =>
            {
                await region.Ask<SymbolCommands.Ack>(command, TimeSpan.FromSeconds(10));
                return (SymbolCommands.MinuteBar)command;
            })
            .ToMaterialized(Sink.ForEach<SymbolCommands.MinuteBar>(delivered.Enqueue), Keep.Both)
            .Run(Sys.Materializer());
        try
        {
            await AwaitConditionAsync(() => Task.FromResult(settings.Universe.All(s => delivered.Any(c => c.Symbol == s && c.Bar.TimeMs >= until))),
                TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(200), $"bars delivered: {delivered.Count}; {source.Monitor.Snapshot()}");
        }
        finally
        {
            // Every bar Asked into the region is acknowledged and recorded before the test looks.
            run.Shutdown();
            await done.WaitAsync(TimeSpan.FromSeconds(20));
        }

        Assert.True(source.Monitor.Snapshot().Backfilled > 0, "nothing was back-filled");
        return (stub, region, [.. delivered]);
    }

    /// <summary>The symbol's bars were delivered once each, in order, exactly the REST minutes from <paramref name="fromMs"/> to its last.</summary>
    private static async Task AssertDeliveredAsync(PolygonStubServer stub, List<SymbolCommands.MinuteBar> delivered, string symbol, long fromMs)
    {
        var times = delivered.Where(c => c.Symbol == symbol).Select(c => c.Bar.TimeMs).ToList();
        Assert.NotEmpty(times);
        var rest = await RestMinutesAsync(stub, symbol, fromMs, times[^1]);
        Assert.Equal(rest.Select(r => r.StartMs), times);
    }

    private static SymbolCommands.MinuteBar Command(MinuteAggregate bar) =>
        new(bar.Symbol, MinuteBarBuilder.Stamp(new Bar(bar.StartMs, bar.Open, bar.High, bar.Low, bar.Close, bar.Volume)));

    private static PolygonClient RestClient(PolygonStubServer stub) =>
        new(new PolygonClientSettings { BaseUrl = _ => Task.FromResult(stub.BaseUrl), ApiKey = "k" }, UnlimitedRateLimiter.Instance);

    /// <summary>What the REST aggregates serve for a symbol's regular-session minutes in [from, to].</summary>
    private static async Task<List<MinuteAggregate>> RestMinutesAsync(PolygonStubServer stub, string symbol, long fromMs, long toMs)
    {
        using var client = RestClient(stub);
        var bars = await new PolygonMinuteBackfill(client).FetchAsync(symbol, fromMs, toMs + 1, CancellationToken.None);
        return [.. bars.Where(b => NyseCalendar.IsInRegularSession(DateTimeOffset.FromUnixTimeMilliseconds(b.StartMs)))];
    }
}
