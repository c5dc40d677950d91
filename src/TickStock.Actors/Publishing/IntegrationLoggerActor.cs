using Akka.Actor;
using Akka.Event;
using TickStock.Actors.Configuration;
using TickStock.Core.Contracts;
using static TickStock.Actors.Publishing.AuditSpillCommands;
using static TickStock.Actors.Publishing.PendingRow;
using static TickStock.Actors.Publishing.PipelineCommands;

namespace TickStock.Actors.Publishing;

/// <summary>
/// Entry of the pattern pipeline and owner of integration_events writes: each pattern's
/// PATTERN_PUBLISHED row is committed before its event goes to the Publisher. Batches form by
/// themselves: whatever arrives while writes are in flight (up to MaxWritesInFlight; ≤ 64 rows are
/// one prepared INSERT … unnest, more a binary COPY) goes into the next one, so latency is one round
/// trip at low rates and throughput grows with load.
/// <para>
/// States: <b>Writing</b> (PostgreSQL answers); <b>DatabaseDown</b> (rows go to the child
/// <see cref="AuditSpillActor"/>, which spills them, delivers their events and says when the
/// database is back); <b>Stopping</b> (PRODUCER_STOPPED is being written and stays the run's last
/// row: later rows are spilled for the next start). Commits do not wait for PostgreSQL's WAL flush
/// by default (<see cref="AuditCommitMode"/>); <see cref="FlushWatch"/> keeps such rows until the
/// server reports them durable, so a PostgreSQL crash loses none of them.
/// </para>
/// </summary>
public sealed class IntegrationLoggerActor : ReceiveActor, IWithTimers
{
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly IIntegrationEventStore _store;
    private readonly SpillFile _spillFile;
    private readonly IActorRef _publisher;
    private readonly IActorRef _spill;
    private readonly ProducerStats _stats;
    private readonly PipelineSettings _settings;
    private readonly TimeProvider _clock;
    private readonly AuditBacklog _backlog;
    private readonly List<IActorRef> _flushWaiters = [];
    private FlushWatch _flushWatch = null!;
    private LoggerState _state;
    private bool _writeScheduled;

    public IntegrationLoggerActor(IIntegrationEventStore store, SpillFile spill, IActorRef publisher, ProducerStats stats,
        PipelineSettings settings, TimeProvider? clock = null)
    {
        _store = store;
        _spillFile = spill;
        _publisher = publisher;
        _stats = stats;
        _settings = settings;
        _clock = clock ?? TimeProvider.System;
        _backlog = new AuditBacklog(settings.SpillMemoryCapacity);
        _spill = Context.ActorOf(AuditSpillActor.Props(store, spill, publisher, stats, settings), "spill");
        Enter(LoggerState.Writing);
    }

    private enum LoggerState
    {
        Writing,
        DatabaseDown,
        Stopping,
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IIntegrationEventStore store, SpillFile spill, IActorRef publisher, ProducerStats stats,
        PipelineSettings settings, TimeProvider? clock = null) =>
        Akka.Actor.Props.Create(() => new IntegrationLoggerActor(store, spill, publisher, stats, settings, clock));

    protected override void PreStart() =>
        _flushWatch = new FlushWatch(_store, _spill, _stats, _log, _settings.AuditFlushCheckInterval, Self, Timers);

