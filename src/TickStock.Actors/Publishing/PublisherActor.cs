using Akka.Actor;
using Akka.Event;
using StackExchange.Redis;
using TickStock.Actors.Configuration;
using TickStock.Actors.Infrastructure;
using TickStock.Core.Contracts;
using static TickStock.Actors.Publishing.PipelineCommands;

namespace TickStock.Actors.Publishing;

/// <summary>
/// Publishes audited pattern events to Redis and keeps the heartbeat keys fresh. Events wait in a
/// bounded queue and leave it only when Redis acknowledged their PUBLISH, so a Redis outage costs
/// nothing but delay (at-least-once: a batch that failed half-way is sent again with the same
/// flow_ids). An event whose expires_at passes while it waits is dropped with a PATTERN_EXPIRED row;
/// beyond the queue's capacity the oldest event is dropped the same way.
/// </summary>
public sealed class PublisherActor : ReceiveActor, IWithTimers
{
    private const string RetryTimer = "retry";
    private const int InlineSerializationLimit = 32;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly RedisConnectionProvider _redis;
    private readonly ProducerStats _stats;
    private readonly PipelineSettings _settings;
    private readonly TimeProvider _clock;
    private readonly LinkedList<PatternEvent> _queue = new();
    private readonly List<IActorRef> _flushWaiters = [];
    private IActorRef _auditLog = ActorRefs.Nobody;
    private PatternChannelPublisher? _publisher;
    private IConnectionMultiplexer? _connection;
    private bool _inFlight;
    private bool _redisDown;
    private SetHeartbeat? _pendingHeartbeat;
    private PublishHealth? _pendingHealth;
    private bool _waitingToRetry;
    private TimeSpan _retry;

