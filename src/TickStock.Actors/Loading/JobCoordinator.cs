using System.Text;
using Akka.Actor;
using Akka.Event;
using TickStock.Actors.Diagnostics;
using TickStock.Actors.Infrastructure;
using TickStock.Core.Jobs;
using static TickStock.Actors.Loading.JobCoordinatorMessages;
using static TickStock.Actors.Loading.PolygonFetcherMessages;

namespace TickStock.Actors.Loading;

/// <summary>
/// The cluster singleton that runs data-load jobs (contract §6). A thin actor over
/// <see cref="JobBoard"/>: it subscribes the job and control channels, hands the board's
/// decisions to its <see cref="PolygonFetcher"/> children, writes the status key at start, after
/// every symbol, on a timer and at the end, and records each job's end so a restarted node
/// resumes only what was left. All I/O runs off the actor and comes back as messages.
/// </summary>
public sealed class JobCoordinator : ReceiveActor, IWithTimers, IWithStash
{
    private sealed record Initialize { public static readonly Initialize Instance = new(); }
    private sealed record StatusTick { public static readonly StatusTick Instance = new(); }
    private sealed record RetryDependency { public static readonly RetryDependency Instance = new(); }
    private sealed record ReportRefused { public static readonly ReportRefused Instance = new(); }
    private sealed record RetryPreparation(JobWaiting Waiting);

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly RedisConnectionProvider _redis;
    private readonly ISymbolLoader _loader;
    private readonly HistoricalLoadingSettings _settings;
    private readonly JobStatusKeys _statusKeys;
    private readonly JobPreparation _preparation;
    private readonly JobStatusClock _clock = new(TimeZoneInfo.Local);
    private readonly JobBoard _board;
    private readonly RefusedMessageLog _refused;
    private FetcherPool _fetchers = null!;
    private ChannelSubscriptions? _subscriptions;

