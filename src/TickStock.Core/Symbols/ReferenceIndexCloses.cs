namespace TickStock.Core.Symbols;

/// <summary>One close of the reference index: <see cref="Key"/> is a bar time (unix ms) for minutes or a session date (yyyymmdd) for days.</summary>
public readonly record struct KeyedClose(long Key, double Close);

/// <summary>
/// The reference index's recent closes as one symbol knows them: 1-minute closes keyed by bar time and daily closes keyed
/// by session date, kept sorted by key whatever order they arrive in (a snapshot may come after live closes), bounded
/// to the most recent <c>capacity</c> entries each. Relative strength looks them up when a detection is published, so
/// the reference index's bar may arrive before or after the symbol's own bar of the same time.
/// </summary>
/// <remarks>
/// Thread-safe: the SymbolActors of a node share one store (<c>SymbolActorSettings.ReferenceIndexCloses</c>), so the
/// reference index's closes are held once per node rather than once per symbol (up to 2,560 closes, 40 KB each). One
/// writer per node adds the broadcasts and snapshots (the node's <c>ReferenceIndexFeedActor</c>); the reference index's
/// own state adds its closes as its bars arrive; every other symbol only reads.
/// </remarks>
public sealed class ReferenceIndexCloses
{
    /// <summary>Minute closes kept (≈ 5 sessions: 20 fifteen-minute bars back always resolve).</summary>
    public const int DefaultMinuteCapacity = 2048;

    /// <summary>Daily closes kept.</summary>
    public const int DefaultDailyCapacity = 512;

    private readonly SortedCloses _minutes;
    private readonly SortedCloses _daily;
    private readonly Lock _gate = new();
    private long _batchesAdded;

    /// <summary>Creates an empty store.</summary>
    public ReferenceIndexCloses(int minuteCapacity = DefaultMinuteCapacity, int dailyCapacity = DefaultDailyCapacity)
    {
        _minutes = new SortedCloses(minuteCapacity);
        _daily = new SortedCloses(dailyCapacity);
    }

    /// <summary>Minute closes held.</summary>
    public int MinuteCount
    {
        get
        {
            lock (_gate) return _minutes.Count;
        }
    }

    /// <summary>Daily closes held.</summary>
    public int DailyCount
    {
        get
        {
            lock (_gate) return _daily.Count;
        }
    }

    /// <summary>
    /// Diagnostic: calls of <see cref="Add"/> so far (one per update or snapshot applied). Shows, in tests and when
    /// debugging, that each update is written once per store rather than once per reader.
    /// </summary>
    public long BatchesAdded
    {
        get
        {
            lock (_gate) return _batchesAdded;
        }
    }

    /// <summary>Adds (or replaces) the close of the reference index's 1-minute bar starting at <paramref name="timeMs"/>.</summary>
    public void AddMinute(long timeMs, double close)
    {
        lock (_gate) _minutes.Set(timeMs, close);
    }

    /// <summary>Adds (or replaces) the reference index's daily close of <paramref name="sessionDate"/> (yyyymmdd).</summary>
    public void AddDaily(int sessionDate, double close)
    {
        lock (_gate) _daily.Set(sessionDate, close);
    }

    /// <summary>Adds every close of a batch (broadcast or snapshot).</summary>
    public void Add(IReadOnlyList<KeyedClose> minutes, IReadOnlyList<KeyedClose> daily)
    {
        ArgumentNullException.ThrowIfNull(minutes);
        ArgumentNullException.ThrowIfNull(daily);
        lock (_gate)
        {
            _batchesAdded++;
            for (int i = 0; i < minutes.Count; i++) _minutes.Set(minutes[i].Key, minutes[i].Close);
            for (int i = 0; i < daily.Count; i++) _daily.Set(daily[i].Key, daily[i].Close);
        }
    }

    /// <summary>
    /// The close of the latest reference index minute starting at or before <paramref name="timeMs"/>, if it started at most
    /// <paramref name="maxAgeMs"/> earlier (a stale close from another session is not used).
    /// </summary>
    public bool TryMinuteAsOf(long timeMs, long maxAgeMs, out double close)
    {
        lock (_gate) return _minutes.TryAsOf(timeMs, maxAgeMs, out close);
    }

    /// <summary>The reference index's daily close of exactly <paramref name="sessionDate"/>.</summary>
    public bool TryDaily(int sessionDate, out double close)
    {
        lock (_gate) return _daily.TryAsOf(sessionDate, 0, out close);
    }

    /// <summary>Minute closes with a key greater than <paramref name="afterKey"/>, oldest first.</summary>
    public List<KeyedClose> MinutesAfter(long afterKey)
    {
        lock (_gate) return _minutes.After(afterKey);
    }

    /// <summary>Daily closes with a key greater than <paramref name="afterKey"/>, oldest first.</summary>
    public List<KeyedClose> DailyAfter(long afterKey)
    {
        lock (_gate) return _daily.After(afterKey);
    }

    /// <summary>Key-sorted closes, appended in O(1) when in order, inserted otherwise; oldest dropped past capacity.</summary>
    private sealed class SortedCloses(int capacity)
    {
        // Grown as closes arrive (every symbol holds one of these; most never reach the capacity).
        private readonly List<long> _keys = [];
        private readonly List<double> _closes = [];

        public int Count => _keys.Count;

        public void Set(long key, double close)
        {
            if (!double.IsFinite(close) || close <= 0)
            {
                return;
            }

            if (_keys.Count == 0 || key > _keys[^1])
            {
                _keys.Add(key);
                _closes.Add(close);
            }
            else
            {
                int at = _keys.BinarySearch(key);
                if (at >= 0)
                {
                    _closes[at] = close;
                    return;
                }

                _keys.Insert(~at, key);
                _closes.Insert(~at, close);
            }

            // Trim in chunks so the shift is amortised.
            if (_keys.Count > capacity + Math.Max(16, capacity / 8))
            {
                int drop = _keys.Count - capacity;
                _keys.RemoveRange(0, drop);
                _closes.RemoveRange(0, drop);
            }
        }

        public bool TryAsOf(long key, long maxAge, out double close)
        {
            close = double.NaN;
            int at = _keys.BinarySearch(key);
            if (at < 0)
            {
                at = ~at - 1; // the last key below
            }

            if (at < 0 || key - _keys[at] > maxAge)
            {
                return false;
            }

            close = _closes[at];
            return true;
        }

        public List<KeyedClose> After(long afterKey)
        {
            int at = _keys.BinarySearch(afterKey);
            at = at >= 0 ? at + 1 : ~at;
            var result = new List<KeyedClose>(_keys.Count - at);
            for (int i = at; i < _keys.Count; i++) result.Add(new KeyedClose(_keys[i], _closes[i]));
            return result;
        }
    }
}
