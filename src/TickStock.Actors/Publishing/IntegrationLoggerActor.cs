using Akka.Actor;
using Akka.Event;
using TickStock.Actors.Configuration;
using TickStock.Core.Contracts;
using TickStock.Core.Retry;
using static TickStock.Actors.Publishing.PipelineCommands;
using static TickStock.Actors.Publishing.PendingRow;

namespace TickStock.Actors.Publishing;

/// <summary>
/// Entry of the pattern pipeline and owner of integration_events writes. Each pattern's
/// PATTERN_PUBLISHED row is committed before its event goes to the Publisher. Batches form by
/// themselves: what arrives while writes are in flight (up to MaxWritesInFlight) goes into the next
/// one, so latency is one round trip at low rates and throughput grows with load. States:
/// <b>Writing</b> (PostgreSQL answers); <b>DatabaseDown</b> (rows go to the spill file and their
/// events are still delivered: delivery beats audit); <b>Draining</b> (the spill file is inserted
/// with its original timestamps; new rows wait); <b>Stopping</b> (PRODUCER_STOPPED is being written
/// and stays the run's last row: later rows are spilled for the next start); <b>Holding</b>
/// (neither PostgreSQL nor the spill file takes rows: events go straight on, rows wait in memory,
/// bounded, and both are retried on a back-off — PostgreSQL first, whatever the disk does). Commits do not wait
/// for the WAL flush by default (<see cref="AuditCommitMode"/>): such rows stay in
/// <see cref="UnflushedRows"/> until the server reports them flushed, and are spilled and inserted
/// again where missing if the database fails first, so a PostgreSQL crash loses none of them.
/// </summary>
public sealed class IntegrationLoggerActor : ReceiveActor, IWithTimers
{
    private const string DrainTimer = "drain";
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly IIntegrationEventStore _store;
    private readonly SpillFile _spill;
    private readonly IActorRef _publisher;
    private readonly ProducerStats _stats;
    private readonly PipelineSettings _settings;
    private readonly TimeProvider _clock;
    private readonly AuditBacklog _backlog;
    private readonly List<IActorRef> _flushWaiters = [];
    private LoggerState _state;
    private Backoff _drainRetry;
    private bool _writeScheduled;
    private FlushWatch _flushWatch = null!;

    public IntegrationLoggerActor(IIntegrationEventStore store, SpillFile spill, IActorRef publisher, ProducerStats stats,
        PipelineSettings settings, TimeProvider? clock = null)
    {
        _store = store;
        _spill = spill;
        _publisher = publisher;
        _stats = stats;
        _settings = settings;
        _clock = clock ?? TimeProvider.System;
        _backlog = new AuditBacklog(settings.SpillMemoryCapacity);
        _drainRetry = new Backoff(settings.RetryMin, settings.RetryMax);
        Enter(LoggerState.Writing);
    }

