using Akka.Actor;
using Akka.Event;
using TickStock.Actors.Configuration;
using TickStock.Core.Contracts;
using static TickStock.Actors.Publishing.PipelineCommands;

namespace TickStock.Actors.Publishing;

/// <summary>
/// Entry of the pattern pipeline and owner of integration_events writes. Each pattern becomes a
/// PATTERN_PUBLISHED row; rows are written one batch at a time (binary COPY) and only after a
/// batch has committed are its events handed to the Publisher — so every event's row exists
/// before its message. Batches form by themselves: whatever arrives while a write is in flight
/// goes into the next one, so latency is one round trip at low rates and throughput grows with
/// load. When PostgreSQL fails, rows go to the spill file instead (delivery beats audit) and are
/// drained back with their original timestamps once the database answers again.
/// <para>
/// By default a batch's commit does not wait for PostgreSQL's WAL flush (<see cref="AuditCommitMode"/>):
/// the row is committed — visible to the consumer — before its event is published, and the flush,
/// the slowest and most erratic part of a commit on a shared disk, happens in the server's
/// background. Until the server reports it flushed, the batch stays in <see cref="UnflushedRows"/>;
/// if the database fails first, those rows are spilled and later inserted where missing, so a
/// PostgreSQL crash loses none of them.
/// </para>
/// </summary>
public sealed class IntegrationLoggerActor : ReceiveActor, IWithTimers
{
    private const string DrainTimer = "drain";
    private const string FlushCheckTimer = "flush-check";
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly IIntegrationEventStore _store;
    private readonly SpillFile _spill;
    private readonly IActorRef _publisher;
    private readonly ProducerStats _stats;
    private readonly PipelineSettings _settings;
    private readonly TimeProvider _clock;
    private readonly Queue<Pending> _buffer = new();
    private readonly List<IActorRef> _flushWaiters = [];
    private readonly UnflushedRows _unflushed = new();
    private bool _flushCheckRunning;
    private int _inFlight;
    private bool _draining;
    private bool _databaseDown;
    private bool _stopping;
    private bool _writeScheduled;
    private TimeSpan _retry;

