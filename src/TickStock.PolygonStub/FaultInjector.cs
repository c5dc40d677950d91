using System.Collections.Concurrent;

namespace TickStock.PolygonStub;

/// <summary>Counters for tests and benchmarks (e.g. "no call that is not needed").</summary>
public sealed class PolygonStubStats
{
    private readonly ConcurrentDictionary<int, int> _byStatus = new();
    private long _apiRequests;
    private long _aggregateRequests;
    private long _streamConnections;
    private long _streamEvictions;

    /// <summary>WebSocket connections accepted on <c>/stocks</c>.</summary>
    public long StreamConnections => Interlocked.Read(ref _streamConnections);

    /// <summary>Stream connections closed with <c>max_connections</c> because a newer one used the same key.</summary>
    public long StreamEvictions => Interlocked.Read(ref _streamEvictions);

    internal TimeProvider? MarketClock { get; set; }

    internal void StreamConnected() => Interlocked.Increment(ref _streamConnections);

    internal void StreamEvicted() => Interlocked.Increment(ref _streamEvictions);

    /// <summary>API requests received (every endpoint, faults included).</summary>
    public long ApiRequests => Interlocked.Read(ref _apiRequests);

    /// <summary>Aggregates requests received (faults included).</summary>
    public long AggregateRequests => Interlocked.Read(ref _aggregateRequests);

    /// <summary>Responses by HTTP status.</summary>
    public IReadOnlyDictionary<int, int> ByStatus => _byStatus;

    internal void Request(bool aggregates)
    {
        Interlocked.Increment(ref _apiRequests);
        if (aggregates)
        {
            Interlocked.Increment(ref _aggregateRequests);
        }
    }

    internal void Responded(int status) => _byStatus.AddOrUpdate(status, 1, (_, n) => n + 1);
}

/// <summary>Decides, per request, whether to answer with an injected fault instead of data.</summary>
internal sealed class FaultInjector(PolygonStubFaults faults, TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly Random _random = new(faults.Seed);
    private readonly Dictionary<PathFaultRule, int> _ruleHits = [];
    private readonly Queue<DateTimeOffset> _window = new();
    private int _sequenceIndex;

    /// <summary>The status to inject, or null to serve normally.</summary>
    public int? Decide(string path)
    {
        lock (_gate)
        {
            foreach (var rule in faults.PathRules)
            {
                if (path.Contains(rule.PathContains, StringComparison.Ordinal))
                {
                    var hits = _ruleHits.GetValueOrDefault(rule);
                    if (hits < rule.Times)
                    {
                        _ruleHits[rule] = hits + 1;
                        return rule.StatusCode;
                    }
                }
            }

            if (_sequenceIndex < faults.Sequence.Count)
            {
                var status = faults.Sequence[_sequenceIndex++];
                if (status is not (0 or 200))
                {
                    return status;
                }
            }

            if (faults.Random5xxRate > 0 && _random.NextDouble() < faults.Random5xxRate)
            {
                return 502 + _random.Next(3);
            }

            if (faults.Random429Rate > 0 && _random.NextDouble() < faults.Random429Rate)
            {
                return 429;
            }

            if (faults.RateLimitRequests is { } max)
            {
                var now = time.GetUtcNow();
                while (_window.Count > 0 && now - _window.Peek() >= faults.RateLimitWindow)
                {
                    _window.Dequeue();
                }

                if (_window.Count >= max)
                {
                    return 429;
                }

                _window.Enqueue(now);
            }

            return null;
        }
    }
}