    private enum LoggerState { Writing, DatabaseDown, Holding, Draining, Stopping }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IIntegrationEventStore store, SpillFile spill, IActorRef publisher, ProducerStats stats,
        PipelineSettings settings, TimeProvider? clock = null) =>
        Akka.Actor.Props.Create(() => new IntegrationLoggerActor(store, spill, publisher, stats, settings, clock));

    protected override void PreStart()
    {
        _flushWatch = new FlushWatch(_store, _spill, _stats, _log, _settings.AuditFlushCheckInterval, Self, Timers);
        if (!_spill.HasRows) return;
        _log.Info("Found audit rows spilled by an earlier run in {0}; inserting them", _spill.Path);
        Self.Tell(DrainTick.Instance);
    }

    private void Enter(LoggerState state)
    {
        _state = state;
        Become(() =>
        {
            // State-specific handlers first: the first handler that matches wins.
            switch (state)
            {
                case LoggerState.Writing or LoggerState.DatabaseDown:
                    Receive<DrainTick>(_ => StartDrain());
                    Receive<Flush>(_ => OnFlush(check: true));
                    break;
                case LoggerState.Holding:
                    // The retry: PostgreSQL first (the held rows are written where missing); if it
                    // still fails, the rows try the spill file again, and come back here if that fails.
                    Receive<DrainTick>(_ =>
                    {
                        Enter(LoggerState.Writing);
                        if (_spill.HasRows) ScheduleDrain();
                        StartNext();
                    });
                    Receive<Flush>(_ => OnFlush(check: true));
                    break;
                case LoggerState.Draining:
                    Receive<Drained>(OnDrained);
                    Receive<DrainFailed>(OnDrainFailed);
                    Receive<Flush>(_ => OnFlush(check: false)); // answered once the drain is done
                    Receive<DrainTick>(_ => { }); // the drain looks at the file again when it ends
                    break;
                case LoggerState.Stopping:
                    Receive<Flush>(_ => OnFlush(check: false));
                    Receive<FlushDone>(OnFlushDone);
                    // The stop took every unflushed row; no drain or fail-over starts now.
                    Receive<FlushWatch.CheckFailed>(_ => _flushWatch.OnCheckFailed());
                    Receive<DrainTick>(_ => { });
                    break;
            }

            Shared();
        });
    }

    /// <summary>What every state accepts: new rows, and the answers of work started in any state.</summary>
    private void Shared()
    {
        Receive<PatternCommands.PatternDetected>(OnPattern);
        Receive<LogRow>(m => Enqueue(new PendingRow(m.Row, null)));
        Receive<WriteTick>(_ => StartNext(tick: true));
        Receive<Written>(OnWritten);
        Receive<WriteFailed>(m =>
        {
            OnDatabaseFailed(m.Cause);
            Spill(m.Batch);
        });
        Receive<Spilled>(m =>
        {
            _stats.Spilled(m.Batch.Count);
            SpillWorks();
            HandOver(m.Batch);
        });
        Receive<SpillFailed>(m =>
        {
            KeepInMemory(RowsOf(m.Batch), m.Cause);
            HandOver(m.Batch);
        });
        Receive<FlushWatch.Check>(_ => _flushWatch.StartCheck(canQuery: _state is LoggerState.Writing or LoggerState.Draining));
        Receive<FlushWatch.Observed>(m => _flushWatch.OnObserved(m));
        Receive<FlushWatch.CheckFailed>(m =>
        {
            _flushWatch.OnCheckFailed();
            OnDatabaseFailed(m.Cause);
        });
        Receive<FlushWatch.UncertainSpilled>(_ =>
        {
            SpillWorks();
            ScheduleDrain();
        });
        Receive<FlushWatch.UncertainSpillFailed>(m =>
        {
            KeepInMemory(m.Rows, m.Cause);
            StartNext();
        });
    }

    private void OnPattern(PatternCommands.PatternDetected m)
    {
        if (m.Event.Problem() is { } problem)
        {
            _stats.Rejected();
            _log.Warning("Rejected pattern event {0} {1}: {2}", m.Event.Symbol, m.Event.Pattern, problem);
            return;
        }

        _stats.PatternDetected(m.Event.DetectedAt);
        Enqueue(new PendingRow(IntegrationRow.Published(m.Event, _settings.Channels.Patterns, _clock.GetUtcNow()), m.Event));
    }

    /// <summary>
    /// Buffers the row and starts a write once the events already in the mailbox are buffered too:
    /// a burst that arrived together (patterns found at one bar close) becomes one batch and one
    /// commit instead of one write per event racing the rest. The tick is a message to self, so it
    /// costs no timer and no wait: it is handled in the same mailbox run, right after those events.
    /// </summary>
    private void Enqueue(PendingRow pending)
    {
        _backlog.Add(pending);
        if (_writeScheduled) return;
        _writeScheduled = true;
        Self.Tell(WriteTick.Instance);
    }

    /// <summary>Starts what the state allows: writes (two at full speed), one spill at a time, or nothing while draining.</summary>
    private void StartNext(bool tick = false)
    {
        if (tick) _writeScheduled = false;
        if (_state == LoggerState.Writing)
        {
            while (_backlog.TryTake(_settings.MaxBatch, _settings.MaxWritesInFlight) is { } batch)
            {
                // Started here without Task.Run: what runs on this thread before the first await is
                // taking a pooled connection and either filling the INSERT's arrays (≤ 64 rows) or
                // sending the COPY command; a big batch's rows are encoded after that await.
                var rows = RowsOf(batch);
                WriteThenPublishAsync(rows, EventsOf(batch), batch.Exists(p => p.Retried))
                    .PipeTo(Self, success: commit => new Written(batch, rows, commit), failure: ex => new WriteFailed(batch, ex));
            }
        }
        else if (_state is LoggerState.DatabaseDown or LoggerState.Stopping)
        {
            // Spills append to one file: one batch at a time.
            while (_backlog.TryTake(_settings.MaxBatch, 1) is { } batch) Spill(batch);
        }
        else if (_state == LoggerState.Holding)
        {
            var events = _backlog.ReleaseEvents(out var dropped);
            if (events.Count > 0) _publisher.Tell(new PublishBatch(events));
            ReportDropped(dropped);
        }

        CheckFlush();
    }

    /// <summary>
    /// Commits the rows, then hands the events to the Publisher straight from the commit's
    /// continuation: a mailbox hop less on every event's path than coming back through this actor
    /// first. The rows are committed by then, so "row before publish" holds.
    /// </summary>
    private async Task<DeferredCommit?> WriteThenPublishAsync(List<IntegrationRow> rows, List<PatternEvent> events, bool onlyMissing)
    {
        DeferredCommit? commit = null;
        if (onlyMissing) await _store.InsertMissingAsync(rows).ConfigureAwait(false); // rows back from a failure: maybe written already
        else if (_settings.AuditCommit == AuditCommitMode.Deferred) commit = await _store.WriteDeferredAsync(rows).ConfigureAwait(false);
        else await _store.WriteAsync(rows).ConfigureAwait(false);
        if (events.Count > 0) _publisher.Tell(new PublishBatch(events));
        return commit;
    }

    private void Spill(List<PendingRow> batch) =>
        _spill.AppendAsync(RowsOf(batch)).PipeTo(Self, success: () => new Spilled(batch), failure: ex => new SpillFailed(batch, ex));

    private void OnWritten(Written m)
    {
        // The events already went to the Publisher (WriteThenPublishAsync).
        _stats.RowsCommitted(m.Batch.Count);
        _backlog.Completed();
        if (_stats.PostgresDown)
        {
            // Back from Holding: PostgreSQL answers although the spill file may still fail.
            _log.Info("PostgreSQL is writable again");
            _stats.SetPostgresDown(false);
            _drainRetry.Reset();
        }

        if (m.Commit is { } commit) _flushWatch.Committed(commit, m.Rows);
        StartNext();
    }

    /// <summary>A spilled (or unspillable) batch: its events go to the Publisher, and its slot is free.</summary>
    private void HandOver(List<PendingRow> batch)
    {
        var events = EventsOf(batch);
        if (events.Count > 0) _publisher.Tell(new PublishBatch(events));
        _backlog.Completed();
        StartNext();
    }

    /// <summary>
    /// Neither the database nor the disk takes the rows: back into the backlog (bounded), their
    /// events delivered regardless, and no new spill until the retry (a failing disk fails at once:
    /// retrying at once would spin). Logged once per change, not per attempt.
    /// </summary>
    private void KeepInMemory(IReadOnlyList<IntegrationRow> rows, Exception cause)
    {
        _stats.SpillFailed();
        if (!_stats.SpillFailing)
        {
            _log.Error("Cannot write spill file {0} ({1}); while PostgreSQL is unreachable too, audit rows wait in memory (up to {2}) and both are retried",
                _spill.Path, cause.Message, _backlog.MemoryCapacity);
            _stats.SetSpillFailing(true);
        }

        if (_state == LoggerState.Stopping)
        {
            _log.Error("Stopping: {0} audit rows are lost (neither PostgreSQL nor {1} takes them)", rows.Count, _spill.Path);
            return;
        }

        ReportDropped(_backlog.Requeue(rows));
        if (_state is LoggerState.DatabaseDown or LoggerState.Writing) Enter(LoggerState.Holding);
        ScheduleDrain();
    }

    private void SpillWorks()
    {
        if (!_stats.SpillFailing) return;
        _log.Info("Spill file {0} is writable again", _spill.Path);
        _stats.SetSpillFailing(false);
    }

    private void ReportDropped(int dropped)
    {
        if (dropped > 0)
        {
            _log.Error("Dropped {0} audit rows: neither PostgreSQL nor {1} takes them and {2} are kept in memory already",
                dropped, _spill.Path, _backlog.MemoryCapacity);
        }
    }

    /// <summary>
    /// PostgreSQL did not answer: switch to the spill file, and spill every row still waiting for
    /// its flush (if the server crashed, it lost them). Logged once per outage.
    /// </summary>
    private void OnDatabaseFailed(Exception cause)
    {
        if (_state is not (LoggerState.DatabaseDown or LoggerState.Holding))
        {
            if (!_stats.PostgresDown)
            {
                _log.Warning("Cannot write integration rows to PostgreSQL ({0}); events keep flowing and their rows go to {1} until it is back",
                    cause.Message.Split('\n')[0], _spill.Path);
            }

            _stats.SetPostgresDown(true);
            Enter(LoggerState.DatabaseDown);
        }

        ScheduleDrain();
        _flushWatch.SpillAll();
    }

    private void ScheduleDrain()
    {
        if (Timers.IsTimerActive(DrainTimer)) return;
        Timers.StartSingleTimer(DrainTimer, DrainTick.Instance, _state is LoggerState.DatabaseDown or LoggerState.Holding ? _drainRetry.Next() : _settings.RetryMin);
    }

    /// <summary>Spilling and draining touch one file, so a drain waits until no batch is out.</summary>
    private void StartDrain()
    {
        if (_backlog.InFlight > 0)
        {
            Timers.StartSingleTimer(DrainTimer, DrainTick.Instance, _settings.RetryMin);
            return;
        }

        Enter(LoggerState.Draining);
        _spill.DrainAsync(_store, _settings.MaxBatch).PipeTo(Self, success: n => new Drained(n), failure: ex => new DrainFailed(ex));
    }

    private void OnDrained(Drained m)
    {
        if (_stats.PostgresDown || m.Count > 0)
        {
            _log.Info("PostgreSQL is writable again; inserted {0} spilled audit rows with their original timestamps", m.Count);
        }

        _stats.RowsCommitted(m.Count);
        _stats.SetPostgresDown(false);
        _drainRetry.Reset();
        Enter(LoggerState.Writing);
        // Rows that may be missing (a restart seen after the drain began) can arrive during a drain.
        if (_spill.HasRows) ScheduleDrain();
        // A write that succeeded just before the failure may have left rows waiting for their flush.
        _flushWatch.EnsureCheck();
        StartNext();
    }

    private void OnDrainFailed(DrainFailed m)
    {
        _log.Debug("Spill drain failed: {0}", m.Cause.Message);
        OnDatabaseFailed(m.Cause);
        StartNext();
    }

    private void OnFlush(bool check)
    {
        _flushWaiters.Add(Sender);
        if (check) CheckFlush();
    }

    private void OnFlushDone(FlushDone m)
    {
        foreach (var waiter in _flushWaiters) waiter.Tell(m.Result);
        _flushWaiters.Clear();
    }

    /// <summary>Everything asked to stop is written or spilled: record PRODUCER_STOPPED (off the actor), then answer.</summary>
    private void CheckFlush()
    {
        // Held rows (Holding) do not wait: the stop tries them once more itself.
        var ready = _state == LoggerState.Holding ? _backlog.NothingInFlight : _backlog.IsIdle;
        if (_flushWaiters.Count == 0 || !ready || _state is LoggerState.Draining or LoggerState.Stopping) return;
        // Holding: the disk fails too, so PostgreSQL is worth one more try.
        var databaseDown = _state == LoggerState.DatabaseDown;
        var uncertain = _flushWatch.TakeAll();
        uncertain.AddRange(_backlog.TakeAllRows());
        Enter(LoggerState.Stopping);
        var stop = new ProducerStopRecorder(_store, _spill, _publisher, _stats, _clock, _log);
        stop.RecordAsync(uncertain, databaseDown).PipeTo(Self, success: r => new FlushDone(r));
    }

    private sealed record Written(List<PendingRow> Batch, List<IntegrationRow> Rows, DeferredCommit? Commit);
    private sealed record WriteFailed(List<PendingRow> Batch, Exception Cause);
    private sealed record Spilled(List<PendingRow> Batch);
    private sealed record SpillFailed(List<PendingRow> Batch, Exception Cause);
    private sealed record Drained(int Count);
    private sealed record DrainFailed(Exception Cause);
    private sealed record FlushDone(FlushCompleted Result);

    private sealed class WriteTick { public static readonly WriteTick Instance = new(); }
    private sealed class DrainTick { public static readonly DrainTick Instance = new(); }
}
