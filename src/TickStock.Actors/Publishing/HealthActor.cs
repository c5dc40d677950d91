using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Akka.Hosting;
using StackExchange.Redis;
using TickStock.Actors.Configuration;
using TickStock.Actors.Diagnostics;
using TickStock.Actors.Infrastructure;
using TickStock.Actors.MarketData;
using TickStock.Core.Contracts;
using TickStock.Core.Diagnostics;
using TickStock.Core.Retry;

namespace TickStock.Actors.Publishing;

/// <summary>
/// Publishes system_health (contract §4) at start, on its interval and at once for every valid
/// <c>tickstock.health.check</c>, from a snapshot of the components' real state
/// (<see cref="HealthAssessment"/>). It publishes on the health channel itself (the shared
/// multiplexer is thread-safe), not through the Publisher. The subscription to the check channel
/// is retried on a back-off until it holds (Redis may be down at start).
/// </summary>
public sealed class HealthActor : ReceiveActor, IWithTimers
{
    private const string SubscribeTimer = "subscribe";
    private const string RefusalReportTimer = "refusals";
    private const int RefusalsLoggedInFull = 5;
    private static readonly TimeSpan FeedAnswerTimeout = TimeSpan.FromSeconds(1);
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly RedisConnectionProvider _redis;
    private readonly ProducerStats _stats;
    private readonly TickStockOptions _options;
    private readonly TimeProvider _clock;
    private readonly RedisChannel _checkChannel;
    private readonly RejectedMessageCounter _refused = new(RefusalsLoggedInFull);
    private Backoff _subscribeRetry;
    private Action<RedisChannel, RedisValue>? _handler;
    private bool _subscribed;
    private bool _subscribeFailing;
    private bool _watchingConnection;

    public HealthActor(RedisConnectionProvider redis, ProducerStats stats, TickStockOptions options, TimeProvider? clock = null)
    {
        _redis = redis;
        _stats = stats;
        _options = options;
        _clock = clock ?? TimeProvider.System;
        _checkChannel = RedisChannel.Literal(options.Pipeline.Channels.HealthCheck);
        _subscribeRetry = new Backoff(options.Pipeline.RetryMin, options.Pipeline.RetryMax);
        Receive<Tick>(_ => StartReport());
        Receive<CheckReceived>(OnCheck);
        Receive<Snapshot>(m => Publish(HealthAssessment.Assess(m.Value)));
        Receive<Subscribe>(_ => StartSubscribe());
        Receive<ReportRefusals>(_ =>
        {
            foreach (var count in _refused.TakeReport())
            {
                _log.Warning("{0} more messages ignored on {1} ({2}) since the last report; {3} in all", count.SinceLastReport, count.Channel, count.Reason, count.Total);
            }
        });
        Receive<SubscribeResult>(OnSubscribeResult);
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
        Timers.StartPeriodicTimer(RefusalReportTimer, ReportRefusals.Instance, TimeSpan.FromMinutes(1));
        Self.Tell(Subscribe.Instance);
    }

    private void StartSubscribe()
    {
        if (_subscribed) return;
        var self = Self;
        // The handler runs on a Redis thread: it only forwards bytes to the actor. One delegate for
        // every attempt, removed before each retry, so a subscription the client kept from a failed
        // attempt is never doubled.
        _handler ??= (_, value) => self.Tell(new CheckReceived((byte[]?)value ?? []));
        SubscribeAsync(_handler).PipeTo(self, success: c => new SubscribeResult(c, null), failure: ex => new SubscribeResult(null, ex));
    }

    private async Task<IConnectionMultiplexer> SubscribeAsync(Action<RedisChannel, RedisValue> handler)
    {
        var connection = await _redis.GetAsync().ConfigureAwait(false);
        var subscriber = connection.GetSubscriber();
        await subscriber.UnsubscribeAsync(_checkChannel, handler).ConfigureAwait(false);
        await subscriber.SubscribeAsync(_checkChannel, handler).ConfigureAwait(false);
        return connection;
    }

