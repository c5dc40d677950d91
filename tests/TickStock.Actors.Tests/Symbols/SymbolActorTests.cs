using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using Akka.TestKit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TickStock.Actors.Configuration;
using TickStock.Actors.Hosting;
using TickStock.Actors.Publishing;
using TickStock.Actors.Symbols;
using TickStock.Core.Bars;

namespace TickStock.Actors.Tests.Symbols;

/// <summary>SymbolActor as a sharded entity: bars in → PatternDetected out at the pipeline.</summary>
public class SymbolActorTests : HostedTestKit
{
    private readonly GatedDailyBars _daily = new();

    protected override void ConfigureServices(HostBuilderContext context, IServiceCollection services) =>
        services.AddSingleton<IDailyBarSource>(_daily);

    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider)
    {
        builder.AddHocon(Clustering.StrictSerialization.Hocon, HoconAddMode.Prepend);
        var settings = new NodeClusterSettings { SymbolIdleTimeout = TimeSpan.FromSeconds(2) };
        builder.AddTickStockCluster(settings).AddSymbolSharding(settings);
    }

    private async Task<(IActorRef Region, TestProbe Pipeline)> StartAsync()
    {
        await AwaitConditionAsync(() => Task.FromResult(Cluster.Get(Sys).SelfMember.Status == MemberStatus.Up), TimeSpan.FromSeconds(20));
        var pipeline = CreateTestProbe();
        ActorRegistry.Register<PatternPipeline>(pipeline.Ref, overwrite: true);
        return (await ActorRegistry.WaitForAsync<SymbolRegion>(TimeSpan.FromSeconds(30)), pipeline);
    }

    private static PatternCommands.PatternDetected FishSpike(TestProbe pipeline) =>
        pipeline.FishForMessage<PatternCommands.PatternDetected>(
            m => m.Event.Pattern == "Volume_Spike" && m.Event.Timeframe == "1min", TimeSpan.FromSeconds(15));

    private static async Task SendAsync(IActorRef region, string symbol, IEnumerable<Bar> bars)
    {
        foreach (Bar bar in bars)
        {
            await region.Ask<SymbolCommands.Ack>(new SymbolCommands.MinuteBar(symbol, bar), TimeSpan.FromSeconds(15));
        }
    }

    [Fact]
    public async Task A_bar_sequence_with_a_volume_spike_sends_the_expected_PatternDetected()
    {
        _daily.Release();
        var (region, pipeline) = await StartAsync();
        await SendAsync(region, "spky", MinuteBars.QuietThenSpike());

        var evt = FishSpike(pipeline).Event;
        Assert.Equal("SPKY", evt.Symbol);
        Assert.Equal("intraday", evt.Tier);
        Assert.Equal(0.9, evt.Confidence, 3);
        Assert.Equal(100.5, evt.CurrentPrice);
        Assert.Equal(6000, evt.Volume);
        Assert.Equal(3600, evt.ExpiresAt - evt.DetectedAt, 3);
        Assert.Null(evt.Problem());
        Assert.Contains("relative_volume", evt.Indicators.Keys);
        Assert.Equal(6.0, evt.Indicators["relative_volume"], 3);
    }

    [Fact]
    public async Task A_pipeline_registered_after_the_first_detections_receives_the_later_ones()
    {
        _daily.Release();
        await AwaitConditionAsync(() => Task.FromResult(Cluster.Get(Sys).SelfMember.Status == MemberStatus.Up), TimeSpan.FromSeconds(20));
        var region = await ActorRegistry.WaitForAsync<SymbolRegion>(TimeSpan.FromSeconds(30));
        await SendAsync(region, "LATE", MinuteBars.QuietThenSpike()); // detected with no pipeline: dropped

        var pipeline = CreateTestProbe();
        ActorRegistry.Register<PatternPipeline>(pipeline.Ref, overwrite: true);
        var later = Enumerable.Range(21, 20).Select(m => MinuteBars.At(m)).Append(MinuteBars.At(41, volume: 6000));
        await SendAsync(region, "LATE", later);

        var evt = FishSpike(pipeline).Event;
        Assert.Equal("LATE", evt.Symbol);
        Assert.Equal(6000, evt.Volume);
    }

    [Fact]
    public async Task Bars_sent_while_daily_history_loads_are_stashed_and_processed_after_seeding()
    {
        var (region, _) = await StartAsync();
        region.Tell(new SymbolCommands.MinuteBar("SEED", MinuteBars.At(0)), TestActor);
        region.Tell(new SymbolQueries.GetStatus("SEED"), TestActor);
        await ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300)); // nothing answered while seeding
        _daily.Release();

        await ExpectMsgAsync<SymbolCommands.Ack>();
        var status = await ExpectMsgAsync<SymbolQueries.SymbolStatus>();
        Assert.Equal(1, status.BarsSeen);
        Assert.Equal(GatedDailyBars.Days, status.DailyBars);
    }

    [Fact]
    public async Task A_passivated_entity_comes_back_and_detects_again()
    {
        _daily.Release();
        var (region, pipeline) = await StartAsync();
        await SendAsync(region, "PASV", MinuteBars.QuietThenSpike());
        FishSpike(pipeline);

        var probe = CreateTestProbe();
        region.Tell(new SymbolQueries.GetStatus("PASV"), probe);
        var first = await probe.ExpectMsgAsync<SymbolQueries.SymbolStatus>();
        var entity = probe.LastSender;
        Watch(entity);
        await ExpectTerminatedAsync(entity, TimeSpan.FromSeconds(20)); // idle passivation after 2 s

        await SendAsync(region, "PASV", MinuteBars.QuietThenSpike());
        Assert.Equal(6000, FishSpike(pipeline).Event.Volume);
        var second = await region.Ask<SymbolQueries.SymbolStatus>(new SymbolQueries.GetStatus("PASV"), TimeSpan.FromSeconds(10));
        Assert.NotEqual(first.StartedAt, second.StartedAt);
        Assert.Equal(21, second.BarsSeen);
    }

    [Fact]
    public async Task A_killed_entity_is_recreated_on_the_next_message()
    {
        _daily.Release();
        var (region, pipeline) = await StartAsync();
        var probe = CreateTestProbe();
        region.Tell(new SymbolQueries.GetStatus("KILL"), probe);
        await probe.ExpectMsgAsync<SymbolQueries.SymbolStatus>();
        var entity = probe.LastSender;
        Watch(entity);
        entity.Tell(Kill.Instance);
        await ExpectTerminatedAsync(entity);

        // The shard learns of the death by its own Terminated, which may come after ours: until
        // then a message is still routed to the dead entity. GetStatus is safe to repeat, so ask
        // until a new incarnation answers, then send the bars.
        await AwaitAssertAsync(async () =>
        {
            region.Tell(new SymbolQueries.GetStatus("KILL"), probe);
            await probe.ExpectMsgAsync<SymbolQueries.SymbolStatus>(TimeSpan.FromSeconds(1));
            Assert.NotEqual(entity, probe.LastSender);
        }, TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(100));
        await SendAsync(region, "KILL", MinuteBars.QuietThenSpike());
        Assert.Equal("KILL", FishSpike(pipeline).Event.Symbol);
    }

    [Fact]
    public async Task Ticks_become_minute_bars_inside_the_actor()
    {
        _daily.Release();
        var (region, _) = await StartAsync();
        foreach (Bar bar in MinuteBars.QuietThenSpike(quiet: 3))
        {
            await region.Ask<SymbolCommands.Ack>(new SymbolCommands.Tick("TICK", bar.Close, bar.Volume, bar.TimeMs + 1_000), TimeSpan.FromSeconds(10));
        }

        // Three minutes completed by the tick that followed each; the last one is still open.
        var status = await region.Ask<SymbolQueries.SymbolStatus>(new SymbolQueries.GetStatus("TICK"), TimeSpan.FromSeconds(10));
        Assert.Equal(3, status.BarsSeen);
    }

    [Fact]
    public async Task Reference_index_bars_reach_a_running_symbol_and_its_PatternDetected_carries_relative_strength()
    {
        _daily.Release();
        var (region, pipeline) = await StartAsync();
        await region.Ask<SymbolQueries.SymbolStatus>(new SymbolQueries.GetStatus("RSX"), TimeSpan.FromSeconds(10)); // running, subscribed
        await SendAsync(region, "SPY", Enumerable.Range(0, 21).Select(m => MinuteBars.At(m, close: 100 + (0.5 * m))));

        // The closes travel over distributed pub/sub, whose subscription takes effect
        // asynchronously: an update published before it did is recovered through the reference index's
        // heartbeat and a snapshot. Either way RSX must end up holding every close SPY holds.
        await AwaitAssertAsync(async () =>
        {
            var spy = await region.Ask<SymbolQueries.SymbolStatus>(new SymbolQueries.GetStatus("SPY"), TimeSpan.FromSeconds(5));
            var rsx = await region.Ask<SymbolQueries.SymbolStatus>(new SymbolQueries.GetStatus("RSX"), TimeSpan.FromSeconds(5));
            Assert.True(spy.ReferenceIndexMinutes > 0);
            Assert.Equal(spy.ReferenceIndexMinutes, rsx.ReferenceIndexMinutes);
        }, TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(200));
        await SendAsync(region, "RSX", MinuteBars.QuietThenSpike());

        var evt = pipeline.FishForMessage<PatternCommands.PatternDetected>(
            m => m.Event.Symbol == "RSX" && m.Event.Pattern == "Volume_Spike" && m.Event.Timeframe == "1min", TimeSpan.FromSeconds(15)).Event;
        Assert.Equal(0.909, evt.Indicators["relative_strength"], 3); // flat symbol, reference index +10 % over 20 bars
        Assert.Null(evt.Problem());
    }

    [Fact]
    public async Task A_symbol_started_after_the_reference_index_gets_its_closes_as_a_snapshot()
    {
        _daily.Release();
        var (region, pipeline) = await StartAsync();
        await SendAsync(region, "SPY", Enumerable.Range(0, 21).Select(m => MinuteBars.At(m, close: 100 - (0.5 * m))));
        await AwaitConditionAsync(async () =>
        {
            var status = await region.Ask<SymbolQueries.SymbolStatus>(new SymbolQueries.GetStatus("LATER"), TimeSpan.FromSeconds(10));
            return status.ReferenceIndexMinutes == 21 && status.ReferenceIndexDays == GatedDailyBars.Days;
        }, TimeSpan.FromSeconds(15));
        await SendAsync(region, "LATER", MinuteBars.QuietThenSpike());

        var evt = pipeline.FishForMessage<PatternCommands.PatternDetected>(
            m => m.Event.Symbol == "LATER" && m.Event.Pattern == "Volume_Spike" && m.Event.Timeframe == "1min", TimeSpan.FromSeconds(15)).Event;
        Assert.Equal(Math.Round(1 / (90.0 / 100.0), 3), evt.Indicators["relative_strength"], 3);
    }

    /// <summary>Daily history that is held back until the test releases it.</summary>
    private sealed class GatedDailyBars : IDailyBarSource
    {
        public const int Days = 60;
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _gate.TrySetResult();

        public async Task<IReadOnlyList<Bar>> LoadAsync(string symbol, int count, CancellationToken cancellationToken = default)
        {
            await _gate.Task.ConfigureAwait(false);
            var start = new DateOnly(2026, 6, 1);
            return Enumerable.Range(0, Days).Select(i => Bar.Daily(start.AddDays(i), 100, 101, 99, 100 + (i % 3), 1e6)).ToList();
        }
    }
}
