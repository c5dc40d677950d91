using TickStock.Core.Loading;
using TickStock.Core.Retry;
using TickStock.Core.Universe;

namespace TickStock.Core.Jobs;

/// <summary>One symbol handed to an idle fetcher.</summary>
/// <remarks><see cref="SkipIfComplete"/>: a <c>universe_seed</c> with <c>refresh: false</c> — a symbol whose stored rows already cover the window is not fetched.</remarks>
public sealed record SymbolAssignment(string JobId, UniverseEntry Entry, LoadTargets Targets, JobWindow Window, string? Universe, bool SkipIfComplete);

/// <summary>
/// What the coordinator must do after the board changed one job: write <see cref="State"/>'s
/// status, and when <see cref="Ended"/> record the end and tell the fetchers to drop the job.
/// </summary>
public sealed record JobChange(LoadJobState State)
{
    public bool Ended => State.IsTerminal;
}

/// <summary>Answer to a job submission.</summary>
public enum SubmitDecision
{
    /// <summary>Prepare it (resolve its symbols, record it).</summary>
    Prepare,

    /// <summary>A job with this id is being prepared or runs: refuse the repeat, keep the running one's status.</summary>
    AlreadyRunning,
}

/// <summary>Answer to a cancel request.</summary>
public enum CancelDecision
{
    /// <summary>The job was cancelled; see the returned change.</summary>
    Cancelled,

    /// <summary>The job is still being prepared: it is cancelled as soon as it is ready (or waiting ends).</summary>
    Deferred,

    /// <summary>No such job here.</summary>
    Unknown,
}

