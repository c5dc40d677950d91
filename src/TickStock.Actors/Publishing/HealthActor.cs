using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using StackExchange.Redis;
using TickStock.Actors.Configuration;
using TickStock.Actors.Infrastructure;
using TickStock.Core.Contracts;

namespace TickStock.Actors.Publishing;

/// <summary>
/// Publishes system_health (contract §4) at start, on its interval and at once for every valid
/// <c>tickstock.health.check</c>; overall status comes from real component checks. It publishes
/// on the health channel itself (the shared multiplexer is thread-safe), not through the Publisher.
/// </summary>
public sealed class HealthActor : ReceiveActor, IWithTimers
{
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly RedisConnectionProvider _redis;
    private readonly ProducerStats _stats;
    private readonly TickStockOptions _options;
    private readonly TimeProvider _clock;

    public HealthActor(RedisConnectionProvider redis, ProducerStats stats, TickStockOptions options, TimeProvider? clock = null)
    {
        _redis = redis;
        _stats = stats;
        _options = options;
        _clock = clock ?? TimeProvider.System;
        Receive<Tick>(_ => Report());
        Receive<CheckReceived>(OnCheck);
        Receive<Subscribed>(_ => _log.Debug("Listening for health checks on {0}", options.Pipeline.Channels.HealthCheck));
        Receive<Status.Failure>(f => _log.Warning("Could not subscribe to {0}: {1}", options.Pipeline.Channels.HealthCheck, f.Cause.Message));
        Receive<Published>(m =>
        {
            if (m.Error is not null) _log.Debug("Health message not published: {0}", m.Error.Message);
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(RedisConnectionProvider redis, ProducerStats stats, TickStockOptions options, TimeProvider? clock = null) =>
        Akka.Actor.Props.Create(() => new HealthActor(redis, stats, options, clock));

    protected override void PreStart()
    {
        Self.Tell(Tick.Instance);
        Timers.StartPeriodicTimer("health", Tick.Instance, _options.Pipeline.HealthInterval);
        SubscribeAsync(Self).PipeTo(Self);
    }

    private async Task<Subscribed> SubscribeAsync(IActorRef self)
    {
        var connection = await _redis.GetAsync().ConfigureAwait(false);
        var channel = RedisChannel.Literal(_options.Pipeline.Channels.HealthCheck);
        // The handler runs on a Redis thread: it only forwards bytes to the actor.
        await connection.GetSubscriber().SubscribeAsync(channel, (_, value) => self.Tell(new CheckReceived((byte[]?)value ?? []))).ConfigureAwait(false);
        return Subscribed.Instance;
    }

    private void OnCheck(CheckReceived m)
    {
        if (HealthCheckRequest.Problem(m.Payload, _options.Pipeline.MaxInboundMessageBytes) is { } problem)
        {
            _stats.Malformed();
            _log.Warning("Ignored a message on {0}: {1}", _options.Pipeline.Channels.HealthCheck, problem);
            return;
        }

        Report();
    }

    private void Report()
    {
        var message = Build().ToMessage(UnixTime.Now(_clock));
        PublishAsync(message).PipeTo(Self, success: () => new Published(null), failure: ex => new Published(ex));
    }

    private async Task PublishAsync(byte[] message)
    {
        var connection = await _redis.GetAsync().ConfigureAwait(false);
        await connection.GetSubscriber().PublishAsync(RedisChannel.Literal(_options.Pipeline.Channels.HealthStatus), message).ConfigureAwait(false);
    }

    private HealthReport Build()
    {
        var redisUp = _redis.IsConnected && !_stats.RedisDown;
        var member = Cluster.Get(Context.System).SelfMember;
        var components = new Dictionary<string, ComponentHealth>(StringComparer.Ordinal)
        {
            ["redis"] = redisUp
                ? new(ComponentState.Healthy, $"connected to {_redis.Endpoint}")
                : new(ComponentState.Degraded, $"unreachable at {_redis.Endpoint}; {_stats.BufferedEvents} events buffered"),
            ["postgres"] = _stats.PostgresDown
                ? new(ComponentState.Degraded, $"unreachable; {_stats.RowsSpilled} audit rows spilled to file so far")
                : new(ComponentState.Healthy, "writing integration_events"),
            ["market_data"] = new(ComponentState.Healthy, $"source {_options.MarketData.Source.Name()}"),
            ["polygon"] = new(ComponentState.Healthy, _options.Polygon.UsesEmbeddedStub ? "embedded local stub" : "provider API key configured"),
            ["cluster"] = member.Status == MemberStatus.Up
                ? new(ComponentState.Healthy, $"member up ({member.Address})")
                : new(ComponentState.Error, $"member {member.Status}"),
        };
        return new HealthReport(components, _stats.PatternsDetected, _stats.UptimeSeconds);
    }

    private sealed record CheckReceived(byte[] Payload);

    private sealed record Published(Exception? Error);

    private sealed class Tick
    {
        public static readonly Tick Instance = new();
    }

    private sealed class Subscribed
    {
        public static readonly Subscribed Instance = new();
    }
}