    public JobCoordinator(RedisConnectionProvider redis, IJobStore store, ISymbolLoader loader, HistoricalLoadingSettings settings)
    {
        _redis = redis;
        _loader = loader;
        _settings = settings;
        _statusKeys = new JobStatusKeys(redis, settings.StatusKeyPrefix, settings.StatusTtl);
        _preparation = new JobPreparation(store, _statusKeys, settings);
        _board = new JobBoard(settings.RetryMin, settings.RetryMax);
        _refused = new RefusedMessageLog(settings.RejectedMessagesLoggedInFull);
        Starting();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public IStash Stash { get; set; } = null!;

    public static Props PropsFor(RedisConnectionProvider redis, IJobStore store, ISymbolLoader loader, HistoricalLoadingSettings settings) =>
        Props.Create(() => new JobCoordinator(redis, store, loader, settings));

    protected override void PreStart()
    {
        _fetchers = new FetcherPool(Context, _loader, _settings.Fetchers);
        Self.Tell(Initialize.Instance);
    }

    protected override void PostStop()
    {
        _subscriptions?.Dispose();
        base.PostStop();
    }

    // Until Redis is subscribed and PostgreSQL has told us which jobs to resume, jobs wait.
    private void Starting()
    {
        Receive<Initialize>(_ =>
        {
            var self = Self;
            _preparation.StartAsync(_redis, [_settings.DataLoadChannel, _settings.ControlChannel], (name, payload) => self.Tell(new JobChannelMessage(name, payload)))
                .PipeTo(Self, failure: ex => new Status.Failure(ex));
        });
        Receive<Status.Failure>(failure =>
        {
            _log.Warning("Job coordinator not ready yet ({0}); retrying in 2s", failure.Cause.GetBaseException().Message.Split('\n')[0]);
            Timers.StartSingleTimer("init", Initialize.Instance, TimeSpan.FromSeconds(2));
        });
        Receive<Ready>(ready =>
        {
            _subscriptions = ready.Subscriptions;
            foreach (var abandoned in ready.Abandoned)
            {
                _log.Warning("Job {0} could not be resumed: its stored message no longer parses", abandoned);
            }

            foreach (var state in ready.Resumed)
            {
                _log.Info("Resuming job {0}: {1} of {2} symbols already done", state.JobId, state.Processed, state.TotalSymbols);
                Apply(_board.Resume(state, _clock.Now()));
            }

            Timers.StartPeriodicTimer("status", StatusTick.Instance, _settings.StatusInterval);
            Timers.StartPeriodicTimer("refused", ReportRefused.Instance, _settings.RejectedMessagesReportInterval);
            _log.Info("Job coordinator listening on {0} and {1}", _settings.DataLoadChannel, _settings.ControlChannel);
            Become(Running);
            Stash.UnstashAll();
            Dispatch();
        });
        ReceiveAny(_ => Stash.Stash());
    }

    private void Running()
    {
        Receive<JobChannelMessage>(m => m.Channel == _settings.ControlChannel, OnControl);
        Receive<JobChannelMessage>(OnJobMessage);
        Receive<JobPrepared>(prepared =>
        {
            WriteStatus(prepared.State.ToDocument()); // "running" first, so the consumer sees the job start even if it ends at once
            var change = _board.Prepared(prepared.State, _clock.Now(), out var cancel);
            if (change.Ended)
            {
                Apply(change);
            }

            if (cancel.Requested)
            {
                Cancel(prepared.State.JobId, cancel.By);
            }

            Dispatch();
        });
        Receive<JobRejected>(rejected =>
        {
            if (rejected.WasPrepared)
            {
                _board.Rejected(rejected.JobId);
                _log.Warning("Job {0} failed: {1}", rejected.JobId, rejected.Error);
            }

            if (_board.IsFree(rejected.JobId))
            {
                // Never over the status of a job of the same id that runs or is being prepared.
                WriteStatus(JobStatusDocuments.Rejected(rejected.JobId, rejected.JobType, rejected.Error, _clock.Now(), rejected.SubmittedAt, rejected.Description));
            }
        });
        Receive<JobWaiting>(waiting =>
        {
            var delay = _board.WaitToStart(waiting.Job.JobId);
            _log.Warning("Job {0} waits for {1}; trying again in {2:0.#}s", waiting.Job.JobId, waiting.WaitingFor, delay.TotalSeconds);
            WriteStatus(JobStatusDocuments.Waiting(waiting.Job, waiting.WaitingFor, _clock.Now()));
            Timers.StartSingleTimer("prepare:" + waiting.Job.JobId, new RetryPreparation(waiting), delay);
        });
        Receive<RetryPreparation>(retry =>
        {
            var job = retry.Waiting.Job;
            var (cancelled, by) = _board.RetryPreparation(job.JobId);
            if (cancelled)
            {
                WriteStatus(JobStatusDocuments.CancelledBeforeStart(job, by, _clock.Now()));
                return;
            }

            Prepare(job, retry.Waiting.RawMessage);
        });
        Receive<SymbolLoaded>(loaded =>
        {
            PipelineCounters.JobSymbolFinished(JobSymbolResult.Loaded);
            FetcherDone(_board.SymbolLoaded(loaded.JobId, loaded.Symbol, loaded.Rows, _clock.Now(), loaded.Warning));
        });
        Receive<SymbolFailed>(failed =>
        {
            PipelineCounters.JobSymbolFinished(JobSymbolResult.Failed);
            FetcherDone(_board.SymbolFailed(failed.JobId, failed.Symbol, failed.Reason, failed.FailsJob, _clock.Now()));
        });
        Receive<SymbolInterrupted>(interrupted =>
        {
            _fetchers.Release(Sender);
            var (change, retryIn) = _board.SymbolInterrupted(interrupted.JobId, interrupted.Entry, interrupted.WaitingFor);
            Apply(change);
            if (retryIn is { } delay)
            {
                _log.Warning("Loading paused: waiting for {0}; trying again in {1:0.#}s", interrupted.WaitingFor, delay.TotalSeconds);
                Timers.StartSingleTimer("outage", RetryDependency.Instance, delay);
            }
        });
        Receive<RetryDependency>(_ =>
        {
            _board.Unpause();
            Dispatch();
        });
        Receive<CancelRequestedInStatus>(request => Cancel(request.JobId, "the consumer (status set to cancelling)"));
        Receive<StatusTick>(_ =>
        {
            foreach (var state in _board.Running)
            {
                WriteStatus(state.ToDocument());
            }
        });
        Receive<ReportRefused>(_ => _refused.Report(_log));
    }

    private void OnJobMessage(JobChannelMessage message)
    {
        var parsed = DataLoadJobParser.Parse(message.Payload);
        if (parsed.Job is not { } job)
        {
            _refused.Refused(_log, message.Channel, JobRejectReasons.Of(parsed), parsed.JobId, parsed.ErrorMessage);
            if (parsed.JobId is { } id && _board.IsFree(id))
            {
                var error = parsed.ErrorMessage ?? "invalid job";
                _preparation.RejectAsync(id, parsed.JobType, error).PipeTo(Self, failure: _ => new JobRejected(id, parsed.JobType, error, null, null, WasPrepared: false));
            }

            return;
        }

        if (_board.Submit(job.JobId) == SubmitDecision.AlreadyRunning)
        {
            _log.Warning("Job {0} is already running; the repeated submission is refused", job.JobId);
            Apply(_board.RefuseDuplicate(job.JobId));
            return;
        }

        Prepare(job, Encoding.UTF8.GetString(message.Payload));
    }

    private void OnControl(JobChannelMessage message)
    {
        var parsed = JobControlMessage.Parse(message.Payload);
        if (parsed.Message is { } control)
        {
            Cancel(control.JobId, control.RequestedBy);
        }
        else
        {
            _refused.Refused(_log, message.Channel, parsed.Reason, null, parsed.Error);
        }
    }

    private void Prepare(DataLoadJob job, string rawMessage)
    {
        // Task.Run: the universe file is read and PostgreSQL is called off the actor's thread; the
        // closure captures only the (thread-safe) preparation and the job, and the result comes back as a message.
        var preparation = _preparation;
        Task.Run(() => preparation.PrepareAsync(job, rawMessage))
            .PipeTo(Self, failure: ex => new JobRejected(job.JobId, job.JobType, "could not start: " + ex.GetBaseException().Message.Split('\n')[0], null, null, WasPrepared: true));
    }

    private void Cancel(string jobId, string? requestedBy)
    {
        var (decision, change) = _board.Cancel(jobId, requestedBy, _clock.Now());
        _log.Info(decision switch
        {
            CancelDecision.Cancelled => "Cancelling job {0} (requested by {1})",
            CancelDecision.Deferred => "Cancel for job {0} (requested by {1}) noted: it is cancelled as soon as its preparation ends",
            _ => "Cancel for job {0} (requested by {1}) ignored: it is not running here",
        }, jobId, requestedBy ?? "unknown");
        Apply(change);
        Dispatch();
    }

    private void FetcherDone(JobChange? change)
    {
        _fetchers.Release(Sender);
        Apply(change);
        Dispatch();
    }

    private void Apply(JobChange? change)
    {
        if (change is null)
        {
            return;
        }

        var state = change.State;
        WriteStatus(state.ToDocument());
        if (change.Ended)
        {
            _fetchers.Cancel(state.JobId);
            _log.Info("Job {0} {1}: {2}", state.JobId, state.Status, state.Message);
            _preparation.RecordEnd(state, _log);
        }
    }

    private void Dispatch() => _fetchers.Dispatch(_board);

    private void WriteStatus(JobStatusDocument status) => _statusKeys.Write(status, Self, _log);
}
