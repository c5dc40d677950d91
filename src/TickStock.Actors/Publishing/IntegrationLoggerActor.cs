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
/// </summary>
public sealed class IntegrationLoggerActor : ReceiveActor, IWithTimers
{
    private const string DrainTimer = "drain";
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly IntegrationEventStore _store;
    private readonly SpillFile _spill;
    private readonly IActorRef _publisher;
    private readonly ProducerStats _stats;
    private readonly PipelineSettings _settings;
    private readonly TimeProvider _clock;
    private readonly Queue<Pending> _buffer = new();
    private readonly List<IActorRef> _flushWaiters = [];
    private int _inFlight;
    private bool _draining;
    private bool _databaseDown;
    private bool _stopping;
    private bool _writeScheduled;
    private TimeSpan _retry;

    public IntegrationLoggerActor(IntegrationEventStore store, SpillFile spill, IActorRef publisher, ProducerStats stats,
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

    public static Props Props(IntegrationEventStore store, SpillFile spill, IActorRef publisher, ProducerStats stats,
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
        WriteThenPublishAsync(rows, EventsOf(batch)).PipeTo(Self, success: () => new Written(batch), failure: ex => new WriteFailed(batch, ex));
        return true;
    }

    /// <summary>
    /// Commits the rows, then hands the events to the Publisher straight from the commit's
    /// continuation: a mailbox hop less on every event's path than coming back through this actor
    /// first. The rows are committed by then, so "row before publish" holds.
    /// </summary>
    private async Task WriteThenPublishAsync(List<IntegrationRow> rows, List<PatternEvent> events)
    {
        await _store.WriteAsync(rows).ConfigureAwait(false);
        if (events.Count > 0) _publisher.Tell(new PublishBatch(events));
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
        WriteNext();
    }

    private void OnWriteFailed(WriteFailed m)
    {
        if (!_databaseDown)
        {
            _log.Warning("Cannot write integration rows to PostgreSQL ({0}); events keep flowing and their rows go to {1} until it is back",
                m.Cause.Message.Split('\n')[0], _spill.Path);
        }

        MarkDatabaseDown();
        SpillAsync(m.Batch, m.Batch.Select(p => p.Row).ToList()).PipeTo(Self);
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
        if (!Timers.IsTimerActive(DrainTimer)) Timers.StartSingleTimer(DrainTimer, DrainTick.Instance, _retry);
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
        WriteNext();
    }

    private void OnDrainFailed(DrainFailed m)
    {
        _log.Debug("Spill drain failed: {0}", m.Cause.Message);
        _retry = TimeSpan.FromTicks(Math.Min(_retry.Ticks * 2, _settings.RetryMax.Ticks));
        _draining = false;
        MarkDatabaseDown();
        WriteNext();
    }

    private void CheckFlush()
    {
        if (_flushWaiters.Count == 0 || _inFlight > 0 || _draining || _buffer.Count > 0 || _stopping) return;
        _stopping = true;
        FinishAsync().PipeTo(Self, success: r => new FlushDone(r));
    }

    /// <summary>Publisher drained (or given up on Redis), then the PRODUCER_STOPPED row — last.</summary>
    private async Task<FlushCompleted> FinishAsync()
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
        try
        {
            if (_databaseDown) await _spill.AppendAsync([stopped]).ConfigureAwait(false);
            else await _store.WriteAsync([stopped]).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // best effort at exit: say so, never hang the shutdown
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _log.Warning("Could not record PRODUCER_STOPPED: {0}", ex.Message);
        }

        return new FlushCompleted(unpublished);
    }

    private sealed record Pending(IntegrationRow Row, PatternEvent? Event);

    private sealed record Written(List<Pending> Batch);

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
}
