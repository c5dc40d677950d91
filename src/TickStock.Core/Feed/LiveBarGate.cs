using TickStock.Core.Calendar;

namespace TickStock.Core.Feed;

/// <summary>
/// The minutes a reconnect may have missed: every subscribed symbol's bars starting in [<see cref="FromMs"/>,
/// <see cref="ToMs"/>). For the first bar of a run (<see cref="AtStart"/>) the range is the session so far, and each
/// symbol's own start comes from what its SymbolActor already holds (<see cref="StartBackfill.From"/>).
/// </summary>
public sealed record BackfillRequest(long FromMs, long ToMs, IReadOnlyList<string> Symbols)
{
    /// <summary>Opened by the first bar of a run: the source asks the SymbolActors for their last minute first.</summary>
    public bool AtStart { get; init; }
}

/// <summary>What a source back-fills when it starts (TICKSTOCK_FEED_BACKFILL).</summary>
public enum FeedBackfillMode
{
    /// <summary>Each symbol's minutes of today's regular session after its SymbolActor's last one; all of them for a symbol without any.</summary>
    Session,

    /// <summary>Only the minutes after a SymbolActor's last one of today's session (a hand-over); symbols without any start live.</summary>
    Gap,

    /// <summary>No back-fill at start and no question to the SymbolActors (reconnects are still back-filled).</summary>
    Off,
}

/// <summary>The start back-fill's rule for one symbol. Pure.</summary>
public static class StartBackfill
{
    private const long MinuteMs = 60_000;

    /// <summary>
    /// Where <paramref name="symbol"/>'s back-fill of <paramref name="request"/> starts (null: nothing to fetch), given
    /// the start of the last minute its SymbolActor holds (<paramref name="lastHeldMs"/>, null when none). Only a
    /// minute inside the request (today's session so far) counts as held: an older one leaves the whole session to
    /// fetch in <see cref="FeedBackfillMode.Session"/> mode and nothing in <see cref="FeedBackfillMode.Gap"/> mode.
    /// </summary>
    public static long? From(FeedBackfillMode mode, BackfillRequest request, long? lastHeldMs)
    {
        ArgumentNullException.ThrowIfNull(request);
        long from;
        if (lastHeldMs is { } last && last >= request.FromMs) from = last + MinuteMs;
        else if (mode == FeedBackfillMode.Session) from = request.FromMs;
        else return null;
        return from < request.ToMs ? from : null;
    }
}

/// <summary>
/// Decides which minute aggregates of the live stream reach the SymbolActors, across reconnects. Pure: the source
/// calls it from one thread and does the I/O.
/// <list type="bullet">
/// <item>A bar is delivered at most once per symbol and start, and only in time order: a bar whose start is not after
/// the symbol's last one is a duplicate (a reconnect replaying a minute, or a back-filled minute arriving live). The
/// SymbolActors drop out-of-order bars anyway; here they are counted instead of silently lost.</item>
/// <item>After a reconnect, the first bar of a later minute than the last one seen reveals a gap: every subscribed
/// symbol is asked for [last minute seen, that bar's minute) from the REST aggregates (the last minute seen too,
/// because a connection cut inside a burst loses part of it). Until a symbol's back-fill arrives its live bars are
/// held, so the back-filled minutes go first and the detectors' windows stay whole and in order.</item>
/// <item>Only regular-session bars (09:30 to the close, early closes included) are delivered by default: pre- and
/// after-market minutes are thin, and the session detectors (high/low of day, VWAP, volume baselines) are defined on
/// the regular session, as the synthetic and replayed sources feed them. They are counted.</item>
/// </list>
/// </summary>
public sealed class LiveBarGate
{
    private readonly HashSet<string> _universe;
    private readonly bool _extendedHours;
    private readonly int _holdLimit;
    private readonly Dictionary<string, long> _lastDelivered = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<MinuteAggregate>> _held = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Pending> _pending = new(StringComparer.Ordinal);
    private long _marketMinute = long.MinValue;
    private bool _reconnected;
    private bool _runStarted;
    private int _heldCount;

    /// <param name="universe">The subscribed symbols (upper case).</param>
    /// <param name="extendedHours">Deliver pre- and after-market bars too.</param>
    /// <param name="holdLimit">Live bars held for pending back-fills at most; beyond it the back-fills are given up and everything held is released.</param>
    public LiveBarGate(IEnumerable<string> universe, bool extendedHours = false, int holdLimit = 200_000)
    {
        ArgumentNullException.ThrowIfNull(universe);
        _universe = new HashSet<string>(universe, StringComparer.Ordinal);
        _extendedHours = extendedHours;
        _holdLimit = holdLimit;
    }

