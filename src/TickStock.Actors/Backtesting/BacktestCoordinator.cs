using Akka.Actor;
using Akka.Event;
using TickStock.Actors.Loading;
using TickStock.Core.Backtesting;
using TickStock.Core.Jobs;
using TickStock.Core.Retry;
using static TickStock.Actors.Backtesting.BacktestCoordinatorMessages;
using static TickStock.Actors.Backtesting.BacktestRunMessages;

namespace TickStock.Actors.Backtesting;

/// <summary>
/// The cluster singleton (role <see cref="Hosting.NodeRoles.Backtest"/>) that takes <c>backtest_job</c> messages from
/// <c>tickstock.jobs.backtest</c> and <c>cancel_job</c> messages from <c>tickstock.jobs.cancel</c> (contract §5). A bad
/// job is answered <c>failed</c> with the reason; a good one is recorded in the ledger and run by a
/// <see cref="BacktestRun"/> child. Jobs a previous incarnation accepted but never answered (its node was killed, or
/// the singleton moved) are re-run from the ledger, at most <see cref="BacktestCoordinatorSettings.MaxAttempts"/>
/// times in all, then answered <c>failed</c>.
/// </summary>
public sealed class BacktestCoordinator : ReceiveActor, IWithTimers, IWithStash
{
    private sealed record Initialize { public static readonly Initialize Instance = new(); }
    private sealed record ReportRefused { public static readonly ReportRefused Instance = new(); }

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly BacktestServices _services;
    private readonly BacktestCoordinatorSettings _settings;
    private readonly RefusedMessageLog _refused;
    private readonly Dictionary<string, Slot> _jobs = new(StringComparer.Ordinal);
    private Backoff _startBackoff;
    private ChannelSubscriptions? _subscriptions;
    private IActorRef _workers = ActorRefs.Nobody;
    private long _runs;

    public BacktestCoordinator(BacktestServices services, BacktestCoordinatorSettings settings)
    {
        _services = services;
        _settings = settings;
        _refused = new RefusedMessageLog(settings.RejectedMessagesLoggedInFull);
        _startBackoff = new Backoff(settings.RetryMin, settings.RetryMax, BackoffJitter.UpperHalf);
        Starting();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public IStash Stash { get; set; } = null!;

    public static Props PropsFor(BacktestServices services, BacktestCoordinatorSettings settings) =>
        Props.Create(() => new BacktestCoordinator(services, settings));

    // A run that throws is stopped, never restarted: a restart would run the job again and publish a second result.
    // The coordinator sees it terminate without an answer and answers the job failed.
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);

    protected override void PreStart()
    {
        // One router for all runs: it follows the cluster's backtest nodes; the runs only send through it.
        _workers = Context.ActorOf(_services.Workers ?? BacktestWorker.PropsFor(_services.Bars, _settings.WorkerParallelism), "workers");
        Self.Tell(Initialize.Instance);
    }

    protected override void PostStop()
    {
        _subscriptions?.Dispose();
        base.PostStop();
    }

    private void Starting()
    {
        Receive<Initialize>(_ =>
        {
            var self = Self;
            var services = _services;
            var channels = new[] { _settings.JobChannel, _settings.CancelChannel };
            StartAsync(services, channels, (channel, payload) => self.Tell(new ChannelMessage(channel, payload)))
                .PipeTo(Self, failure: ex => new Status.Failure(ex));
        });
        Receive<Status.Failure>(failure =>
        {
            var delay = _startBackoff.Next();
            _log.Warning("Backtest coordinator not ready yet ({0}); retrying in {1:0.#}s", failure.Cause.GetBaseException().Message.Split('\n')[0], delay.TotalSeconds);
            Timers.StartSingleTimer("init", Initialize.Instance, delay);
        });
        Receive<Ready>(ready =>
        {
            _subscriptions = ready.Subscriptions;
            Timers.StartPeriodicTimer("refused", ReportRefused.Instance, _settings.RejectedMessagesReportInterval);
            _log.Info("Backtest coordinator listening on {0} and {1}", _settings.JobChannel, _settings.CancelChannel);
            Become(Running);
            foreach (var entry in ready.Unanswered)
            {
                Rerun(entry);
            }

            Stash.UnstashAll();
        });
        ReceiveAny(_ => Stash.Stash());
    }

    private void Running()
    {
        Receive<ChannelMessage>(m => m.Channel == _settings.CancelChannel && m.Channel != _settings.JobChannel, OnCancel);
        Receive<ChannelMessage>(OnJob);
        Receive<Recorded>(recorded =>
        {
            if (recorded.LedgerError is not null)
            {
                _log.Warning("Backtest {0} runs without a ledger entry (a node stop would lose it): {1}", recorded.Job.JobId, recorded.LedgerError);
            }

            // A counter, not the job id: a job re-submitted as soon as it ended must not meet its old run's name.
            var run = Context.ActorOf(BacktestRun.PropsFor(recorded.Job, _services, _settings, _workers), "run-" + ++_runs);
            Context.Watch(run);
            _jobs[recorded.Job.JobId] = _jobs[recorded.Job.JobId] with { Run = run };
            if (_jobs[recorded.Job.JobId].CancelRequested)
            {
                run.Tell(new Cancel(recorded.Job.JobId));
            }
        });
        Receive<Progressed>(p =>
        {
            if (_jobs.TryGetValue(p.JobId, out var slot))
            {
                _jobs[p.JobId] = slot with { Progress = p.Fraction };
            }
        });
        Receive<Ended>(ended =>
        {
            if (_jobs.Remove(ended.JobId, out var slot) && slot.Run is { } run)
            {
                Context.Unwatch(run);
            }

        });
        Receive<Terminated>(terminated =>
        {
            var lost = _jobs.FirstOrDefault(j => j.Value.Run?.Equals(terminated.ActorRef) == true);
            if (lost.Key is null)
            {
                return;
            }

            _jobs.Remove(lost.Key);
            _log.Error("Backtest {0}: its run stopped without a result; answering it failed", lost.Key);
            Answer(lost.Key, BacktestStatus.Failed, "internal error: the backtest stopped unexpectedly (see the daemon log)");
        });
        Receive<BacktestQueries.GetRunning>(_ =>
            Sender.Tell(new BacktestQueries.RunningBacktests(_jobs.ToDictionary(j => j.Key, j => j.Value.Progress, StringComparer.Ordinal))));
        Receive<ReportRefused>(_ => _refused.Report(_log));
    }

