using Akka.Actor;
using Akka.Hosting;
using Npgsql;
using TickStock.Actors.Configuration;
using TickStock.Actors.Hosting;
using TickStock.Actors.Infrastructure;
using TickStock.Actors.Persistence;
using TickStock.Actors.Publishing;
using TickStock.Core.Contracts;
using TickStock.Testing;

namespace TickStock.Actors.Tests.Publishing;

/// <summary>
/// The real pattern pipeline (Publisher + IntegrationLogger under their parent) against the local Redis and PostgreSQL — each reached
/// through a <see cref="TcpProxy"/> so a test can take either "down" — in a scratch schema, with
/// channel names unique to the test.
/// </summary>
public sealed class PipelineRig : IAsyncDisposable
{
    private PipelineRig(ScratchSchema schema, TcpProxy redisProxy, TcpProxy pgProxy, NpgsqlDataSource pipelineDb,
        RedisConnectionProvider redis, PipelineSettings settings, string spillPath, ActorSystem system)
    {
        Schema = schema;
        RedisProxy = redisProxy;
        PostgresProxy = pgProxy;
        PipelineDb = pipelineDb;
        Redis = redis;
        Settings = settings;
        SpillPath = spillPath;
        System = system;
    }

    public ScratchSchema Schema { get; }
    public TcpProxy RedisProxy { get; }
    public TcpProxy PostgresProxy { get; }
    public NpgsqlDataSource PipelineDb { get; }
    public RedisConnectionProvider Redis { get; }
    public PipelineSettings Settings { get; }
    public string SpillPath { get; }
    public ActorSystem System { get; }
    public ProducerStats Stats { get; } = new();
    public IActorRef Pipeline { get; private set; } = ActorRefs.Nobody;
    public IActorRef Publisher { get; private set; } = ActorRefs.Nobody;
    public IActorRef Logger { get; private set; } = ActorRefs.Nobody;

    public string PatternChannel => Settings.Channels.Patterns;

    /// <param name="configure">Changes to the test's pipeline settings.</param>
    /// <param name="wrapStore">Wraps the real integration_events store (to stage what the server reports).</param>
    public static async Task<PipelineRig> StartAsync(Action<PipelineSettings>? configure = null, Func<IIntegrationEventStore, IIntegrationEventStore>? wrapStore = null)
    {
        var schema = await ScratchSchema.CreateAsync("pipe").ConfigureAwait(false);
        await new SchemaMigrator(schema.DataSource).MigrateAsync().ConfigureAwait(false);
        var redisProxy = new TcpProxy(LocalServices.RedisPort);
        var pgProxy = new TcpProxy(LocalServices.PostgresPort);
        var pgThroughProxy = new NpgsqlConnectionStringBuilder(schema.ConnectionString) { Port = pgProxy.Port, Timeout = 3, CommandTimeout = 5 };
        var pipelineDb = new NpgsqlDataSourceBuilder(pgThroughProxy.ConnectionString).Build();
        var id = Guid.NewGuid().ToString("N")[..10];
        var settings = new PipelineSettings
        {
            Channels = new ChannelNames
            {
                Patterns = $"t{id}.events.patterns",
                HealthStatus = $"t{id}.health.status",
                HealthCheck = $"t{id}.health.check",
                HeartbeatKey = $"t{id}:producer:heartbeat",
                LegacyHeartbeatKey = $"t{id}pl:heartbeat",
            },
            RetryMin = TimeSpan.FromMilliseconds(100),
            RetryMax = TimeSpan.FromSeconds(1),
            SpillPath = Path.Combine(Path.GetTempPath(), "tickstock-tests", id, "spill.jsonl"),
        };
        configure?.Invoke(settings);
        var redis = new RedisConnectionProvider(new RedisSettings { Configuration = $"127.0.0.1:{redisProxy.Port}" }, "test-" + id);
        var system = ActorSystem.Create("pipeline-" + id);
        var rig = new PipelineRig(schema, redisProxy, pgProxy, pipelineDb, redis, settings, settings.SpillPath, system);
        IIntegrationEventStore store = new IntegrationEventStore(pipelineDb);
        if (wrapStore is not null) store = wrapStore(store);
        rig.Pipeline = system.ActorOf(PatternPipelineActor.Props(store, redis, rig.Stats, settings), "pattern-pipeline");
        var registry = ActorRegistry.For(system);
        rig.Logger = await registry.WaitForAsync<IntegrationLoggerActor>(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        rig.Publisher = await registry.WaitForAsync<PublisherActor>(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        return rig;
    }

    /// <summary>Starts a contract consumer on the REAL Redis (not through the proxy) for this rig's channels.</summary>
    public Task<ContractConsumer> StartConsumerAsync(bool logCheckpoints = true) =>
        ContractConsumer.StartAsync(LocalServices.RedisConfiguration, Schema.DataSource,
            [PatternChannel, PatternChannel + ".daily", PatternChannel + ".intraday", PatternChannel + ".combo", PatternChannel + ".test"], logCheckpoints);

    public static PatternEvent Event(int i, string tier = PatternTier.Intraday, TimeSpan? lifetime = null)
    {
        var e = PatternEvent.Create($"SYM{i % 37}", i % 2 == 0 ? "Volume_Spike" : "Bullish_Engulfing", 0.5 + (i % 50) / 100.0, tier,
            tier == PatternTier.Daily ? "daily" : "1min", 100 + i * 0.01, 1.25, 1_000_000 + i, DateTimeOffset.UtcNow,
            new Dictionary<string, double> { ["rsi"] = 55.5, ["relative_volume"] = 3.1 });
        return lifetime is { } l ? e with { ExpiresAt = e.DetectedAt + l.TotalSeconds } : e;
    }

    public async Task<long> RowsAsync(string checkpoint) =>
        await Schema.ScalarAsync<long>($"SELECT count(DISTINCT flow_id) FROM integration_events WHERE checkpoint = '{checkpoint}'").ConfigureAwait(false);

    public static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition()) return true;
            await Task.Delay(50).ConfigureAwait(false);
        }

        return await condition().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await System.Terminate().ConfigureAwait(false);
        await Redis.DisposeAsync().ConfigureAwait(false);
        await PipelineDb.DisposeAsync().ConfigureAwait(false);
        await RedisProxy.DisposeAsync().ConfigureAwait(false);
        await PostgresProxy.DisposeAsync().ConfigureAwait(false);
        await Schema.DisposeAsync().ConfigureAwait(false);
        var dir = Path.GetDirectoryName(SpillPath)!;
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
    }
}
