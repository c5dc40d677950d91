using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using TickStock.Core.Backtesting;
using TickStock.Core.Detectors;
using TickStock.Core.Jobs;
using TickStock.Core.Loading;
using TickStock.Core.Retry;
using static TickStock.Actors.Backtesting.BacktestRunMessages;

namespace TickStock.Actors.Backtesting;

/// <summary>
/// One backtest job, child of the <see cref="BacktestCoordinator"/>: makes sure the history is stored (asking the
/// loader for what is missing), sends each symbol to the <see cref="BacktestWorker"/>s of the cluster (through the
/// coordinator's group router; a window of them at once), merges their signals in one account simulation, and
/// publishes progress on a timer and at each symbol, then exactly one result. Every piece of I/O and computation runs
/// in a task that captures no actor state and comes back as a message.
/// </summary>
/// <remarks>
/// A symbol sent to a worker whose node dies is sent again: soon (after <see cref="BacktestCoordinatorSettings.NodeLossResend"/>,
/// so the router has dropped the node) when a member becomes unreachable or leaves, and as a new try when no answer
/// came within <see cref="BacktestCoordinatorSettings.SymbolTimeout"/> of the try's start; after <see cref="BacktestCoordinatorSettings.MaxSymbolTries"/>
/// unanswered tries the job is answered <c>failed</c>. Detection is deterministic, so whichever answer for a symbol
/// comes first is the answer; later ones are ignored.
/// </remarks>
public sealed class BacktestRun : ReceiveActor, IWithTimers
{
    private sealed record ProgressTick { public static readonly ProgressTick Instance = new(); }
    private sealed record LoadPoll { public static readonly LoadPoll Instance = new(); }
    private sealed record RetryPublish { public static readonly RetryPublish Instance = new(); }
    private sealed record MissingFound(IReadOnlyList<string> Symbols);
    private sealed record LoadSubmitted(bool Listened);
    private sealed record LoadStatus(JobStatusDocument? Status);
    private sealed record SymbolTimedOut(string Symbol, long Ticket);
    private sealed record NodeLost(string Address);
    private sealed record ResendAfterNodeLoss { public static readonly ResendAfterNodeLoss Instance = new(); }
    private sealed record Simulated(string Message);
    private sealed record StepFailed(string Error);
    private sealed record ResultPublished { public static readonly ResultPublished Instance = new(); }
    private sealed record PublishFailed(string Error);

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly BacktestJob _job;
    private readonly BacktestServices _services;
    private readonly BacktestCoordinatorSettings _settings;
    private readonly CancellationTokenSource _cancel = new();
    private readonly BacktestProgress _progress;
    private readonly IActorRef _workers;
    private readonly IReadOnlyList<string> _patternNames;
    private readonly Queue<string> _toDetect = new();
    private readonly Dictionary<string, InFlight> _inFlight = new(StringComparer.Ordinal);
    private readonly List<SymbolSignals> _detected = [];
    private readonly SortedDictionary<string, int> _symbolsByNode = new(StringComparer.Ordinal);
    private long _tickets;
    private readonly List<string> _warnings = [];
    private Backoff _publishBackoff;
    private int _missing;
    private int _loadedReported;
    private bool _pollInFlight;
    private string? _loadJobId;
    private string? _currentSymbol;
    private string _result = string.Empty;
    private string _status = string.Empty;

    public BacktestRun(BacktestJob job, BacktestServices services, BacktestCoordinatorSettings settings, IActorRef workers)
    {
        _job = job;
        _workers = workers;
        _patternNames = job.Request.Patterns.Select(PatternCatalog.Name).ToArray();
        _services = services;
        _settings = settings;
        _progress = new BacktestProgress(job.Symbols.Count, services.Clock.GetUtcNow());
        _publishBackoff = new Backoff(settings.RetryMin, settings.RetryMax, BackoffJitter.UpperHalf);
        Working();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props PropsFor(BacktestJob job, BacktestServices services, BacktestCoordinatorSettings settings, IActorRef workers) =>
        Props.Create(() => new BacktestRun(job, services, settings, workers));

    protected override void PreStart()
    {
        _log.Info("Backtest {0}: {1} symbols, {2:yyyy-MM-dd} … {3:yyyy-MM-dd}, {4} (user {5})", _job.JobId, _job.Symbols.Count,
            _job.Request.Start, _job.Request.End, _job.Request.Patterns.Count == 0 ? "all daily patterns" : _job.Request.Patterns.Count + " patterns", _job.UserId ?? "unknown");
        Timers.StartPeriodicTimer("progress", ProgressTick.Instance, _settings.ProgressInterval);
        if (((ExtendedActorSystem)Context.System).Provider is IClusterActorRefProvider)
        {
            Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.UnreachableMember), typeof(ClusterEvent.MemberRemoved));
        }