    public long Delivered { get; private set; }

    public long Duplicates { get; private set; }

    public long OutsideSession { get; private set; }

    public long Backfilled { get; private set; }

    /// <summary>Symbols whose back-fill was given up (REST failure, or the hold limit).</summary>
    public long BackfillsAbandoned { get; private set; }

    /// <summary>Symbols waiting for their back-fill.</summary>
    public int PendingBackfills => _pending.Count;

    /// <summary>Start of the latest minute seen on the stream (Unix ms), or null before the first bar.</summary>
    public long? MarketMinute => _marketMinute == long.MinValue ? null : _marketMinute;

    public bool IsSubscribed(string symbol) => _universe.Contains(symbol);

    /// <summary>The connection dropped: the next bar of a later minute opens a back-fill.</summary>
    public void ConnectionLost()
    {
        if (_marketMinute != long.MinValue) _reconnected = true;
    }

    /// <summary>
    /// A run of the source starts (a fresh source, the feed singleton moved here, or the stream restarted). What this
    /// gate remembers may be older than what the SymbolActors hold (another node fed them meanwhile), so with
    /// <paramref name="backfillAtStart"/> the first bar opens a start back-fill (<see cref="BackfillRequest.AtStart"/>):
    /// the session so far, each symbol from after the minute its SymbolActor holds. Back-fills pending from an earlier
    /// run are given up (their results went to that run): without a start back-fill their held bars go on at once.
    /// </summary>
    public void RunStarted(bool backfillAtStart, List<MinuteAggregate> deliver)
    {
        ArgumentNullException.ThrowIfNull(deliver);
        if (!backfillAtStart) ReleaseAll(deliver);
        else
        {
            // Not lost: the start back-fill fetches them again, from what the SymbolActors hold.
            _pending.Clear();
            _held.Clear();
            _heldCount = 0;
        }

        _runStarted = backfillAtStart;
    }

    /// <summary>A live bar: appends what may be delivered now; returns a back-fill to start when this bar reveals a gap.</summary>
    public BackfillRequest? OnLive(in MinuteAggregate bar, List<MinuteAggregate> deliver)
    {
        ArgumentNullException.ThrowIfNull(deliver);
        BackfillRequest? request = null;
        var start = DateTimeOffset.FromUnixTimeMilliseconds(bar.StartMs);
        if (_runStarted && NyseCalendar.IsInRegularSession(start))
        {
            // The session so far, from its open to this bar's minute. Before the open (and after the close) the
            // SymbolActors get nothing, so the start back-fill waits for the first regular-session bar.
            _runStarted = false;
            _reconnected = false;
            var open = EasternTime.FromEastern(EasternTime.EasternDate(start), NyseCalendar.RegularOpen).ToUnixTimeMilliseconds();
            request = Open(new BackfillRequest(open, bar.StartMs, [.. _universe.Order(StringComparer.Ordinal)]) { AtStart = true });
        }
        else if (_reconnected && bar.StartMs > _marketMinute)
        {
            _reconnected = false;
            request = Open(new BackfillRequest(_marketMinute, bar.StartMs, [.. _universe.Order(StringComparer.Ordinal)]));
        }

        if (bar.StartMs > _marketMinute) _marketMinute = bar.StartMs;
        if (bar.StartMs <= LastSeen(bar.Symbol))
        {
            Duplicates++;
            return request;
        }

        if (_pending.ContainsKey(bar.Symbol))
        {
            if (!_held.TryGetValue(bar.Symbol, out var held)) _held[bar.Symbol] = held = [];
            held.Add(bar);
            if (++_heldCount > _holdLimit) ReleaseAll(deliver);
            return request;
        }

        Emit(bar, deliver);
        return request;
    }