    private void OnJob(ChannelMessage message)
    {
        var parsed = BacktestJobParser.Parse(message.Payload);
        if (parsed.Job is not { } job)
        {
            _refused.Refused(_log, message.Channel, parsed.Reason, parsed.JobId, parsed.Error);
            if (parsed.JobId is { } id && !_jobs.ContainsKey(id))
            {
                Answer(id, BacktestStatus.Failed, "invalid backtest job: " + parsed.Error);
            }

            return;
        }

        if (_jobs.ContainsKey(job.JobId))
        {
            // The same job twice: it already has its one result coming.
            _log.Warning("Backtest {0} is already running; the repeated submission is ignored", job.JobId);
            return;
        }

        if (_jobs.Count >= _settings.MaxConcurrentJobs)
        {
            _log.Warning("Backtest {0} refused: {1} backtests are running already", job.JobId, _jobs.Count);
            Answer(job.JobId, BacktestStatus.Failed, $"busy: {_jobs.Count} backtests are running (at most {_settings.MaxConcurrentJobs}); submit it again later");
            return;
        }

        Start(job, 1, System.Text.Encoding.UTF8.GetString(message.Payload));
    }

    private void OnCancel(ChannelMessage message)
    {
        var (jobId, reason, error) = BacktestCancelParser.Parse(message.Payload);
        if (jobId is null)
        {
            _refused.Refused(_log, message.Channel, reason, null, error);
            return;
        }

        if (!_jobs.TryGetValue(jobId, out var slot))
        {
            // The channel is shared with other cancellable things; a job that is not ours is not an error.
            _log.Info("Cancel for {0} ignored: no such backtest is running", jobId);
            return;
        }

        _log.Info("Cancelling backtest {0}", jobId);
        if (slot.Run is { } run)
        {
            run.Tell(new Cancel(jobId));
        }
        else
        {
            _jobs[jobId] = slot with { CancelRequested = true };
        }
    }

    private void Rerun(LedgerEntry entry)
    {
        var attempt = entry.Attempt + 1;
        var parsed = BacktestJobParser.Parse(System.Text.Encoding.UTF8.GetBytes(entry.Message));
        if (parsed.Job is not { } job || job.JobId != entry.JobId)
        {
            _log.Warning("Backtest {0} was left unanswered by a stopped node, and its stored message no longer parses: answering it failed", entry.JobId);
            Answer(entry.JobId, BacktestStatus.Failed, "the node running this backtest stopped, and the job could not be re-read: submit it again");
            return;
        }

        if (attempt > _settings.MaxAttempts)
        {
            _log.Warning("Backtest {0} was interrupted by a node stop {1} times: answering it failed", entry.JobId, entry.Attempt);
            Answer(entry.JobId, BacktestStatus.Failed, $"the node running this backtest stopped {entry.Attempt} times during it; not run again");
            return;
        }

        _log.Warning("Backtest {0} was left unanswered by a stopped node: running it again (attempt {1} of {2})", entry.JobId, attempt, _settings.MaxAttempts);
        Start(job, attempt, entry.Message);
    }

    private void Start(BacktestJob job, int attempt, string rawMessage)
    {
        _jobs[job.JobId] = new Slot(null, 0, false);
        var ledger = _services.Ledger;
        ledger.RecordAsync(new LedgerEntry(job.JobId, attempt, rawMessage))
            .PipeTo(Self, success: () => new Recorded(job, attempt, null), failure: ex => new Recorded(job, attempt, ex.GetBaseException().Message.Split('\n')[0]));
    }

    private void Answer(string jobId, string status, string error)
    {
        var message = BacktestWire.Ended(jobId, status, error, _services.Clock.GetUtcNow());
        var log = _log;
        _services.Publisher.PublishResultAsync(jobId, message).ContinueWith(
            t => log.Warning("Backtest {0}: the {1} result could not be published: {2}", jobId, status, t.Exception?.GetBaseException().Message),
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    private static async Task<Ready> StartAsync(BacktestServices services, IReadOnlyList<string> channels, Action<string, byte[]> onMessage)
    {
        var subscriptions = await ChannelSubscriptions.SubscribeAsync(services.Redis, channels, onMessage).ConfigureAwait(false);
        try
        {
            return new Ready(subscriptions, await services.Ledger.LoadAsync().ConfigureAwait(false));
        }
        catch
        {
            subscriptions.Dispose();
            throw;
        }
    }

    private sealed record Slot(IActorRef? Run, double Progress, bool CancelRequested);
}