        PublishProgress();
        CheckHistory();
    }

    protected override void PostStop()
    {
        if (((ExtendedActorSystem)Context.System).Provider is IClusterActorRefProvider)
        {
            Cluster.Get(Context.System).Unsubscribe(Self);
        }

        _cancel.Cancel();
        _cancel.Dispose();
        base.PostStop();
    }

    private DateTimeOffset Now => _services.Clock.GetUtcNow();

    private void Working()
    {
        Receive<ProgressTick>(_ => PublishProgress());
        Receive<MissingFound>(OnMissing);
        Receive<LoadSubmitted>(submitted =>
        {
            if (!submitted.Listened)
            {
                Warn($"history not loaded: no loader listens for data-load jobs; {_missing} symbols run on the bars already stored");
                LoadDone(null);
                return;
            }

            Timers.StartPeriodicTimer("load", LoadPoll.Instance, _settings.LoadPollInterval);
        });
        Receive<LoadPoll>(_ =>
        {
            if (_pollInFlight || _loadJobId is null)
            {
                return;
            }

            _pollInFlight = true;
            var history = _services.History;
            var id = _loadJobId;
            history.StatusAsync(id).PipeTo(Self, success: s => new LoadStatus(s), failure: _ => new LoadStatus(null));
        });
        Receive<LoadStatus>(OnLoadStatus);
        Receive<BacktestWorkerMessages.SymbolDetected>(d => d.JobId == _job.JobId, OnDetected);
        Receive<BacktestWorkerMessages.DetectFailed>(f => f.JobId == _job.JobId && _inFlight.ContainsKey(f.Symbol),
            f => Self.Tell(new StepFailed($"{f.Symbol}: {f.Error}")));
        Receive<SymbolTimedOut>(OnTimedOut);
        Receive<ClusterEvent.UnreachableMember>(m => Self.Tell(new NodeLost(m.Member.Address.ToString())));
        Receive<ClusterEvent.MemberRemoved>(m => Self.Tell(new NodeLost(m.Member.Address.ToString())));
        Receive<NodeLost>(lost =>
        {
            if (_inFlight.Count > 0)
            {
                _log.Warning("Backtest {0}: node {1} lost; the {2} symbols out with workers are sent again in {3:0.#}s", _job.JobId, lost.Address, _inFlight.Count, _settings.NodeLossResend.TotalSeconds);
                Timers.StartSingleTimer("node-loss", ResendAfterNodeLoss.Instance, _settings.NodeLossResend);
            }
        });
        Receive<ResendAfterNodeLoss>(_ =>
        {
            // Not a new try: the symbol's timer keeps running, so however often nodes come and go a symbol is answered
            // or counted out within MaxSymbolTries × SymbolTimeout. A symbol that was not on the lost node is merely
            // detected twice (the first answer wins).
            foreach (var symbol in _inFlight.Keys)
            {
                Dispatch(symbol);
            }
        });
        Receive<ClusterEvent.IClusterDomainEvent>(_ => { });
        Receive<Simulated>(simulated =>
        {
            _progress.Advance(1);
            PublishProgress();
            Answer(BacktestStatus.Completed, simulated.Message);
        });
        Receive<StepFailed>(failed => Answer(BacktestStatus.Failed, BacktestWire.Ended(_job.JobId, BacktestStatus.Failed, failed.Error, Now)));
        Receive<Cancel>(_ =>
        {
            if (_loadJobId is { } load)
            {
                _services.History.CancelAsync(load, "backtest " + _job.JobId + " (cancelled)").PipeTo(Self, success: () => ProgressTick.Instance, failure: _ => ProgressTick.Instance);
            }

            Answer(BacktestStatus.Cancelled, BacktestWire.Ended(_job.JobId, BacktestStatus.Cancelled, "cancelled by a cancel_job request", Now));
        });
    }

    // The result is decided; it is published once, retried on the back-off while Redis is down.
    private void Answering()
    {
        Receive<ResultPublished>(_ =>
        {
            _log.Info("Backtest {0} {1}", _job.JobId, _status == BacktestStatus.Completed ? "completed" : _status + ": " + ErrorOf(_result));
            Context.Parent.Tell(new Ended(_job.JobId, _status));
            Context.Stop(Self);
        });
        Receive<PublishFailed>(failed =>
        {
            var delay = _publishBackoff.Next();
            _log.Warning("Backtest {0}: the result could not be published ({1}); retrying in {2:0.#}s", _job.JobId, failed.Error, delay.TotalSeconds);
            Timers.StartSingleTimer("publish", RetryPublish.Instance, delay);
        });
        Receive<RetryPublish>(_ => PublishResult());
        Receive<Cancel>(_ => _log.Info("Backtest {0}: cancel ignored, its result is already decided", _job.JobId));
        ReceiveAny(_ => { }); // late work of a run that already has its result
    }

    private void CheckHistory()
    {
        if (BacktestHistoryWindow.Needed(_job.Request.Start, _job.Request.End, _settings.Now ?? Now) is not { } window)
        {
            _progress.Advance(_job.Symbols.Count); // no complete session in the range: nothing could be loaded
            StartDetection();
            return;
        }

        var bars = _services.Bars;
        var symbols = _job.Symbols;
        var ct = _cancel.Token;
        Task.Run(() => bars.MissingAsync(symbols, window, ct), ct)
            .PipeTo(Self, success: m => new MissingFound(m), failure: ex => new StepFailed("could not read the stored history: " + Describe(ex)));
    }

    private void OnMissing(MissingFound found)
    {
        _missing = found.Symbols.Count;
        _progress.Advance(_job.Symbols.Count - _missing);
        if (_missing == 0)
        {
            StartDetection();
            return;
        }

        var now = _settings.Now ?? Now;
        var window = BacktestHistoryWindow.Needed(_job.Request.Start, _job.Request.End, now)!;
        if (BacktestHistoryWindow.LoadYears(window, now) is not { } years)
        {
            Warn($"history not loaded: the warm-up starts {window.FirstDate:yyyy-MM-dd}, more than {BacktestHistoryWindow.MaxLoadYears} years ago");
            LoadDone(null);
            return;
        }

        // One load id per backtest job: when a re-run (after a node stop) finds the load it asked for resumed by the
        // loader, its submission is refused as a duplicate and it follows the resumed load, instead of a second load
        // writing the same symbols at the same time.
        _loadJobId = "bt-" + (_job.JobId.Length > 150 ? _job.JobId[..150] : _job.JobId) + "-history";
        _log.Info("Backtest {0}: {1} symbols lack daily rows for {2:yyyy-MM-dd} … {3:yyyy-MM-dd}; loading them as job {4} ({5} years)",
            _job.JobId, _missing, window.FirstDate, window.LastDate, _loadJobId, years);
        var history = _services.History;
        var loadId = _loadJobId;
        var missing = found.Symbols;
        history.SubmitAsync(loadId, missing, years)
            .PipeTo(Self, success: listened => new LoadSubmitted(listened), failure: ex => new StepFailed("could not ask for the missing history: " + Describe(ex)));
    }

    private void OnLoadStatus(LoadStatus status)
    {
        _pollInFlight = false;
        if (status.Status is not { } s || s.JobId != _loadJobId)
        {
            return;
        }

        int processed = Math.Min(_missing, s.ProcessedSymbols);
        if (processed > _loadedReported)
        {
            _progress.Advance(processed - _loadedReported);
            _loadedReported = processed;
        }

        _currentSymbol = s.CurrentSymbol ?? _currentSymbol;
        if (!JobStatusValues.IsTerminal(s.Status))
        {
            return;
        }

        foreach (var (symbol, reason) in s.Errors)
        {
            Warn($"{symbol}: history not loaded ({reason})");
        }

        if (s.Status == JobStatusValues.Failed)
        {
            Warn($"history load {_loadJobId} failed: {s.ErrorMessage}");
        }

        LoadDone(s);
    }

    private void LoadDone(JobStatusDocument? _)
    {
        Timers.Cancel("load");
        _loadJobId = null;
        _progress.Advance(_missing - _loadedReported);
        _loadedReported = _missing;
        StartDetection();
    }

    private void StartDetection()
    {
        foreach (var symbol in _job.Symbols)
        {
            _toDetect.Enqueue(symbol);
        }

        DetectNext();
    }

    private void DetectNext()
    {
        while (_inFlight.Count < _settings.DetectParallelism && _toDetect.TryDequeue(out var symbol))
        {
            _currentSymbol ??= symbol;
            Send(symbol, 1);
        }
    }

    private void Send(string symbol, int tries)
    {
        long ticket = ++_tickets;
        _inFlight[symbol] = new InFlight(tries, ticket);
        Dispatch(symbol);
        Timers.StartSingleTimer("detect:" + symbol, new SymbolTimedOut(symbol, ticket), _settings.SymbolTimeout);
    }

    private void Dispatch(string symbol) =>
        _workers.Tell(new BacktestWorkerMessages.DetectSymbol(_job.JobId, symbol, _job.Request.Start, _job.Request.End, _patternNames));

    private void OnDetected(BacktestWorkerMessages.SymbolDetected detected)
    {
        var symbol = detected.Signals.Symbol;
        if (!_inFlight.Remove(symbol))
        {
            return; // a second answer for a symbol sent twice (after a node loss or a timeout)
        }

        Timers.Cancel("detect:" + symbol);
        _detected.Add(detected.Signals);
        _symbolsByNode[detected.Node] = _symbolsByNode.GetValueOrDefault(detected.Node) + 1;
        _currentSymbol = symbol;
        _progress.Advance(1);
        PublishProgress();
        if (_detected.Count == _job.Symbols.Count)
        {
            _log.Info("Backtest {0}: {1} symbols detected on {2} node(s): {3}", _job.JobId, _detected.Count, _symbolsByNode.Count,
                string.Join(", ", _symbolsByNode.Select(n => $"{n.Key} {n.Value}")));
            Simulate();
        }
        else
        {
            DetectNext();
        }
    }

    private void OnTimedOut(SymbolTimedOut timedOut)
    {
        if (!_inFlight.TryGetValue(timedOut.Symbol, out var sent) || sent.Ticket != timedOut.Ticket)
        {
            return;
        }

        if (sent.Tries >= _settings.MaxSymbolTries)
        {
            Self.Tell(new StepFailed($"{timedOut.Symbol}: no backtest worker answered within {_settings.SymbolTimeout.TotalSeconds:0.#}s, {sent.Tries} times (nodes lost or overloaded)"));
            return;
        }

        _log.Warning("Backtest {0}: no worker answered for {1} within {2:0.#}s (try {3} of {4}); sending it again", _job.JobId, timedOut.Symbol,
            _settings.SymbolTimeout.TotalSeconds, sent.Tries, _settings.MaxSymbolTries);
        Send(timedOut.Symbol, sent.Tries + 1);
    }

    private void Simulate()
    {
        if (_detected.All(s => s.Bars.Count == 0))
        {
            var why = _warnings.Count == 0 ? string.Empty : " (" + string.Join("; ", _warnings) + ")";
            Self.Tell(new StepFailed($"no daily bars between {_job.Request.Start:yyyy-MM-dd} and {_job.Request.End:yyyy-MM-dd} for any of the symbols{why}"));
            return;
        }

        // The engine's result does not depend on the order; ordinal order keeps the inputs themselves reproducible.
        var signals = _detected.OrderBy(s => s.Symbol, StringComparer.Ordinal).ToArray();
        var job = _job;
        var clock = _services.Clock;
        Task.Run(() =>
            {
                var outcome = AccountSimulation.Run(signals, job.Request.Parameters);
                var result = BacktestReport.Build(signals, outcome, job.Request.Parameters);
                return BacktestWire.Completed(job.JobId, result, job.IncludeTrades, clock.GetUtcNow());
            })
            .PipeTo(Self, success: m => new Simulated(m), failure: ex => new StepFailed("the simulation failed: " + Describe(ex)));
    }

    private void Answer(string status, string message)
    {
        _cancel.Cancel();
        Timers.CancelAll();
        _status = status;
        _result = message;
        Become(Answering);
        PublishResult();
    }

    private void PublishResult()
    {
        var publisher = _services.Publisher;
        var message = _result;
        var jobId = _job.JobId;
        publisher.PublishResultAsync(jobId, message).PipeTo(Self, success: () => ResultPublished.Instance, failure: ex => new PublishFailed(Describe(ex)));
    }

    private void PublishProgress()
    {
        var now = Now;
        var fraction = _progress.Fraction;
        var message = BacktestWire.Progress(_job.JobId, fraction, _currentSymbol ?? _job.Symbols[0], _progress.EstimatedCompletion(now), now);
        var log = _log;
        var jobId = _job.JobId;
        _services.Publisher.PublishProgressAsync(message).ContinueWith(
            t => log.Warning("Backtest {0}: progress not published: {1}", jobId, t.Exception?.GetBaseException().Message),
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        Context.Parent.Tell(new Progressed(_job.JobId, fraction));
    }

    private void Warn(string warning)
    {
        _warnings.Add(warning);
        _log.Warning("Backtest {0}: {1}", _job.JobId, warning);
    }

    private static string ErrorOf(string result)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(result);
        return doc.RootElement.TryGetProperty("error_message", out var e) ? e.GetString() ?? string.Empty : string.Empty;
    }

    /// <summary>One line for an error message: the dependency that is down when that is the cause.</summary>
    internal static string Describe(Exception ex)
    {
        var inner = ex is AggregateException a ? a.GetBaseException() : ex;
        return Loading.Outage.Of(inner) is { } dependency ? dependency + " unavailable: " + inner.Message.Split('\n')[0] : inner.Message.Split('\n')[0];
    }

    private readonly record struct InFlight(int Tries, long Ticket);
}