    /// <summary>
    /// A symbol's back-fill of <paramref name="request"/> arrived (any order). Once every back-fill open for the symbol
    /// has (a drop during a long start back-fill opens a second one), the missed bars go out in time order, then the
    /// held live ones. <paramref name="heldElsewhereMs"/>: the start of the last minute its SymbolActor already holds (a
    /// start back-fill), so neither a back-filled nor a live bar up to it is delivered again.
    /// </summary>
    public void OnBackfill(BackfillRequest request, string symbol, IEnumerable<MinuteAggregate> bars, List<MinuteAggregate> deliver, long? heldElsewhereMs = null)
    {
        ArgumentNullException.ThrowIfNull(bars);
        ArgumentNullException.ThrowIfNull(deliver);
        if (!_pending.TryGetValue(symbol, out var pending) || !pending.Open.Remove(request)) return;
        pending.HeldElsewhereMs = Math.Max(pending.HeldElsewhereMs, heldElsewhereMs ?? long.MinValue);
        pending.Fetched.AddRange(bars.Where(b => b.StartMs >= request.FromMs && b.StartMs < request.ToMs));
        if (pending.Open.Count == 0) Finish(symbol, pending, deliver);
    }

    /// <summary>A symbol's back-fill of <paramref name="request"/> failed: its held live bars go on without it (those up to <paramref name="heldElsewhereMs"/>, which its SymbolActor holds, are not).</summary>
    public void OnBackfillFailed(BackfillRequest request, string symbol, List<MinuteAggregate> deliver, long? heldElsewhereMs = null)
    {
        ArgumentNullException.ThrowIfNull(deliver);
        if (!_pending.TryGetValue(symbol, out var pending) || !pending.Open.Remove(request)) return;
        pending.HeldElsewhereMs = Math.Max(pending.HeldElsewhereMs, heldElsewhereMs ?? long.MinValue);
        BackfillsAbandoned++;
        if (pending.Open.Count == 0) Finish(symbol, pending, deliver);
    }

    private BackfillRequest Open(BackfillRequest request)
    {
        foreach (var symbol in request.Symbols)
        {
            if (!_pending.TryGetValue(symbol, out var pending)) _pending[symbol] = pending = new Pending();
            pending.Open.Add(request);
        }

        return request;
    }

    /// <summary>Every back-fill of the symbol is in: what they fetched in time order, then the held live bars, each minute once.</summary>
    private void Finish(string symbol, Pending pending, List<MinuteAggregate> deliver)
    {
        _pending.Remove(symbol);
        if (pending.HeldElsewhereMs > LastDeliveredOf(symbol)) _lastDelivered[symbol] = pending.HeldElsewhereMs;
        foreach (var bar in pending.Fetched.OrderBy(b => b.StartMs))
        {
            if (bar.StartMs <= LastDeliveredOf(symbol))
            {
                Duplicates++;
                continue;
            }

            if (Emit(bar, deliver)) Backfilled++;
        }

        Release(symbol, deliver);
    }

    private void ReleaseAll(List<MinuteAggregate> deliver)
    {
        foreach (var (symbol, pending) in _pending.ToList())
        {
            BackfillsAbandoned++;
            Finish(symbol, pending, deliver);
        }
    }

    private void Release(string symbol, List<MinuteAggregate> deliver)
    {
        if (!_held.Remove(symbol, out var held)) return;
        _heldCount -= held.Count;
        foreach (var bar in held)
        {
            if (bar.StartMs <= LastDeliveredOf(symbol)) Duplicates++;
            else Emit(bar, deliver);
        }
    }

    private bool Emit(in MinuteAggregate bar, List<MinuteAggregate> deliver)
    {
        _lastDelivered[bar.Symbol] = bar.StartMs;
        if (!_extendedHours && !NyseCalendar.IsInRegularSession(DateTimeOffset.FromUnixTimeMilliseconds(bar.StartMs)))
        {
            OutsideSession++;
            return false;
        }

        Delivered++;
        deliver.Add(bar);
        return true;
    }

    /// <summary>A symbol's back-fills in flight (by identity: a late answer to a given-up one is ignored) and what the finished ones fetched.</summary>
    private sealed class Pending
    {
        public HashSet<BackfillRequest> Open { get; } = new(ReferenceEqualityComparer.Instance);

        public List<MinuteAggregate> Fetched { get; } = [];

        public long HeldElsewhereMs { get; set; } = long.MinValue;
    }

    private long LastDeliveredOf(string symbol) => _lastDelivered.TryGetValue(symbol, out var last) ? last : long.MinValue;

    private long LastSeen(string symbol) =>
        _held.TryGetValue(symbol, out var held) && held.Count > 0 ? held[^1].StartMs : LastDeliveredOf(symbol);
}
