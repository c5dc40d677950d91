using TickStock.Core.Feed;

namespace TickStock.Actors.MarketData;

/// <summary>Where the provider's stream connection stands.</summary>
public enum LiveFeedState
{
    Connecting,
    Authenticating,
    Streaming,
    WaitingToReconnect,
    Stopped,
}

/// <summary>Why the stream is not streaming, when the provider said so (null problem: a network cause or none).</summary>
public enum LiveFeedProblem
{
    None,

    /// <summary><c>auth_failed</c>: the key was rejected. Retried slowly (minutes), never in a loop.</summary>
    AuthFailed,

    /// <summary><c>max_connections</c>: another process connected with this API key and the provider closed ours.</summary>
    MaxConnections,

    /// <summary>Could not connect, the connection broke, or the provider went silent (no pong).</summary>
    Connection,
}

/// <summary>A copy of the live source's state for health, <c>/v1/feed</c> and tests.</summary>
public sealed record LiveFeedStatus(
    string Url,
    LiveFeedState State,
    LiveFeedProblem Problem,
    string? Reason,
    DateTimeOffset? NextAttemptAt,
    int Subscribed,
    long Connections,
    long Reconnects,
    long BarsReceived,
    long Delivered,
    long Duplicates,
    long OutsideSession,
    long Backfilled,
    long BackfillsAbandoned,
    long? LastBarEndMs,
    IReadOnlyDictionary<string, long> BadFrames,
    string? LastDisconnect)
{
    public bool Connected => State == LiveFeedState.Streaming;

    public long BadFramesTotal => BadFrames.Values.Sum();
}

/// <summary>
/// The live source's counters and state, written by the source's one consumer loop and read (as a
/// <see cref="LiveFeedStatus"/>) by the feed actor when asked. A lock keeps each snapshot consistent; nothing on the
/// hot path takes it more than once per frame.
/// </summary>
public sealed class LiveFeedMonitor
{
    private readonly Lock _gate = new();
    private readonly long[] _badFrames = new long[BadFrameKinds.All.Count];
    private string _url = string.Empty;
    private LiveFeedState _state = LiveFeedState.Connecting;
    private LiveFeedProblem _problem;
    private string? _reason;
    private string? _lastDisconnect;
    private DateTimeOffset? _nextAttemptAt;
    private int _subscribed;
    private long _connections;
    private long _reconnects;
    private long _received;
    private long? _lastBarEndMs;
    private (long Delivered, long Duplicates, long OutsideSession, long Backfilled, long Abandoned) _counts;

    public LiveFeedStatus Snapshot()
    {
        lock (_gate)
        {
            var bad = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var kind in BadFrameKinds.All) bad[kind.Name()] = _badFrames[(int)kind];
            return new LiveFeedStatus(_url, _state, _problem, _reason, _nextAttemptAt, _subscribed, _connections, _reconnects, _received,
                _counts.Delivered, _counts.Duplicates, _counts.OutsideSession, _counts.Backfilled, _counts.Abandoned, _lastBarEndMs, bad, _lastDisconnect);
        }
    }

    internal void Connecting(string url)
    {
        lock (_gate)
        {
            _url = url;
            _state = LiveFeedState.Connecting;
            _nextAttemptAt = null;
            _subscribed = 0;
        }
    }

    internal void Connected()
    {
        lock (_gate)
        {
            _state = LiveFeedState.Authenticating;
            _connections++;
        }
    }

    internal void Streaming()
    {
        lock (_gate)
        {
            _state = LiveFeedState.Streaming;
            _problem = LiveFeedProblem.None;
            _reason = null;
        }
    }

    internal void Subscribed(int topics)
    {
        lock (_gate) _subscribed += topics;
    }

    internal void Disconnected(LiveFeedProblem problem, string reason, DateTimeOffset nextAttemptAt, bool wasConnected)
    {
        lock (_gate)
        {
            _state = LiveFeedState.WaitingToReconnect;
            _problem = problem;
            _reason = reason;
            _lastDisconnect = reason;
            _nextAttemptAt = nextAttemptAt;
            _subscribed = 0;
            if (wasConnected) _reconnects++;
        }
    }

    internal void Stopped()
    {
        lock (_gate)
        {
            _state = LiveFeedState.Stopped;
            _nextAttemptAt = null;
        }
    }

    internal void Frame(int bars, long? lastBarEndMs, LiveBarGate gate, IReadOnlyList<BadInput> refused)
    {
        lock (_gate)
        {
            _received += bars;
            if (lastBarEndMs is { } end && (_lastBarEndMs is null || end > _lastBarEndMs)) _lastBarEndMs = end;
            foreach (var bad in refused) _badFrames[(int)bad.Kind]++;
            _counts = (gate.Delivered, gate.Duplicates, gate.OutsideSession, gate.Backfilled, gate.BackfillsAbandoned);
        }
    }
}