    private void Enter(LoggerState state)
    {
        _state = state;
        Become(() =>
        {
            // State-specific handlers first: the first handler that matches wins.
            switch (state)
            {
                case LoggerState.Writing:
                    Receive<DatabaseBack>(_ => { }); // the spill actor drained rows spilled while the database answered
                    Receive<Flush>(_ => OnFlush(check: true));
                    break;
                case LoggerState.DatabaseDown:
                    Receive<DatabaseBack>(_ =>
                    {
                        _stats.SetPostgresDown(false);
                        Enter(LoggerState.Writing);
                        // A write that succeeded just before the failure may have left rows waiting for their flush.
                        _flushWatch.EnsureCheck();
                        StartNext();
                    });
                    Receive<Flush>(_ => OnFlush(check: true));
                    break;
                case LoggerState.Stopping:
                    Receive<Flush>(_ => OnFlush(check: false));
                    Receive<FlushDone>(m => _flushWaiters.ForEach(waiter => waiter.Tell(m.Result)));
                    Receive<DatabaseBack>(_ => { });
                    Receive<FlushWatch.CheckFailed>(_ => _flushWatch.OnCheckFailed()); // the stop took every unflushed row
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
        Receive<WriteTick>(_ =>
        {
            _writeScheduled = false;
            StartNext();
        });
        Receive<Written>(OnWritten);
        Receive<WriteFailed>(m =>
        {
            OnDatabaseFailed(m.Cause);
            _spill.Tell(new Spill(m.Batch));
            _backlog.Completed();
            StartNext();
        });
        Receive<FlushWatch.Check>(_ => _flushWatch.StartCheck(canQuery: _state == LoggerState.Writing));
        Receive<FlushWatch.Observed>(m => _flushWatch.OnObserved(m));
        Receive<FlushWatch.CheckFailed>(m =>
        {
            _flushWatch.OnCheckFailed();
            OnDatabaseFailed(m.Cause);
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

    /// <summary>Writes while PostgreSQL answers (two batches at full speed); otherwise rows go to the spill actor.</summary>
    private void StartNext()
    {
        if (_state != LoggerState.Writing)
        {
            if (_backlog.Count > 0) _spill.Tell(new Spill(_backlog.TakeAll()));
            CheckFlush();
            return;
        }

        while (_backlog.TryTake(_settings.MaxBatch, _settings.MaxWritesInFlight) is { } batch)
        {
            // Started here without Task.Run: what runs on this thread before the first await is
            // taking a pooled connection and either filling the INSERT's arrays (≤ 64 rows) or
            // sending the COPY command; a big batch's rows are encoded after that await.
            var rows = RowsOf(batch);
            WriteThenPublishAsync(rows, EventsOf(batch))
                .PipeTo(Self, success: commit => new Written(batch, rows, commit), failure: ex => new WriteFailed(batch, ex));
        }

        CheckFlush();
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

    private void OnWritten(Written m)
    {
        // The events already went to the Publisher (WriteThenPublishAsync).
        _stats.RowsCommitted(m.Batch.Count);
        _backlog.Completed();
        if (m.Commit is { } commit) _flushWatch.Committed(commit, m.Rows);
        StartNext();
    }

    /// <summary>
    /// PostgreSQL did not answer: rows go to the spill actor until it says the database is back,
    /// and every row still waiting for its flush goes there too (if the server crashed, it lost
    /// them). Logged once per outage.
    /// </summary>
    private void OnDatabaseFailed(Exception cause)
    {
        _flushWatch.SpillAll();
        if (_state != LoggerState.Writing) return;
        if (!_stats.PostgresDown)
        {
            _log.Warning("Cannot write integration rows to PostgreSQL ({0}); events keep flowing and their rows go to {1} until it is back",
                cause.Message.Split('\n')[0], _spillFile.Path);
        }

        _stats.SetPostgresDown(true);
        Enter(LoggerState.DatabaseDown);
    }

    private void OnFlush(bool check)
    {
        _flushWaiters.Add(Sender);
        if (check) CheckFlush();
    }

    /// <summary>Everything asked to stop is written or handed on: record PRODUCER_STOPPED (off the actor), then answer.</summary>
    private void CheckFlush()
    {
        if (_flushWaiters.Count == 0 || !_backlog.IsIdle || _state == LoggerState.Stopping) return;
        var databaseDown = _state == LoggerState.DatabaseDown;
        Enter(LoggerState.Stopping);
        var stop = new ProducerStopRecorder(_store, _spillFile, _spill, _publisher, _stats, _clock, _log,
            ((ExtendedActorSystem)Context.System).Provider.DefaultAddress.ToString(), _settings.MaxBatch);
        stop.RecordAsync(_flushWatch.TakeAll(), databaseDown).PipeTo(Self, success: r => new FlushDone(r));
    }

    private sealed record Written(List<PendingRow> Batch, List<IntegrationRow> Rows, DeferredCommit? Commit);

    private sealed record WriteFailed(List<PendingRow> Batch, Exception Cause);

    private sealed record FlushDone(FlushCompleted Result);

    private sealed class WriteTick
    {
        public static readonly WriteTick Instance = new();
    }
}
