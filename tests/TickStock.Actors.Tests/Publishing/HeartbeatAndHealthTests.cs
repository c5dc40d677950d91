using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using StackExchange.Redis;
using TickStock.Actors.Configuration;
using TickStock.Actors.Hosting;
using TickStock.Actors.Publishing;
using TickStock.Testing;

namespace TickStock.Actors.Tests.Publishing;

/// <summary>Heartbeats (contract §4) and health on a real single-node cluster with short intervals.</summary>
public sealed class HeartbeatAndHealthTests : HostedTestKit
{
    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider)
    {
        builder.AddTickStockCluster(new NodeClusterSettings());
    }

    /// <summary>A pipeline rig with short intervals plus an observer of the health channel.</summary>
    private sealed class Fixture : IAsyncDisposable
    {
        public PipelineRig Rig { get; private init; } = null!;
        public ConnectionMultiplexer Observer { get; private init; } = null!;
        public ConcurrentQueue<JsonDocument> Health { get; } = new();

        public static async Task<Fixture> CreateAsync()
        {
            var rig = await PipelineRig.StartAsync(s =>
            {
                s.RedisHeartbeatInterval = TimeSpan.FromMilliseconds(200);
                s.DatabaseHeartbeatInterval = TimeSpan.FromMilliseconds(300);
                s.HealthInterval = TimeSpan.FromSeconds(30); // long: every message after the first answers a check
            });
            var fixture = new Fixture { Rig = rig, Observer = await ConnectionMultiplexer.ConnectAsync(LocalServices.RedisConfiguration) };
            var queue = await fixture.Observer.GetSubscriber().SubscribeAsync(RedisChannel.Literal(rig.Settings.Channels.HealthStatus));
            queue.OnMessage(m => fixture.Health.Enqueue(JsonDocument.Parse((byte[])m.Message!)));
            return fixture;
        }

        // No market-data feed runs in these tests: a node without one reports market_data healthy.
        public TickStockOptions Options() => new() { Pipeline = Rig.Settings, MarketData = { Source = MarketDataSource.None } };

        public async ValueTask DisposeAsync()
        {
            await Observer.DisposeAsync();
            await Rig.DisposeAsync();
        }
    }

    [Fact]
    public async Task Heartbeat_keys_and_PRODUCER_ALIVE_rows_are_written_at_start_and_on_every_interval()
    {
        await using var f = await Fixture.CreateAsync();
        var (_rig, _observer) = (f.Rig, f.Observer);
        Sys.ActorOf(HeartbeatActor.Props(_rig.Redis, _rig.Logger, _rig.Stats, _rig.Settings, """{"node":"test"}"""));
        var db = _observer.GetDatabase();
        var keys = _rig.Settings.Channels;

        Assert.True(await PipelineRig.EventuallyAsync(async () => (await db.StringGetAsync(keys.HeartbeatKey)).HasValue, TimeSpan.FromSeconds(10)));
        var first = double.Parse((string)(await db.StringGetAsync(keys.HeartbeatKey))!, CultureInfo.InvariantCulture);
        Assert.InRange(first, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 30, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
        Assert.True(await PipelineRig.EventuallyAsync(async () =>
            double.Parse((string)(await db.StringGetAsync(keys.HeartbeatKey))!, CultureInfo.InvariantCulture) > first, TimeSpan.FromSeconds(10)),
            "the Redis heartbeat was not refreshed");
        var ttl = await db.KeyTimeToLiveAsync(keys.LegacyHeartbeatKey);
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        Assert.True(double.TryParse((string?)await db.StringGetAsync(keys.LegacyHeartbeatKey), NumberStyles.Float, CultureInfo.InvariantCulture, out var legacy) && legacy >= first);

        Assert.True(await PipelineRig.EventuallyAsync(async () => await _rig.Schema.ScalarAsync<long>(
            "SELECT count(*) FROM integration_events WHERE checkpoint = 'PRODUCER_ALIVE'") >= 3, TimeSpan.FromSeconds(15)));
        Assert.Equal(1L, await _rig.Schema.ScalarAsync<long>(
            "SELECT count(*) FROM integration_events WHERE checkpoint = 'PRODUCER_STARTED' AND event_type = 'system_startup' AND source_system = 'TickStockPL' AND flow_id IS NOT NULL"));
        Assert.Equal("heartbeat|t|t|t", await _rig.Schema.ScalarAsync<string>(
            """
            SELECT event_type || '|' || (details ? 'patterns_detected')::text::char || '|' || (details ? 'uptime_seconds')::text::char || '|' || (details ? 'last_pattern_time')::text::char
            FROM integration_events WHERE checkpoint = 'PRODUCER_ALIVE' LIMIT 1
            """));
    }

    [Fact]
    public async Task Health_is_published_at_start_and_at_once_on_each_valid_check_while_malformed_checks_are_ignored()
    {
        await using var f = await Fixture.CreateAsync();
        var (_rig, _observer, _health) = (f.Rig, f.Observer, f.Health);
        await AwaitConditionAsync(() => Task.FromResult(Cluster.Get(Sys).SelfMember.Status == MemberStatus.Up), TimeSpan.FromSeconds(20));
        Sys.ActorOf(HealthActor.Props(_rig.Redis, _rig.Stats, f.Options()));
        Assert.True(await PipelineRig.EventuallyAsync(() => Task.FromResult(!_health.IsEmpty), TimeSpan.FromSeconds(15)), "no health message at start");
        var subscriber = _observer.GetSubscriber();
        var checkChannel = RedisChannel.Literal(_rig.Settings.Channels.HealthCheck);
        const string validCheck = """{"type":"health_check","timestamp":1732812345.1,"source":"TickStockAppV2"}""";
        // The actor subscribes asynchronously: ping until a check is answered, then wait for quiet.
        var answered = await PipelineRig.EventuallyAsync(async () =>
        {
            var seen = _health.Count;
            await subscriber.PublishAsync(checkChannel, validCheck);
            await Task.Delay(200);
            return _health.Count > seen;
        }, TimeSpan.FromSeconds(15));
        Assert.True(answered, "health checks were never answered");
        var before = -1;
        while (before != _health.Count)
        {
            before = _health.Count;
            await Task.Delay(700);
        }

        await subscriber.PublishAsync(checkChannel, "not json {");
        await subscriber.PublishAsync(checkChannel, """{"type":"shutdown_everything"}""");
        await subscriber.PublishAsync(checkChannel, "[1,2,3]");
        await subscriber.PublishAsync(checkChannel, new string('x', 1024 * 1024 + 10));
        await subscriber.PublishAsync(checkChannel, validCheck);

        Assert.True(await PipelineRig.EventuallyAsync(() => Task.FromResult(_health.Count == before + 1), TimeSpan.FromSeconds(10)));
        Assert.True(await PipelineRig.EventuallyAsync(() => Task.FromResult(_rig.Stats.MalformedMessages == 4), TimeSpan.FromSeconds(10)));
        await Task.Delay(300);
        Assert.Equal(before + 1, _health.Count); // nothing answered the four bad ones

        var message = _health.Last().RootElement;
        Assert.Equal("system_health", message.GetProperty("event_type").GetString());
        Assert.Equal("TickStockPL", message.GetProperty("source").GetString());
        Assert.Equal(JsonValueKind.Number, message.GetProperty("timestamp").ValueKind);
        var data = message.GetProperty("data");
        Assert.Equal("healthy", data.GetProperty("overall_status").GetString());
        Assert.Equal(["redis", "postgres", "market_data", "polygon", "cluster"], data.GetProperty("components").EnumerateObject().Select(p => p.Name));
        Assert.True(data.GetProperty("patterns_detected").TryGetInt64(out _));
        Assert.True(data.GetProperty("uptime_seconds").TryGetInt64(out _));
    }

    [Fact]
    public async Task Health_says_degraded_while_PostgreSQL_is_unreachable()
    {
        await using var f = await Fixture.CreateAsync();
        var (_rig, _health) = (f.Rig, f.Health);
        await AwaitConditionAsync(() => Task.FromResult(Cluster.Get(Sys).SelfMember.Status == MemberStatus.Up), TimeSpan.FromSeconds(20));
        _rig.PostgresProxy.Cut();
        _rig.Logger.Tell(new PatternCommands.PatternDetected(PipelineRig.Event(1)));
        Assert.True(await PipelineRig.EventuallyAsync(() => Task.FromResult(_rig.Stats.PostgresDown), TimeSpan.FromSeconds(15)));

        Sys.ActorOf(HealthActor.Props(_rig.Redis, _rig.Stats, f.Options()));

        Assert.True(await PipelineRig.EventuallyAsync(() => Task.FromResult(!_health.IsEmpty), TimeSpan.FromSeconds(15)));
        var data = _health.Last().RootElement.GetProperty("data");
        Assert.Equal("degraded", data.GetProperty("overall_status").GetString());
        Assert.Equal("degraded", data.GetProperty("components").GetProperty("postgres").GetProperty("status").GetString());
        _rig.PostgresProxy.Restore();
    }

    [Fact]
    public async Task With_Redis_down_at_start_the_health_check_subscription_is_retried_and_each_check_answered_once()
    {
        await using var f = await Fixture.CreateAsync();
        var (rig, health) = (f.Rig, f.Health);
        await AwaitConditionAsync(() => Task.FromResult(Cluster.Get(Sys).SelfMember.Status == MemberStatus.Up), TimeSpan.FromSeconds(20));
        rig.RedisProxy.Cut();
        Assert.True(await PipelineRig.EventuallyAsync(() => Task.FromResult(!rig.Redis.IsConnected), TimeSpan.FromSeconds(15)));
        var warnings = CreateTestProbe();
        Sys.EventStream.Subscribe(warnings.Ref, typeof(Akka.Event.Warning));

        Sys.ActorOf(HealthActor.Props(rig.Redis, rig.Stats, f.Options()));
        warnings.FishForMessage<Akka.Event.Warning>(w => w.Message?.ToString()?.Contains("Cannot subscribe", StringComparison.Ordinal) == true, TimeSpan.FromSeconds(15));
        rig.RedisProxy.Restore();

        var subscriber = f.Observer.GetSubscriber();
        var checkChannel = RedisChannel.Literal(rig.Settings.Channels.HealthCheck);
        const string validCheck = """{"type":"health_check","timestamp":1732812345.0,"source":"TickStockAppV2"}""";
        Assert.True(await PipelineRig.EventuallyAsync(async () =>
        {
            var seen = health.Count;
            await subscriber.PublishAsync(checkChannel, validCheck);
            await Task.Delay(200);
            return health.Count > seen;
        }, TimeSpan.FromSeconds(20)), "health checks were never answered after Redis came back");
        var before = -1;
        while (before != health.Count)
        {
            before = health.Count;
            await Task.Delay(700);
        }

        await subscriber.PublishAsync(checkChannel, validCheck);
        Assert.True(await PipelineRig.EventuallyAsync(() => Task.FromResult(health.Count > before), TimeSpan.FromSeconds(10)));
        await Task.Delay(500);
        Assert.Equal(before + 1, health.Count); // one answer per check: the retried subscription is not doubled
        Assert.Equal("healthy", health.Last().RootElement.GetProperty("data").GetProperty("components").GetProperty("redis").GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_flood_of_hostile_health_checks_logs_the_first_few_of_each_kind_and_counts_the_rest()
    {
        await using var f = await Fixture.CreateAsync();
        var rig = f.Rig;
        var warnings = new ConcurrentQueue<string>();
        var listener = CreateTestProbe();
        Sys.EventStream.Subscribe(listener.Ref, typeof(Akka.Event.Warning));
        Sys.ActorOf(HealthActor.Props(rig.Redis, rig.Stats, f.Options()));
        var subscriber = f.Observer.GetSubscriber();
        var checkChannel = RedisChannel.Literal(rig.Settings.Channels.HealthCheck);
        // Wait until the subscription holds (a first hostile message is counted).
        Assert.True(await PipelineRig.EventuallyAsync(async () =>
        {
            await subscriber.PublishAsync(checkChannel, "not json {");
            await Task.Delay(100);
            return rig.Stats.MalformedMessages > 0;
        }, TimeSpan.FromSeconds(15)));
        var sent = rig.Stats.MalformedMessages;

        for (var i = 0; i < 100; i++)
        {
            await subscriber.PublishAsync(checkChannel, "not json {" + i);
            await subscriber.PublishAsync(checkChannel, $$"""{"type":"drop_{{i}}"}""");
        }

        Assert.True(await PipelineRig.EventuallyAsync(() => Task.FromResult(rig.Stats.MalformedMessages == sent + 200), TimeSpan.FromSeconds(15)));
        while (listener.HasMessages) warnings.Enqueue(listener.ReceiveOne(TimeSpan.Zero)?.ToString() ?? "");
        var ignored = warnings.Count(w => w.Contains("Ignored a message", StringComparison.Ordinal));
        Assert.InRange(ignored, 2, 10); // five per kind at most, two kinds
    }
}
