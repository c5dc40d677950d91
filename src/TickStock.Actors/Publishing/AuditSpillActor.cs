using Akka.Actor;
using Akka.Event;
using TickStock.Actors.Configuration;
using TickStock.Core.Retry;
using static TickStock.Actors.Publishing.AuditSpillCommands;
using static TickStock.Actors.Publishing.PendingRow;

namespace TickStock.Actors.Publishing;

/// <summary>
/// The IntegrationLogger's fall-back while PostgreSQL is unreachable (contract §3.2: delivery beats
/// audit). Rows arrive here instead of the database; each batch is appended to the spill file and
/// then its events go to the Publisher. On a back-off it pings PostgreSQL: once it answers, the
/// logger hears <see cref="DatabaseBack"/> at once, and the spill file is inserted with the rows'
/// original timestamps (only rows not already there). States: <b>Spilling</b>; <b>Holding</b> (the
/// disk fails too: events go on at once, rows wait in memory up to SpillMemoryCapacity, and both
/// the database and the disk are retried on the back-off, logged once per change, not per try);
/// <b>Draining</b> (new rows wait); <b>Stopped</b>. A child of the logger, off the events' path
/// while the database answers.
/// </summary>
public sealed class AuditSpillActor : ReceiveActor, IWithTimers
{
    private const string RetryTimer = "retry";
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly IIntegrationEventStore _store;
    private readonly SpillFile _spill;
    private readonly IActorRef _publisher;
    private readonly ProducerStats _stats;
    private readonly PipelineSettings _settings;
    private readonly AuditBacklog _rows;
    private Backoff _retry;
    private IActorRef? _stopAsker;

    public AuditSpillActor(IIntegrationEventStore store, SpillFile spill, IActorRef publisher, ProducerStats stats, PipelineSettings settings)
    {
        _store = store;
        _spill = spill;
        _publisher = publisher;
        _stats = stats;
        _settings = settings;
        _rows = new AuditBacklog(settings.SpillMemoryCapacity);
        _retry = new Backoff(settings.RetryMin, settings.RetryMax);
        Become(Spilling);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IIntegrationEventStore store, SpillFile spill, IActorRef publisher, ProducerStats stats, PipelineSettings settings) =>
        Akka.Actor.Props.Create(() => new AuditSpillActor(store, spill, publisher, stats, settings));

    protected override void PreStart()
    {
        if (!_spill.HasRows) return;
        _stats.SetSpillRowsHeld(_spill.RowsHeld);
        _log.Info("Found audit rows spilled by an earlier run in {0}; inserting them", _spill.Path);
        Self.Tell(RetryTick.Instance);
    }

    private void Spilling()
    {
        Receive<RetryTick>(_ => StartDrain());
        Shared(StartAppend);
    }

    private void Holding()
    {
        // The database first, whatever the disk does; the disk is tried again after the drain.
        Receive<RetryTick>(_ => StartDrain());
        Shared(ReleaseEvents);
    }

    private void Draining()
    {
        Receive<DrainOutcome>(OnDrainOutcome);
        Receive<RetryTick>(_ => { });
        Receive<Stop>(_ =>
        {
            _stopAsker = Sender; // answered when the drain is done
            Timers.CancelAll();
        });
        Shared(() => { });
    }

    private void Stopped()
    {
        Receive<RetryTick>(_ => { });
        Shared(StartAppend);
    }

    /// <param name="startNext">What the state does with waiting rows: append, release their events, or wait.</param>
    private void Shared(Action startNext)
    {
        Receive<Spill>(m =>
        {
            foreach (var row in m.Rows) _rows.Add(row);
            startNext();
        });
        Receive<Appended>(m =>
        {
            _stats.Spilled(m.Batch.Count);
            _stats.SetSpillRowsHeld(_spill.RowsHeld);
            if (_stats.SpillFailing) _log.Info("Spill file {0} is writable again", _spill.Path);
            _stats.SetSpillFailing(false);
            Done(m.Batch, startNext);
        });
        Receive<AppendFailed>(m =>
        {
            _stats.SpillFailed();
            if (!_stats.SpillFailing)
            {
                _log.Error("Cannot write spill file {0} ({1}); audit rows wait in memory (up to {2}) and the disk and the database are retried",
                    _spill.Path, m.Cause.Message, _rows.MemoryCapacity);
            }

            _stats.SetSpillFailing(true);
            ReportDropped(_rows.Requeue(RowsOf(m.Batch)));
            if (_stopAsker is null) Become(Holding);
            Done(m.Batch, _stopAsker is null ? ReleaseEvents : () => { });
        });
        Receive<Stop>(_ =>
        {
            _stopAsker = Sender;
            Timers.CancelAll();
            AnswerStop();
        });
    }

