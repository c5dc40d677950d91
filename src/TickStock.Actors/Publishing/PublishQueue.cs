using TickStock.Core.Contracts;

namespace TickStock.Actors.Publishing;

/// <summary>
/// The Publisher's bounded queue of audited events, pure (no Akka, no Redis) so its decisions are
/// unit-tested. At most one batch is in flight; an event leaves the queue only when Redis
/// acknowledged it, and a failed batch goes back to the front in order (at-least-once). The bound
/// counts every event held, in flight or waiting; beyond it the oldest <em>waiting</em> events are
/// dropped: never one in flight, whose acknowledgement must remove exactly that batch.
/// </summary>
public sealed class PublishQueue
{
    private Queue<PatternEvent> _waiting = new();
    private List<PatternEvent>? _inFlight;

    // No event waiting expires before this (unix seconds): the expiry scan is skipped until then.
    private double _earliestExpiry = double.PositiveInfinity;

    public PublishQueue(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        Capacity = capacity;
    }

    public int Capacity { get; }

    /// <summary>Every event held: waiting and in flight.</summary>
    public int Count => _waiting.Count + InFlightCount;

    public int InFlightCount => _inFlight?.Count ?? 0;

    public bool IsInFlight => _inFlight is not null;

    /// <summary>The batch Redis has not acknowledged yet (empty when none).</summary>
    public IReadOnlyList<PatternEvent> InFlight => (IReadOnlyList<PatternEvent>?)_inFlight ?? [];

    /// <summary>
    /// Queues <paramref name="events"/>; returns the events dropped to stay within the bound, oldest
    /// waiting first (null when none was). Events in flight are never dropped.
    /// </summary>
    public List<PatternEvent>? Add(IReadOnlyList<PatternEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        foreach (var e in events)
        {
            _waiting.Enqueue(e);
            if (e.ExpiresAt < _earliestExpiry) _earliestExpiry = e.ExpiresAt;
        }

        List<PatternEvent>? dropped = null;
        while (Count > Capacity && _waiting.Count > 0) (dropped ??= []).Add(_waiting.Dequeue());
        return dropped;
    }

    /// <summary>
    /// The next batch to publish (up to <paramref name="maxBatch"/> events, oldest first), or null
    /// when one is in flight or nothing waits. Events already past their expires_at at
    /// <paramref name="nowUnix"/> are removed first and returned in <paramref name="expired"/>.
    /// </summary>
    public List<PatternEvent>? TakeBatch(int maxBatch, double nowUnix, out List<PatternEvent>? expired)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBatch);
        expired = null;
        if (_inFlight is not null || _waiting.Count == 0) return null;
        if (nowUnix > _earliestExpiry) expired = RemoveExpired(nowUnix);
        if (_waiting.Count == 0) return null;

        var batch = new List<PatternEvent>(Math.Min(_waiting.Count, maxBatch));
        while (batch.Count < maxBatch && _waiting.TryDequeue(out var e)) batch.Add(e);
        _inFlight = batch;
        return batch;
    }

    /// <summary>Redis took the batch in flight: it leaves the queue. Returns how many events that was.</summary>
    public int Acknowledge()
    {
        var count = InFlightCount;
        _inFlight = null;
        return count;
    }

    /// <summary>The batch in flight failed: back to the front, in order, to be sent again.</summary>
    public void Fail()
    {
        if (_inFlight is null) return;
        var requeued = new Queue<PatternEvent>(_inFlight.Count + _waiting.Count);
        foreach (var e in _inFlight) requeued.Enqueue(e);
        foreach (var e in _waiting) requeued.Enqueue(e);
        _waiting = requeued;
        _inFlight = null;
    }

    private List<PatternEvent>? RemoveExpired(double nowUnix)
    {
        List<PatternEvent>? expired = null;
        var kept = new Queue<PatternEvent>(_waiting.Count);
        _earliestExpiry = double.PositiveInfinity;
        foreach (var e in _waiting)
        {
            if (e.ExpiresAt < nowUnix)
            {
                (expired ??= []).Add(e);
                continue;
            }

            kept.Enqueue(e);
            if (e.ExpiresAt < _earliestExpiry) _earliestExpiry = e.ExpiresAt;
        }

        if (expired is not null) _waiting = kept;
        return expired;
    }
}
