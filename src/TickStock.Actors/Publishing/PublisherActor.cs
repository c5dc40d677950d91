using Akka.Actor;
using Akka.Event;
using StackExchange.Redis;
using TickStock.Actors.Configuration;
using TickStock.Actors.Diagnostics;
using TickStock.Actors.Infrastructure;
using TickStock.Core.Contracts;
using TickStock.Core.Retry;
using static TickStock.Actors.Publishing.PipelineCommands;

namespace TickStock.Actors.Publishing;

/// <summary>
/// Publishes audited pattern events to Redis. Events wait in a bounded <see cref="PublishQueue"/>
/// and leave it only when Redis acknowledged their PUBLISH, so a Redis outage costs nothing but
/// delay (at-least-once: a batch that failed half-way is sent again with the same flow_ids). Events
/// dropped unpublished (expired, or beyond the bound) are reported to the parent, which has their
/// PATTERN_EXPIRED rows written. A child of <see cref="PatternPipelineActor"/>.
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
    private readonly PublishQueue _queue;
    private readonly List<IActorRef> _flushWaiters = [];
    private PatternChannelPublisher? _channel;
    private Backoff _retry;
    private bool _redisDown;
    private bool _waitingToRetry;

    public PublisherActor(RedisConnectionProvider redis, ProducerStats stats, PipelineSettings settings, TimeProvider? clock = null)
    {
        _redis = redis;
        _stats = stats;
        _settings = settings;
        _clock = clock ?? TimeProvider.System;
        _queue = new PublishQueue(settings.RedisBufferCapacity);
        _retry = new Backoff(settings.RetryMin, settings.RetryMax);

        Receive<Connected>(OnConnected);
        Receive<PublishBatch>(OnBatch);
        Receive<BatchPublished>(OnPublished);
        Receive<BatchFailed>(OnFailed);
        Receive<RetryTick>(_ =>
        {
            _waitingToRetry = false;
            PublishNext();
        });
        Receive<Flush>(_ =>
        {
            _flushWaiters.Add(Sender);
            CheckFlush();
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(RedisConnectionProvider redis, ProducerStats stats, PipelineSettings settings, TimeProvider? clock = null) =>
        Akka.Actor.Props.Create(() => new PublisherActor(redis, stats, settings, clock));

    protected override void PreStart()
    {
        _redis.GetAsync().PipeTo(Self, success: c => new Connected(c));
    }

    private void OnConnected(Connected m)
    {
        _channel = new PatternChannelPublisher(m.Connection, _settings.Channels);
        var self = Self;
        // The multiplexer reconnects by itself; retry at once when it does instead of waiting out the back-off.
        m.Connection.ConnectionRestored += (_, _) => self.Tell(RetryTick.Instance);
        PublishNext();
    }

    private void OnBatch(PublishBatch m)
    {
        if (_queue.Add(m.Events) is { } dropped) Drop(dropped, ExpiryReasons.BufferFull);
        _stats.SetBuffered(_queue.Count);
        PublishNext();
    }

    private void PublishNext()
    {
        if (_channel is null || _waitingToRetry)
        {
            CheckFlush();
            return;
        }

        var batch = _queue.TakeBatch(_settings.MaxBatch, UnixTime.Now(_clock), out var expired);
        if (expired is not null)
        {
            Drop(expired, ExpiryReasons.Expired);
            _stats.SetBuffered(_queue.Count);
        }

        if (batch is null)
        {
            // Nothing left to prove Redis is back with (the backlog expired): the connection says so.
            if (_redisDown && _redis.IsConnected) MarkRedisUp();
            CheckFlush();
            return;
        }

        var channel = _channel;
        // A small batch is serialised right here (microseconds; a thread-pool hop would cost more
        // than the work at low rates, where latency counts); a big one on the pool, so this
        // dispatcher thread is not held for milliseconds.
        var publishing = batch.Count <= InlineSerializationLimit
            ? channel.PublishAsync(batch, _clock)
            : Task.Run(() => channel.PublishAsync(batch, _clock));
        publishing.PipeTo(Self, success: _ => BatchPublished.Instance, failure: ex => new BatchFailed(ex));
    }

    private void Drop(List<PatternEvent> events, string reason)
    {
        _stats.Expired(events.Count);
        _log.Warning("Dropped {0} unpublished pattern events ({1}); queue bound {2} events", events.Count, reason, _queue.Capacity);
        Context.Parent.Tell(new PublisherEvents.EventsDropped(events, reason, _clock.GetUtcNow()));
    }

    private void OnPublished(BatchPublished m)
    {
        RecordAcknowledged(_queue.InFlight);
        _stats.Published(_queue.Acknowledge());
        _stats.SetBuffered(_queue.Count);
        MarkRedisUp();
        PublishNext();
    }

    private void MarkRedisUp()
    {
        if (_redisDown) _log.Info("Redis is reachable again at {0}; {1} buffered events being published", _redis.Endpoint, _queue.Count);
        _redisDown = false;
        _stats.SetRedisDown(false);
        _retry.Reset();
    }

    /// <summary>Per-tier counts and detection → acknowledgement latency: one pass over the batch, a handful of interlocked adds.</summary>
    private void RecordAcknowledged(IReadOnlyList<PatternEvent> batch)
    {
        Span<int> byTier = stackalloc int[PipelineCounters.Tiers.Count];
        var now = UnixTime.Now(_clock);
        for (var i = 0; i < batch.Count; i++)
        {
            var e = batch[i];
            var tier = PipelineCounters.TierIndex(e.Tier);
            if (tier >= 0) byTier[tier]++;
            TickStockMetrics.RecordPublishLatency(now - e.DetectedAt);
        }

        for (var i = 0; i < byTier.Length; i++) PipelineCounters.PublishedAdd(i, byTier[i]);
    }

    private void OnFailed(BatchFailed m)
    {
        _queue.Fail();
        if (!_redisDown)
        {
            _log.Warning("Cannot publish to Redis at {0} ({1}); buffering events (up to {2}) until it is back",
                _redis.Endpoint, m.Cause.Message.Split('\n')[0], _queue.Capacity);
        }

        _redisDown = true;
        _stats.SetRedisDown(true);
        _waitingToRetry = true;
        Timers.StartSingleTimer(RetryTimer, RetryTick.Instance, _retry.Next());
        CheckFlush();
    }

    private void CheckFlush()
    {
        if (_flushWaiters.Count == 0 || _queue.IsInFlight) return;
        if (_queue.Count > 0 && !_redisDown && _channel is not null) return; // still draining
        if (_queue.Count > 0)
        {
            _log.Warning("Stopping with {0} pattern events unpublished: Redis at {1} is unreachable", _queue.Count, _redis.Endpoint);
        }

        foreach (var waiter in _flushWaiters) waiter.Tell(new FlushCompleted(_queue.Count));
        _flushWaiters.Clear();
    }

    private sealed record Connected(IConnectionMultiplexer Connection);

    private sealed class BatchPublished
    {
        public static readonly BatchPublished Instance = new();
    }

    private sealed record BatchFailed(Exception Cause);

    private sealed class RetryTick
    {
        public static readonly RetryTick Instance = new();
    }
}