    /// <summary>One append at a time (a failing disk fails at once: no retry before the back-off).</summary>
    private void StartAppend()
    {
        if (_rows.TryTake(_settings.MaxBatch, 1) is not { } batch) return;
        _spill.AppendAsync(RowsOf(batch)).PipeTo(Self, success: () => new Appended(batch), failure: ex => new AppendFailed(batch, ex));
    }

    /// <summary>The batch is on disk, or nowhere to go: its events are published either way.</summary>
    private void Done(List<PendingRow> batch, Action startNext)
    {
        var events = EventsOf(batch);
        if (events.Count > 0) _publisher.Tell(new PipelineCommands.PublishBatch(events));
        _rows.Completed();
        if (_stopAsker is not null && AnswerStop()) return;
        ScheduleRetry();
        startNext();
    }

    /// <summary>Holding: the waiting events leave now; their rows stay (bounded).</summary>
    private void ReleaseEvents()
    {
        var events = _rows.ReleaseEvents(out var dropped);
        if (events.Count > 0) _publisher.Tell(new PipelineCommands.PublishBatch(events));
        ReportDropped(dropped);
    }

    private void ReportDropped(int dropped)
    {
        if (dropped > 0) _log.Error("Dropped {0} audit rows: neither PostgreSQL nor {1} takes them and {2} wait in memory already", dropped, _spill.Path, _rows.MemoryCapacity);
    }

    private void ScheduleRetry()
    {
        if (_stopAsker is null && !Timers.IsTimerActive(RetryTimer)) Timers.StartSingleTimer(RetryTimer, RetryTick.Instance, _retry.Next());
    }

    /// <summary>Spilling and draining touch one file, so a drain waits for the append in flight.</summary>
    private void StartDrain()
    {
        if (!_rows.NothingInFlight)
        {
            ScheduleRetry();
            return;
        }

        Become(Draining);
        ReleaseEvents(); // none wait while nothing is in flight, but an event must never go into the drain
        var held = _rows.TakeAll();
        DrainAsync(held).PipeTo(Self);
    }

    /// <summary>
    /// Pings PostgreSQL, then inserts the rows held in memory and the spill file where missing. A
    /// database that answers is reported even if the file then fails (a disk fault is not an outage).
    /// </summary>
    private async Task<DrainOutcome> DrainAsync(List<PendingRow> held)
    {
        var answered = false;
        var inserted = 0;
        try
        {
            await _store.FlushedAsync().ConfigureAwait(false);
            answered = true;
            foreach (var batch in held.Chunk(_settings.MaxBatch)) inserted += await _store.InsertMissingAsync(RowsOf([.. batch])).ConfigureAwait(false);
            held = [];
            inserted += await _spill.DrainAsync(_store, _settings.MaxBatch).ConfigureAwait(false);
            return new DrainOutcome(answered, inserted, held, null);
        }
#pragma warning disable CA1031 // every failure becomes a message and a retry
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return new DrainOutcome(answered, inserted, held, ex);
        }
    }

    private void OnDrainOutcome(DrainOutcome m)
    {
        _stats.RowsCommitted(m.Inserted);
        _stats.SetSpillRowsHeld(_spill.RowsHeld);
        foreach (var row in m.NotWritten) _rows.Add(row); // order does not matter: each row keeps its timestamp
        if (m.DatabaseAnswered)
        {
            if (_stats.PostgresDown || m.Inserted > 0) _log.Info("PostgreSQL answers again; inserted {0} spilled audit rows with their original timestamps", m.Inserted);
            _retry.Reset();
            Context.Parent.Tell(DatabaseBack.Instance);
        }

        if (m.Error is not null) _log.Debug("Spill drain failed: {0}", m.Error.Message);
        // Rows still here (not written, or arrived during the drain) try the disk: that is its retry.
        Become(Spilling);
        if (_stopAsker is not null && AnswerStop()) return;
        if (m.Error is not null || _spill.HasRows || _rows.Count > 0) ScheduleRetry();
        StartAppend();
    }

    /// <summary>Answers the stop once nothing is in flight; then only appends (no drain may follow PRODUCER_STOPPED).</summary>
    private bool AnswerStop()
    {
        if (_stopAsker is null || !_rows.NothingInFlight || _rows.Count > 0 && !_stats.SpillFailing) return false;
        ReleaseEvents();
        _stopAsker.Tell(new Stopped(_rows.TakeAllRows()));
        Become(Stopped);
        return true;
    }

    private sealed record Appended(List<PendingRow> Batch);

    private sealed record AppendFailed(List<PendingRow> Batch, Exception Cause);

    private sealed record DrainOutcome(bool DatabaseAnswered, int Inserted, List<PendingRow> NotWritten, Exception? Error);

    private sealed class RetryTick
    {
        public static readonly RetryTick Instance = new();
    }
}
