using Akka.Actor;
using Akka.Event;

namespace TickStock.Actors.Publishing;

/// <summary>
/// The IntegrationLogger's watch over rows committed without waiting for PostgreSQL's WAL flush
/// (<see cref="UnflushedRows"/>): while any are held a flush check is always coming (the write
/// stream may pause at any time), and rows that may have been lost (the server restarted, or failed
/// before reporting them flushed) go to the spill file (<see cref="AuditSpillActor"/>), whose drain
/// inserts them where missing. Runs on the logger's thread only; the answers of its queries come
/// back to the logger as the messages below, which the logger hands back to it.
/// </summary>
internal sealed class FlushWatch(IIntegrationEventStore store, IActorRef spill, ProducerStats stats, ILoggingAdapter log,
    TimeSpan checkInterval, IActorRef self, ITimerScheduler timers)
{
    private const string CheckTimer = "flush-check";
    private readonly UnflushedRows _rows = new();
    private bool _checkRunning;

    /// <summary>A batch committed without waiting for its flush, and the flush position seen right after.</summary>
    public void Committed(DeferredCommit commit, IReadOnlyList<IntegrationRow> rows)
    {
        _rows.Hold(commit.Commit, rows);
        Observe(commit.Flushed);
    }

    /// <summary>A flush position from the server: lets go of the rows it makes durable.</summary>
    public void Observe(WalPoint flushed)
    {
        _rows.Release(flushed, out var uncertain);
        if (uncertain is not null)
        {
            // The server restarted since those rows were committed: a crash may have taken them.
            log.Warning("PostgreSQL restarted while {0} audit rows were committed but not yet flushed; inserting them again where missing", uncertain.Count);
            SpillUncertain(uncertain);
        }

        stats.SetUnflushedRows(_rows.RowCount);
        EnsureCheck();
    }

    public void OnObserved(Observed m)
    {
        _checkRunning = false;
        Observe(m.Flushed);
    }

    public void OnCheckFailed() => _checkRunning = false;

    /// <summary>While rows wait for their flush, a check is always coming.</summary>
    public void EnsureCheck()
    {
        if (!_rows.IsEmpty && !_checkRunning && !timers.IsTimerActive(CheckTimer)) timers.StartSingleTimer(CheckTimer, Check.Instance, checkInterval);
    }

    /// <summary>No write has reported a flush position lately (the stream paused): ask the server.</summary>
    public void StartCheck(bool canQuery)
    {
        if (!canQuery || _rows.IsEmpty || _checkRunning) return;
        _checkRunning = true;
        store.FlushedAsync().PipeTo(self, success: p => new Observed(p), failure: ex => new CheckFailed(ex));
    }

    /// <summary>The database failed: none of the held rows is known durable; spill them all.</summary>
    public void SpillAll()
    {
        if (_rows.IsEmpty) return;
        SpillUncertain(_rows.TakeAll());
        stats.SetUnflushedRows(0);
    }

    /// <summary>Stopping: every held batch with its commit point, for the stop to make durable (<see cref="ProducerStopRecorder"/>).</summary>
    public UnflushedRows TakeAll()
    {
        stats.SetUnflushedRows(0);
        return _rows.MoveOut();
    }

    /// <summary>Through the spill file, whose drain inserts only the rows not already in the table.</summary>
    private void SpillUncertain(List<IntegrationRow> rows) =>
        spill.Tell(new AuditSpillCommands.Spill(rows.ConvertAll(row => new PendingRow(row, null))));

    public sealed class Check
    {
        public static readonly Check Instance = new();
    }

    public sealed record Observed(WalPoint Flushed);

    public sealed record CheckFailed(Exception Cause);
}