    public PublisherActor(RedisConnectionProvider redis, ProducerStats stats, PipelineSettings settings, TimeProvider? clock = null)
    {
        _redis = redis;
        _stats = stats;
        _settings = settings;
        _clock = clock ?? TimeProvider.System;
        _retry = settings.RetryMin;

        Receive<Connected>(OnConnected);
        Receive<UseAuditLog>(m => _auditLog = m.Logger);
        Receive<PublishBatch>(OnBatch);
        Receive<BatchPublished>(OnPublished);
        Receive<BatchFailed>(OnFailed);
        Receive<RetryTick>(_ =>
        {
            _waitingToRetry = false;
            PublishNext();
        });
        Receive<SetHeartbeat>(OnHeartbeat);
        Receive<HeartbeatResult>(OnHeartbeatResult);
        Receive<PublishHealth>(OnHealth);
        Receive<Flush>(_ =>
        {
            _flushWaiters.Add(Sender);
            CheckFlush();
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(RedisConnectionProvider redis, ProducerStats stats, PipelineSettings settings, TimeProvider? clock = null) =>
        Akka.Actor.Props.Create(() => new PublisherActor(redis, stats, settings, clock));

    /// <summary>Tells the Publisher where PATTERN_EXPIRED rows go (the IntegrationLogger is created after it).</summary>
    public sealed record UseAuditLog(IActorRef Logger);

    protected override void PreStart()
    {
        _redis.GetAsync().PipeTo(Self, success: c => new Connected(c));
    }

    private void OnConnected(Connected m)
    {
        _connection = m.Connection;
        _publisher = new PatternChannelPublisher(m.Connection, _settings.Channels);
        var self = Self;
        // The multiplexer reconnects by itself; retry at once when it does instead of waiting out the back-off.
        m.Connection.ConnectionRestored += (_, _) => self.Tell(RetryTick.Instance);
        // Signals that arrived before the connection existed (the start-up heartbeat and health
        // message) are sent now rather than lost.
        if (_pendingHeartbeat is { } beat) OnHeartbeat(beat);
        if (_pendingHealth is { } health) OnHealth(health);
        _pendingHeartbeat = null;
        _pendingHealth = null;
        PublishNext();
    }

    private void OnBatch(PublishBatch m)
    {
        foreach (var e in m.Events) _queue.AddLast(e);
        var overflow = _queue.Count - _settings.RedisBufferCapacity;
        if (overflow > 0)
        {
            var dropped = new List<PatternEvent>(overflow);
            for (var i = 0; i < overflow; i++)
            {
                dropped.Add(_queue.First!.Value);
                _queue.RemoveFirst();
            }

            Expire(dropped, $"publish buffer full ({_settings.RedisBufferCapacity} events) while Redis was unavailable");
        }

        _stats.SetBuffered(_queue.Count);
        PublishNext();
    }

    private void PublishNext()
    {
        if (_publisher is null || _inFlight || _waitingToRetry || _queue.Count == 0)
        {
            CheckFlush();
            return;
        }

        DropExpired();
        if (_queue.Count == 0)
        {
            CheckFlush();
            return;
        }

        var batch = new List<PatternEvent>(Math.Min(_queue.Count, _settings.MaxBatch));
        for (var node = _queue.First; node is not null && batch.Count < _settings.MaxBatch; node = node.Next) batch.Add(node.Value);
        _inFlight = true;
        var publisher = _publisher;
        // A small batch is serialised right here (microseconds; a thread-pool hop would cost more
        // than the work at low rates, where latency counts); a big one on the pool, so this
        // dispatcher thread is not held for milliseconds.
        var publishing = batch.Count <= InlineSerializationLimit
            ? publisher.PublishAsync(batch, _clock)
            : Task.Run(() => publisher.PublishAsync(batch, _clock));
        publishing.PipeTo(Self, success: counts => new BatchPublished(batch.Count, counts), failure: ex => new BatchFailed(ex));
    }

    private void DropExpired()
    {
        var now = UnixTime.Now(_clock);
        List<PatternEvent>? expired = null;
        for (var node = _queue.First; node is not null;)
        {
            var next = node.Next;
            if (node.Value.ExpiresAt < now)
            {
                (expired ??= []).Add(node.Value);
                _queue.Remove(node);
            }

            node = next;
        }

        if (expired is not null) Expire(expired, "expired before Redis could be reached");
    }

    private void Expire(List<PatternEvent> events, string reason)
    {
        _stats.Expired(events.Count);
        _log.Warning("Dropped {0} unpublished pattern events: {1}", events.Count, reason);
        var now = _clock.GetUtcNow();
        foreach (var e in events) _auditLog.Tell(new LogRow(IntegrationRow.Expired(e, reason, now)));
    }

    private void OnPublished(BatchPublished m)
    {
        for (var i = 0; i < m.Count; i++) _queue.RemoveFirst();
        _stats.Published(m.Count);
        _stats.SetBuffered(_queue.Count);
        _inFlight = false;
        MarkRedisUp();
        PublishNext();
    }

    private void OnFailed(BatchFailed m)
    {
        _inFlight = false;
        MarkRedisDown(m.Cause);
        CheckFlush();
    }

    private void MarkRedisUp()
    {
        if (_redisDown)
        {
            _log.Info("Redis is reachable again at {0}; {1} buffered events being published", _redis.Endpoint, _queue.Count);
        }

        _redisDown = false;
        _retry = _settings.RetryMin;
        _stats.SetRedisDown(false);
    }

    private void MarkRedisDown(Exception cause)
    {
        if (!_redisDown)
        {
            _log.Warning("Cannot publish to Redis at {0} ({1}); buffering events (up to {2}) until it is back",
                _redis.Endpoint, cause.Message.Split('\n')[0], _settings.RedisBufferCapacity);
        }

        _redisDown = true;
        _stats.SetRedisDown(true);
        _waitingToRetry = true;
        Timers.StartSingleTimer(RetryTimer, RetryTick.Instance, _retry);
        _retry = TimeSpan.FromTicks(Math.Min(_retry.Ticks * 2, _settings.RetryMax.Ticks));
    }

    private void OnHeartbeat(SetHeartbeat m)
    {
        if (_connection is null)
        {
            _pendingHeartbeat = m;
            return;
        }

        var db = _connection.GetDatabase();
        var value = m.UnixSeconds.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture);
        var keys = _settings.Channels;
        Task.WhenAll(
                db.StringSetAsync(keys.HeartbeatKey, value),
                db.StringSetAsync(keys.LegacyHeartbeatKey, value, TimeSpan.FromSeconds(60)))
            .PipeTo(Self, success: _ => new HeartbeatResult(null), failure: ex => new HeartbeatResult(ex));
    }

    private void OnHeartbeatResult(HeartbeatResult m)
    {
        if (m.Error is null)
        {
            if (_redisDown && _queue.Count == 0) MarkRedisUp();
            return;
        }

        _stats.SetRedisDown(true);
        _log.Debug("Heartbeat not written: {0}", m.Error.Message);
    }

    private void OnHealth(PublishHealth m)
    {
        if (_connection is null)
        {
            _pendingHealth = m;
            return;
        }

        _connection.GetSubscriber().PublishAsync(RedisChannel.Literal(_settings.Channels.HealthStatus), m.Message)
            .PipeTo(Self, success: _ => HealthSent.Instance, failure: ex => new HeartbeatResult(ex));
    }

    private void CheckFlush()
    {
        if (_flushWaiters.Count == 0 || _inFlight) return;
        if (_queue.Count > 0 && !_redisDown && _publisher is not null) return; // still draining
        if (_queue.Count > 0)
        {
            _log.Warning("Stopping with {0} pattern events unpublished: Redis at {1} is unreachable", _queue.Count, _redis.Endpoint);
        }

        foreach (var waiter in _flushWaiters) waiter.Tell(new FlushCompleted(_queue.Count));
        _flushWaiters.Clear();
    }

    protected override void Unhandled(object message)
    {
        if (message is HealthSent) return;
        base.Unhandled(message);
    }

    private sealed record Connected(IConnectionMultiplexer Connection);

    private sealed record BatchPublished(int Count, long[] SubscriberCounts);

    private sealed record BatchFailed(Exception Cause);

    private sealed record HeartbeatResult(Exception? Error);

    private sealed class HealthSent
    {
        public static readonly HealthSent Instance = new();
    }

    private sealed class RetryTick
    {
        public static readonly RetryTick Instance = new();
    }
}
