using Akka.Actor;
using Akka.Event;
using TickStock.Core.Backtesting;
using TickStock.Core.Detectors;
using static TickStock.Actors.Backtesting.BacktestWorkerMessages;

namespace TickStock.Actors.Backtesting;

/// <summary>
/// Per-symbol detection for daemon backtests, one per <see cref="Hosting.NodeRoles.Backtest"/> node at
/// <c>/user/backtest-worker</c>, reached by the coordinator's cluster-aware round-robin group router. For each
/// <see cref="DetectSymbol"/> it reads the symbol's warm-up and range rows from PostgreSQL itself and runs
/// <see cref="SignalDetector.Detect"/>, in a task off the actor's thread, and answers the sender with the symbol's
/// signals. It holds no job state: a lost reply is the run's to retry (elsewhere), never the worker's.
/// </summary>
/// <remarks>
/// At most <c>parallelism</c> symbols run at once on a node, whichever jobs they belong to (the rest wait here in
/// arrival order): detection is CPU, and a node's cores are its limit, however many jobs are sending to it.
/// </remarks>
public sealed class BacktestWorker : ReceiveActor
{
    /// <summary>The actor's name under <c>/user</c> on every backtest node.</summary>
    public const string Name = "backtest-worker";

    private sealed record Finished : INoSerializationVerificationNeeded
    {
        public static readonly Finished Instance = new();
    }

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly IBacktestBarSource _bars;
    private readonly int _parallelism;
    private readonly string _node;
    private readonly Queue<(DetectSymbol Work, IActorRef ReplyTo)> _waiting = new();
    private int _running;

    public BacktestWorker(IBacktestBarSource bars, int parallelism)
    {
        _bars = bars;
        _parallelism = Math.Max(1, parallelism);
        _node = ((ExtendedActorSystem)Context.System).Provider.DefaultAddress.ToString();
        Receive<DetectSymbol>(work =>
        {
            _waiting.Enqueue((work, Sender));
            RunWaiting();
        });
        Receive<Finished>(_ =>
        {
            _running--;
            RunWaiting();
        });
    }

    public static Props PropsFor(IBacktestBarSource bars, int parallelism) => Props.Create(() => new BacktestWorker(bars, parallelism));

    protected override void PreStart()
    {
        _log.Info("Backtest worker ready on {0} ({1} symbols at once)", _node, _parallelism);

        // The detectors' first run in a process is several times slower than the next ones (tiered JIT): 100
        // synthetic backtests at start (about 0.3 s of one core once compiled), in the background, so the first job
        // does not pay for it.
        var log = _log;
        Task.Run(() => SyntheticHistory.WarmUp(TimeSpan.FromSeconds(1), minRuns: 100)).ContinueWith(
            t => log.Debug("Backtest worker warm-up: {0}", t.IsCompletedSuccessfully ? t.Result + " synthetic backtests" : t.Exception?.GetBaseException().Message),
            CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    private void RunWaiting()
    {
        while (_running < _parallelism && _waiting.TryDequeue(out var next))
        {
            _running++;
            var (work, replyTo) = next;
            var self = Self;
            var bars = _bars;
            var node = _node;
            Task.Run(() => DetectAsync(bars, work, node)).ContinueWith(
                t =>
                {
                    try
                    {
                        replyTo.Tell(t.IsCompletedSuccessfully ? t.Result : new DetectFailed(work.JobId, work.Symbol, node, BacktestRun.Describe(t.Exception!)));
                    }
                    catch (Exception ex)
                    {
                        // A reply that cannot be serialized must still end in an answer (and free the slot below).
                        replyTo.Tell(new DetectFailed(work.JobId, work.Symbol, node, "the signals could not be sent: " + ex.Message));
                    }
                    finally
                    {
                        self.Tell(Finished.Instance);
                    }
                },
                CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }
    }

    private static async Task<IBacktestMessage> DetectAsync(IBacktestBarSource bars, DetectSymbol work, string node)
    {
        var patterns = new List<PatternKind>(work.Patterns.Count);
        foreach (string name in work.Patterns)
        {
            if (!PatternCatalog.TryResolve(name, out var kinds))
            {
                return new DetectFailed(work.JobId, work.Symbol, node, $"unknown pattern '{name}' (a node of another version?)");
            }

            patterns.AddRange(kinds);
        }

        var history = await bars.ReadAsync(work.Symbol, work.Start, work.End, CancellationToken.None).ConfigureAwait(false);
        return new SymbolDetected(work.JobId, node, SignalDetector.Detect(history, work.Start, work.End, patterns));
    }
}