/// <summary>
/// The job board of the loading module, as pure state (the coordinator does the I/O): the jobs
/// being prepared and the cancels that arrive meanwhile, the running jobs in arrival order, which
/// symbol goes to the next idle fetcher (one per job in turn), a pause while a dependency is down,
/// and the rebuild on resume. Time is passed in; nothing here reads a clock, a file or a socket.
/// </summary>
public sealed class JobBoard(TimeSpan retryMin, TimeSpan retryMax)
{
    private readonly Dictionary<string, Backoff> _waitingToStart = new(StringComparer.Ordinal);
    private Backoff _outage = new(retryMin, retryMax);
    private readonly Dictionary<string, LoadJobState> _jobs = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];

    // job id → who asked to cancel it while it was being prepared (see _cancelWhilePreparing)
    private readonly Dictionary<string, string?> _preparing = new(StringComparer.Ordinal);
    private readonly HashSet<string> _cancelWhilePreparing = new(StringComparer.Ordinal);

    /// <summary>Why no symbol is handed out (a dependency is down), or null while dispatching.</summary>
    public string? PausedFor { get; private set; }

    /// <summary>Running jobs in arrival order.</summary>
    public IEnumerable<LoadJobState> Running => _order.Select(id => _jobs[id]);

    public int PreparingCount => _preparing.Count;

    public bool IsRunning(string jobId) => _jobs.ContainsKey(jobId);

    public bool IsPreparing(string jobId) => _preparing.ContainsKey(jobId);

    /// <summary>A failed status may be written for this id: no job of that id runs or is being prepared.</summary>
    public bool IsFree(string jobId) => !_jobs.ContainsKey(jobId) && !_preparing.ContainsKey(jobId);

    /// <summary>A valid job arrived: prepare it unless the id is taken.</summary>
    public SubmitDecision Submit(string jobId)
    {
        if (_jobs.ContainsKey(jobId) || _preparing.ContainsKey(jobId))
        {
            return SubmitDecision.AlreadyRunning;
        }

        _preparing[jobId] = null;
        return SubmitDecision.Prepare;
    }

    /// <summary>
    /// A repeated submission was refused: the running job's status says so in its message (its
    /// progress is not touched). Null while the job is still being prepared (nothing to write yet).
    /// </summary>
    public JobChange? RefuseDuplicate(string jobId)
    {
        if (!_jobs.TryGetValue(jobId, out var state))
        {
            return null;
        }

        state = state with { Message = $"a second job with id {jobId} was refused: this one is still running" };
        _jobs[jobId] = state;
        return new JobChange(state);
    }

    /// <summary>
    /// Preparation finished: the job runs (its first status is the returned change). A cancel that
    /// came in meanwhile is returned as <paramref name="pendingCancel"/> (apply it with <see cref="Cancel"/>
    /// after writing the first status, so the consumer sees the job start and end).
    /// </summary>
    public JobChange Prepared(LoadJobState state, DateTime now, out (bool Requested, string? By) pendingCancel)
    {
        ArgumentNullException.ThrowIfNull(state);
        _preparing.Remove(state.JobId, out var by);
        _waitingToStart.Remove(state.JobId);
        pendingCancel = (_cancelWhilePreparing.Remove(state.JobId), by);
        return Add(state, now);
    }

    /// <summary>Preparation failed for good: forget the job. True when its failure may be written (no job of that id runs).</summary>
    public bool Rejected(string jobId)
    {
        _preparing.Remove(jobId);
        _waitingToStart.Remove(jobId);
        _cancelWhilePreparing.Remove(jobId);
        return !_jobs.ContainsKey(jobId);
    }

    /// <summary>Preparing the job needs a dependency that is down: how long to wait before trying again (doubling per attempt).</summary>
    public TimeSpan WaitToStart(string jobId)
    {
        var backoff = _waitingToStart.GetValueOrDefault(jobId, new Backoff(retryMin, retryMax));
        var delay = backoff.Next();
        _waitingToStart[jobId] = backoff;
        return delay;
    }

    /// <summary>
    /// Preparation will be tried again (a dependency was down). Returns the cancel requested
    /// meanwhile, if any: then the job is forgotten instead and the caller reports it cancelled.
    /// </summary>
    public (bool Cancelled, string? By) RetryPreparation(string jobId)
    {
        if (_cancelWhilePreparing.Remove(jobId))
        {
            _preparing.Remove(jobId, out var by);
            _waitingToStart.Remove(jobId);
            return (true, by);
        }

        return (false, null);
    }

    /// <summary>A job found running in the store when the coordinator started (resume).</summary>
    public JobChange Resume(LoadJobState state, DateTime now) => Add(state, now);

    public (CancelDecision Decision, JobChange? Change) Cancel(string jobId, string? requestedBy, DateTime now)
    {
        if (_preparing.ContainsKey(jobId))
        {
            _preparing[jobId] = requestedBy;
            _cancelWhilePreparing.Add(jobId);
            return (CancelDecision.Deferred, null);
        }

        if (!_jobs.ContainsKey(jobId))
        {
            return (CancelDecision.Unknown, null);
        }

        return (CancelDecision.Cancelled, Update(jobId, s => s.Cancel(requestedBy, now), now));
    }

    /// <summary>The symbol's rows are committed (so the dependencies work again). Null when its job has ended meanwhile.</summary>
    public JobChange? SymbolLoaded(string jobId, string symbol, TableCounts rows, DateTime now)
    {
        _outage.Reset();
        return Update(jobId, s => s.Succeeded(symbol, rows), now);
    }

    /// <summary>The symbol failed; <paramref name="failsJob"/> when no other symbol can succeed (bad key).</summary>
    public JobChange? SymbolFailed(string jobId, string symbol, string reason, bool failsJob, DateTime now) =>
        Update(jobId, s => failsJob ? s.FailedSymbol(symbol, reason).Fail(reason, now) : s.FailedSymbol(symbol, reason), now);

    /// <summary>
    /// A dependency failed under the symbol (PostgreSQL down): the symbol goes back to the front of
    /// its job's queue, the job says what it waits for, and the board hands out nothing until
    /// <see cref="Unpause"/>. <c>RetryIn</c> is set when this starts a pause: try again after it
    /// (the wait doubles while attempts keep failing, and starts over after a symbol loads).
    /// </summary>
    public (JobChange? Change, TimeSpan? RetryIn) SymbolInterrupted(string jobId, UniverseEntry entry, string waitingFor)
    {
        ArgumentNullException.ThrowIfNull(entry);
        TimeSpan? retryIn = PausedFor is null ? _outage.Next() : null;
        PausedFor = waitingFor;
        if (!_jobs.TryGetValue(jobId, out var state) || state.IsTerminal)
        {
            return (null, retryIn);
        }

        state = state.Requeue(entry, $"waiting for {waitingFor}");
        _jobs[jobId] = state;
        return (new JobChange(state), retryIn);
    }

    /// <summary>Try the paused dependency again: symbols are handed out again.</summary>
    public void Unpause() => PausedFor = null;

    /// <summary>The next symbols for <paramref name="idleFetchers"/> fetchers: one per job in turn, jobs in arrival order.</summary>
    public IReadOnlyList<SymbolAssignment> TakeAssignments(int idleFetchers)
    {
        var assignments = new List<SymbolAssignment>();
        if (PausedFor is not null)
        {
            return assignments;
        }

        var progressed = true;
        while (assignments.Count < idleFetchers && progressed)
        {
            progressed = false;
            foreach (var jobId in _order)
            {
                if (assignments.Count == idleFetchers)
                {
                    break;
                }

                var (state, next) = _jobs[jobId].TakeNext();
                if (next is null)
                {
                    continue;
                }

                _jobs[jobId] = state;
                assignments.Add(new SymbolAssignment(jobId, next, state.Job.Targets, state.Window, state.Universe, state.Job is UniverseSeedJob { Refresh: false }));
                progressed = true;
            }
        }

        return assignments;
    }

    private JobChange Add(LoadJobState state, DateTime now)
    {
        if (!state.IsTerminal && state.AllSymbolsDone)
        {
            state = state.Complete(now);
        }

        if (!state.IsTerminal)
        {
            _jobs[state.JobId] = state;
            _order.Add(state.JobId);
        }

        return new JobChange(state);
    }

    private JobChange? Update(string jobId, Func<LoadJobState, LoadJobState> change, DateTime now)
    {
        if (!_jobs.TryGetValue(jobId, out var state))
        {
            return null;
        }

        state = change(state);
        if (!state.IsTerminal && state.AllSymbolsDone)
        {
            state = state.Complete(now);
        }

        if (!state.IsTerminal && PausedFor is not null)
        {
            // A symbol that was in flight when the dependency went down may still finish; the
            // job keeps saying what it waits for.
            state = state with { Message = $"waiting for {PausedFor}" };
        }

        if (state.IsTerminal)
        {
            _jobs.Remove(jobId);
            _order.Remove(jobId);
        }
        else
        {
            _jobs[jobId] = state;
        }

        return new JobChange(state);
    }
}