    private void OnSubscribeResult(SubscribeResult m)
    {
        if (m.Connection is { } connection && !_watchingConnection)
        {
            // The client restores subscriptions after a reconnect; one that never held is retried at once.
            var self = Self;
            connection.ConnectionRestored += (_, _) => self.Tell(Subscribe.Instance);
            _watchingConnection = true;
        }

        if (m.Error is null)
        {
            if (_subscribeFailing) _log.Info("Listening for health checks on {0} again", _checkChannel);
            _subscribed = true;
            _subscribeFailing = false;
            _subscribeRetry.Reset();
            return;
        }

        if (!_subscribeFailing) _log.Warning("Cannot subscribe to {0} ({1}); retrying until it holds", _checkChannel, m.Error.Message.Split('\n')[0]);
        _subscribeFailing = true;
        if (!Timers.IsTimerActive(SubscribeTimer)) Timers.StartSingleTimer(SubscribeTimer, Subscribe.Instance, _subscribeRetry.Next());
    }

    private void OnCheck(CheckReceived m)
    {
        if (HealthCheckRequest.Problem(m.Payload, _options.Pipeline.MaxInboundMessageBytes) is { } problem)
        {
            // The first few of each kind in full, then a count a minute: a flood cannot fill the disk
            // through the log. The total goes to health (redis component) through the stats.
            _stats.Malformed();
            PipelineCounters.InboundRefused(_options.Pipeline.Channels.HealthCheck, HealthCheckRequest.Label(problem));
            if (_refused.Count(_options.Pipeline.Channels.HealthCheck, HealthCheckRequest.Kind(problem)))
            {
                _log.Warning("Ignored a message on {0}: {1}; {2} ignored so far", _options.Pipeline.Channels.HealthCheck, problem, _refused.Total);
            }

            return;
        }

        StartReport();
    }

    /// <summary>Takes the snapshot (the feed answers an Ask, so off this thread) and comes back with it.</summary>
    private void StartReport()
    {
        var feed = ActorRegistry.For(Context.System).TryGet<MarketDataFeed>(out IActorRef? found) ? found : null;
        var member = Cluster.Get(Context.System).SelfMember;
        var snapshot = new HealthSnapshot(_redis.Endpoint, _redis.IsConnected, _stats.RedisDown, _stats.BufferedEvents,
            _stats.PostgresDown, _stats.SpillFailing, _stats.RowsSpilled, member.Status, member.Address.ToString(),
            _options.MarketData.Source.Name(), null,
            _stats.Provider.Assess(_clock.GetUtcNow(), _options.Polygon.UsesEmbeddedStub ? "embedded local stub" : "provider API key configured"),
            PipelineCounters.InboundRefusedTotal, _stats.PatternsDetected, _stats.UptimeSeconds);
        // The feed is a cluster singleton: until this node is Up nobody can answer for it (the source is "starting").
        if (feed is null || member.Status != MemberStatus.Up) Self.Tell(new Snapshot(snapshot));
        else WithFeedAsync(snapshot, feed, _clock.GetUtcNow()).PipeTo(Self, success: s => new Snapshot(s));
    }

    private static async Task<HealthSnapshot> WithFeedAsync(HealthSnapshot snapshot, IActorRef feed, DateTimeOffset now)
    {
        try
        {
            var stats = await feed.Ask<MarketDataFeedQueries.FeedStats>(MarketDataFeedQueries.GetStats.Instance, FeedAnswerTimeout).ConfigureAwait(false);
            return snapshot with
            {
                MarketData = new MarketDataState(stats.Running, stats.Failures, now - stats.LastDeliveredAt)
                {
                    Live = stats.Live,
                    LiveRetryIn = stats.Live?.NextAttemptAt - now,
                },
            };
        }
        catch (AskTimeoutException)
        {
            return snapshot with { MarketData = new MarketDataState(false, -1, null) };
        }
    }

    private void Publish(HealthReport report)
    {
        var message = report.ToMessage(UnixTime.Now(_clock));
        PublishAsync(message).PipeTo(Self, success: () => new Published(null), failure: ex => new Published(ex));
    }

    private async Task PublishAsync(byte[] message)
    {
        var connection = await _redis.GetAsync().ConfigureAwait(false);
        await connection.GetSubscriber().PublishAsync(RedisChannel.Literal(_options.Pipeline.Channels.HealthStatus), message).ConfigureAwait(false);
    }

    private sealed record CheckReceived(byte[] Payload);

    private sealed record Snapshot(HealthSnapshot Value);

    private sealed record SubscribeResult(IConnectionMultiplexer? Connection, Exception? Error);

    private sealed record Published(Exception? Error);

    private sealed class Tick
    {
        public static readonly Tick Instance = new();
    }

    private sealed class ReportRefusals
    {
        public static readonly ReportRefusals Instance = new();
    }

    private sealed class Subscribe
    {
        public static readonly Subscribe Instance = new();
    }
}