    public IntegrationLoggerActor(IIntegrationEventStore store, SpillFile spill, IActorRef publisher, ProducerStats stats,
        PipelineSettings settings, TimeProvider? clock = null)
    {
        _store = store;
        _spill = spill;
        _publisher = publisher;
        _stats = stats;
        _settings = settings;
        _clock = clock ?? TimeProvider.System;
        _retry = settings.RetryMin;

        Receive<PatternCommands.PatternDetected>(OnPattern);
        Receive<LogRow>(m => Enqueue(new Pending(m.Row, null)));
        Receive<Written>(OnWritten);
        Receive<WriteFailed>(OnWriteFailed);
        Receive<Spilled>(OnSpilled);
        Receive<SpillFailed>(OnSpillFailed);
        Receive<WriteTick>(_ =>
        {
            _writeScheduled = false;
            WriteNext();
        });
        Receive<DrainTick>(_ => StartDrain());
        Receive<FlushCheck>(_ => StartFlushCheck());
        Receive<FlushObserved>(m =>
        {
            _flushCheckRunning = false;
            Observe(m.Flushed);
        });
        Receive<FlushCheckFailed>(m =>
        {
            _flushCheckRunning = false;
            OnDatabaseFailed(m.Cause);
        });
        Receive<UncertainSpilled>(_ => ScheduleDrain());
        Receive<UncertainSpillFailed>(OnUncertainSpillFailed);
        Receive<Drained>(OnDrained);
        Receive<DrainFailed>(OnDrainFailed);
        Receive<Flush>(_ =>
        {
            _flushWaiters.Add(Sender);
            CheckFlush();
        });
        Receive<FlushDone>(m =>
        {
            foreach (var waiter in _flushWaiters) waiter.Tell(m.Result);
            _flushWaiters.Clear();
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IIntegrationEventStore store, SpillFile spill, IActorRef publisher, ProducerStats stats,
        PipelineSettings settings, TimeProvider? clock = null) =>
        Akka.Actor.Props.Create(() => new IntegrationLoggerActor(store, spill, publisher, stats, settings, clock));

    protected override void PreStart()
    {
        if (_spill.HasRows)
        {
            _log.Info("Found audit rows spilled by an earlier run in {0}; inserting them", _spill.Path);
            Self.Tell(DrainTick.Instance);
        }
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
        Enqueue(new Pending(IntegrationRow.Published(m.Event, _settings.Channels.Patterns, _clock.GetUtcNow()), m.Event));
    }

    /// <summary>
    /// Buffers the row and starts a write once the events already in the mailbox are buffered too:
    /// a burst that arrived together (patterns found at one bar close) becomes one batch and one
    /// commit instead of one write per event racing the rest. The tick is a message to self, so it
    /// costs no timer and no wait: it is handled in the same mailbox run, right after those events.
    /// </summary>
    private void Enqueue(Pending pending)
    {
        _buffer.Enqueue(pending);
        if (_writeScheduled) return;
        _writeScheduled = true;
        Self.Tell(WriteTick.Instance);
    }

    private void WriteNext()
    {
        // As many batches as there are free write slots (two at full speed; one while spilling).
        while (StartWrite())
        {
        }

        CheckFlush();
    }

    private bool StartWrite()
    {
        // Several writes may be in flight (each batch's events still wait for their own commit);
        // spilling and draining touch one file, so they run alone.
        var limit = _databaseDown ? 1 : _settings.MaxWritesInFlight;
        if (_draining || _inFlight >= limit || _buffer.Count == 0) return false;

        var batch = new List<Pending>(Math.Min(_buffer.Count, _settings.MaxBatch));
        var rows = new List<IntegrationRow>(batch.Capacity);
        while (batch.Count < _settings.MaxBatch && _buffer.TryDequeue(out var next))
        {
            batch.Add(next);
            rows.Add(next.Row);
        }

        _inFlight++;
        if (_databaseDown)
        {
            SpillAsync(batch, rows).PipeTo(Self);
            return true;
        }

        // Started here without Task.Run: what runs on this thread before the first await is taking
        // a pooled connection and either filling the INSERT's arrays (≤ 64 rows) or sending the COPY
        // command; a big batch's rows are encoded after that await, off this thread.
        WriteThenPublishAsync(rows, EventsOf(batch)).PipeTo(Self, success: commit => new Written(batch, rows, commit), failure: ex => new WriteFailed(batch, ex));
        return true;
    }

    /// <summary>
    /// Commits the rows, then hands the events to the Publisher straight from the commit's
    /// continuation: a mailbox hop less on every event's path than coming back through this actor
    /// first. The rows are committed by then, so "row before publish" holds.
    /// </summary>
    private async Task<DeferredCommit?> WriteThenPublishAsync(List<IntegrationRow> rows, List<PatternEvent> events)
    {
        DeferredCommit? commit = null;
        if (_settings.AuditCommit == AuditCommitMode.Deferred) commit = await _store.WriteDeferredAsync(rows).ConfigureAwait(false);
        else await _store.WriteAsync(rows).ConfigureAwait(false);
        if (events.Count > 0) _publisher.Tell(new PublishBatch(events));
        return commit;
    }

    private static List<PatternEvent> EventsOf(List<Pending> batch)
    {
        var events = new List<PatternEvent>(batch.Count);
        foreach (var pending in batch)
        {
            if (pending.Event is { } e) events.Add(e);
        }

        return events;
    }

    private async Task<object> SpillAsync(List<Pending> batch, List<IntegrationRow> rows)
    {
        try
        {
            await _spill.AppendAsync(rows).ConfigureAwait(false);
            return new Spilled(batch);
        }
#pragma warning disable CA1031 // any I/O failure of the spill file becomes a message
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return new SpillFailed(batch, ex);
        }
    }

    private void OnWritten(Written m)
    {
        // The events already went to the Publisher (WriteThenPublishAsync).
        _stats.RowsCommitted(m.Batch.Count);
        _inFlight--;
        if (m.Commit is { } commit)
        {
            _unflushed.Hold(commit.Commit, m.Rows);
            Observe(commit.Flushed);
        }

        WriteNext();
    }

    /// <summary>A flush position from the server: lets go of the rows it makes durable.</summary>
    private void Observe(WalPoint flushed)
    {
        _unflushed.Release(flushed, out var uncertain);
        if (uncertain is not null)
        {
            // The server restarted since those rows were committed: a crash may have taken them.
            _log.Warning("PostgreSQL restarted while {0} audit rows were committed but not yet flushed; inserting them again where missing", uncertain.Count);
            SpillUncertain(uncertain);
        }

        _stats.SetUnflushedRows(_unflushed.RowCount);
        EnsureFlushCheck();
    }

    /// <summary>While rows wait for their flush, a check is always coming: the stream may pause at any time.</summary>
    private void EnsureFlushCheck()
    {
        if (!_unflushed.IsEmpty && !_flushCheckRunning && !Timers.IsTimerActive(FlushCheckTimer))
        {
            Timers.StartSingleTimer(FlushCheckTimer, FlushCheck.Instance, _settings.AuditFlushCheckInterval);
        }
    }

    /// <summary>No write has reported a flush position lately (the stream paused): ask the server.</summary>
    private void StartFlushCheck()
    {
        if (_unflushed.IsEmpty || _flushCheckRunning || _databaseDown) return;
        _flushCheckRunning = true;
        _store.FlushedAsync().PipeTo(Self, success: p => new FlushObserved(p), failure: ex => new FlushCheckFailed(ex));
    }

    private void OnWriteFailed(WriteFailed m)
    {
        OnDatabaseFailed(m.Cause);
        SpillAsync(m.Batch, m.Batch.Select(p => p.Row).ToList()).PipeTo(Self);
    }

    /// <summary>
    /// PostgreSQL did not answer: switch to the spill file, and treat every row still waiting for
    /// its flush as uncertain (if the server crashed, it lost them).
    /// </summary>
    private void OnDatabaseFailed(Exception cause)
    {
        if (!_databaseDown)
        {
            _log.Warning("Cannot write integration rows to PostgreSQL ({0}); events keep flowing and their rows go to {1} until it is back",
                cause.Message.Split('\n')[0], _spill.Path);
        }

        MarkDatabaseDown();
        if (!_unflushed.IsEmpty)
        {
            SpillUncertain(_unflushed.TakeAll());
            _stats.SetUnflushedRows(0);
        }
    }

    /// <summary>
    /// Rows that may or may not be in the table: to the spill file, whose drain inserts only the
    /// missing ones. Their events were published already; only the audit rows travel.
    /// </summary>
    private void SpillUncertain(List<IntegrationRow> rows)
    {
        _spill.AppendAsync(rows).PipeTo(Self, success: () => new UncertainSpilled(rows.Count), failure: ex => new UncertainSpillFailed(rows, ex));
    }

    private void OnUncertainSpillFailed(UncertainSpillFailed m)
    {
        // Neither the database nor the disk: keep them in memory (bounded) as ordinary rows. If the
        // database kept them after all, they are then written twice: at-least-once, never lost.
        _log.Error("Cannot write spill file {0}: {1}; keeping {2} unconfirmed audit rows in memory", _spill.Path, m.Cause.Message, m.Rows.Count);
        foreach (var row in m.Rows.TakeLast(Math.Max(0, _settings.SpillMemoryCapacity - _buffer.Count))) _buffer.Enqueue(new Pending(row, null));
        WriteNext();
    }

    private void ScheduleDrain()
    {
        if (!Timers.IsTimerActive(DrainTimer)) Timers.StartSingleTimer(DrainTimer, DrainTick.Instance, _databaseDown ? _retry : _settings.RetryMin);
    }

    private void OnSpilled(Spilled m)
    {
        _stats.Spilled(m.Batch.Count);
        HandOver(m.Batch);
    }

    private void OnSpillFailed(SpillFailed m)
    {
        // Neither the database nor the disk takes the rows: keep them in memory (bounded) and still
        // deliver the events.
        _log.Error("Cannot write spill file {0}: {1}; keeping {2} rows in memory", _spill.Path, m.Cause.Message, m.Batch.Count);
        var rowsOnly = m.Batch.Select(p => p with { Event = null }).ToList();
        HandOver(m.Batch, requeueRows: rowsOnly);
    }

    private void HandOver(List<Pending> batch, List<Pending>? requeueRows = null)
    {
        var events = EventsOf(batch);
        if (events.Count > 0) _publisher.Tell(new PublishBatch(events));
        if (requeueRows is not null)
        {
            foreach (var row in requeueRows.TakeLast(Math.Max(0, _settings.SpillMemoryCapacity - _buffer.Count))) _buffer.Enqueue(row);
        }

        _inFlight--;
        WriteNext();
    }

    private void MarkDatabaseDown()
    {
        _databaseDown = true;
        _stats.SetPostgresDown(true);
        ScheduleDrain();
    }

    private void StartDrain()
    {
        if (_inFlight > 0 || _draining)
        {
            Timers.StartSingleTimer(DrainTimer, DrainTick.Instance, _settings.RetryMin);
            return;
        }

        _draining = true;
        _spill.DrainAsync(_store, _settings.MaxBatch).PipeTo(Self, success: n => new Drained(n), failure: ex => new DrainFailed(ex));
    }

    private void OnDrained(Drained m)
    {
        if (_databaseDown || m.Count > 0)
        {
            _log.Info("PostgreSQL is writable again; inserted {0} spilled audit rows with their original timestamps", m.Count);
        }

        _stats.RowsCommitted(m.Count);
        _databaseDown = false;
        _stats.SetPostgresDown(false);
        _retry = _settings.RetryMin;
        _draining = false;
        // Rows that may be missing (a restart seen after the drain began) can arrive during a drain.
        if (_spill.HasRows) ScheduleDrain();
        // A write that succeeded just before the failure may have left rows waiting for their flush.
        EnsureFlushCheck();
        WriteNext();
    }

    private void OnDrainFailed(DrainFailed m)
    {
        _log.Debug("Spill drain failed: {0}", m.Cause.Message);
        _retry = TimeSpan.FromTicks(Math.Min(_retry.Ticks * 2, _settings.RetryMax.Ticks));
        _draining = false;
        OnDatabaseFailed(m.Cause);
        WriteNext();
    }

    private void CheckFlush()
    {
        if (_flushWaiters.Count == 0 || _inFlight > 0 || _draining || _buffer.Count > 0 || _stopping) return;
        _stopping = true;
        FinishAsync(_unflushed.TakeAll(), _databaseDown).PipeTo(Self, success: r => new FlushDone(r));
        _stats.SetUnflushedRows(0);
    }

    /// <summary>
    /// Publisher drained (or given up on Redis), then the PRODUCER_STOPPED row — last. Rows still
    /// waiting for their flush (<paramref name="unflushed"/>) are first inserted where missing (a
    /// restart may have taken them); the PRODUCER_STOPPED commit waits for the WAL flush, and the
    /// WAL is flushed in order, so it makes them durable too. If the database is down or fails now,
    /// both go to the spill file, which the next start inserts. Runs off the actor: everything it
    /// needs of the actor's state is passed in.
    /// </summary>
    private async Task<FlushCompleted> FinishAsync(List<IntegrationRow> unflushed, bool databaseDown)
    {
        var unpublished = 0;
        try
        {
            unpublished = (await _publisher.Ask<FlushCompleted>(Flush.Instance, TimeSpan.FromSeconds(5)).ConfigureAwait(false)).UnpublishedEvents;
        }
        catch (AskTimeoutException)
        {
            unpublished = -1;
        }

        var details = WireFormat.Object(w =>
        {
            w.WriteNumber("patterns_detected", _stats.PatternsDetected);
            w.WriteNumber("patterns_published", _stats.PatternsPublished);
            w.WriteNumber("patterns_expired", _stats.PatternsExpired);
            w.WriteNumber("rows_spilled", _stats.RowsSpilled);
            w.WriteNumber("unpublished_at_stop", unpublished);
            w.WriteNumber("uptime_seconds", _stats.UptimeSeconds);
        });
        var stopped = IntegrationRow.System("system_shutdown", "PRODUCER_STOPPED", details, _clock.GetUtcNow());
#pragma warning disable CA1031 // best effort at exit: say so, never hang the shutdown
        if (!databaseDown)
        {
            try
            {
                if (unflushed.Count > 0) await _store.InsertMissingAsync(unflushed).ConfigureAwait(false);
                await _store.WriteAsync([stopped]).ConfigureAwait(false);
                return new FlushCompleted(unpublished);
            }
            catch (Exception ex)
            {
                _log.Warning("Could not record PRODUCER_STOPPED in PostgreSQL ({0}); it goes to {1}", ex.Message, _spill.Path);
            }
        }

        try
        {
            await _spill.AppendAsync([.. unflushed, stopped]).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _log.Warning("Could not record PRODUCER_STOPPED in {0} either: {1}", _spill.Path, ex.Message);
        }
#pragma warning restore CA1031

        return new FlushCompleted(unpublished);
    }

    private sealed record Pending(IntegrationRow Row, PatternEvent? Event);

    private sealed record Written(List<Pending> Batch, List<IntegrationRow> Rows, DeferredCommit? Commit);

    private sealed record FlushObserved(WalPoint Flushed);

    private sealed record FlushCheckFailed(Exception Cause);

    private sealed record UncertainSpilled(int Count);

    private sealed record UncertainSpillFailed(List<IntegrationRow> Rows, Exception Cause);

    private sealed record WriteFailed(List<Pending> Batch, Exception Cause);

    private sealed record Spilled(List<Pending> Batch);

    private sealed record SpillFailed(List<Pending> Batch, Exception Cause);

    private sealed record Drained(int Count);

    private sealed record DrainFailed(Exception Cause);

    private sealed record FlushDone(FlushCompleted Result);

    private sealed class WriteTick
    {
        public static readonly WriteTick Instance = new();
    }

    private sealed class DrainTick
    {
        public static readonly DrainTick Instance = new();
    }

    private sealed class FlushCheck
    {
        public static readonly FlushCheck Instance = new();
    }
}
