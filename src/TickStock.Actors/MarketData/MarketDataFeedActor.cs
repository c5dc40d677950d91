using Akka;
using Akka.Actor;
using Akka.Event;
using Akka.Streams;
using Akka.Streams.Dsl;
using TickStock.Actors.Symbols;
using TickStock.Core.Retry;

namespace TickStock.Actors.MarketData;

/// <summary>
/// Runs the cluster's market data stream (a singleton on the oldest <c>feed</c> node, so each bar reaches its
/// SymbolActor once) into the SymbolActor shard region and restarts it with back-off when it fails.
/// Each command is Asked (<see cref="SymbolCommands.Ack"/>), a bounded number in flight, so a slow SymbolActor slows the
/// source down instead of bars being dropped. The stream is owned by this actor: it stops with it.
/// </summary>
public sealed class MarketDataFeedActor : ReceiveActor, IWithTimers
{
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly string _name;
    private readonly Func<Source<IWithSymbol, NotUsed>> _source;
    private readonly IActorRef _region;
    private readonly int _parallelism;
    private readonly LiveFeedMonitor? _live;
    private UniqueKillSwitch? _killSwitch;
    private long _sent;
    private int _failures;
    private bool _running;
    private bool _stopping;
    private readonly List<IActorRef> _stopWaiters = [];
    private DateTimeOffset? _lastDeliveredAt;

    // 2 s after the first failure, doubling to at most 60 s. The stream's failures are counted for the stats, never
    // reset: a source that keeps failing stays at the slow end.
    private Backoff _restartBackoff = new(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(60));

    /// <param name="live">The provider stream's monitor, reported with the stats (polygon source only).</param>
    public MarketDataFeedActor(string name, Func<Source<IWithSymbol, NotUsed>> source, IActorRef region, int parallelism, LiveFeedMonitor? live = null)
    {
        _live = live;
        _name = name;
        _source = source;
        _region = region;
        _parallelism = parallelism;
        Receive<Start>(_ =>
        {
            if (!_stopping) Run();
        });
        Receive<Completed>(_ =>
        {
            _running = false;
            _log.Info("Market data source {0} completed after {1} commands", _name, _sent);
            AnswerStopWaiters();
        });
        Receive<Failed>(f =>
        {
            _running = false;
            _failures++;
            if (_stopping)
            {
                AnswerStopWaiters();
                return;
            }

            TimeSpan delay = _restartBackoff.Next();
            _log.Warning("Market data source {0} failed ({1}); restarting in {2}", _name, f.Cause.GetBaseException().Message, delay);
            Timers.StartSingleTimer("restart", Start.Instance, delay);
        });
        Receive<Sent>(s =>
        {
            _sent += s.Count;
            _lastDeliveredAt = DateTimeOffset.UtcNow;
        });
        Receive<MarketDataFeedCommands.StopFeeding>(_ =>
        {
            _stopping = true;
            Timers.Cancel("restart");
            _stopWaiters.Add(Sender);
            if (_running)
            {
                _log.Info("Market data source {0} stopping: this node is leaving", _name);
                _killSwitch?.Shutdown();
            }
            else
            {
                AnswerStopWaiters();
            }
        });
        Receive<MarketDataFeedQueries.GetStats>(_ => Sender.Tell(new MarketDataFeedQueries.FeedStats(_name, _sent, _failures, _running, _lastDeliveredAt)
        {
            Live = _live?.Snapshot(),
        }));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart() => Self.Tell(Start.Instance);

    protected override void PostStop() => _killSwitch?.Shutdown();

    private void AnswerStopWaiters()
    {
        foreach (var waiter in _stopWaiters) waiter.Tell(MarketDataFeedCommands.FeedStopped.Instance);
        _stopWaiters.Clear();
    }

    private void Run()
    {
        _killSwitch?.Shutdown();
        var self = Self;
        var region = _region;
        var (killSwitch, done) = _source()
            .ViaMaterialized(KillSwitches.Single<IWithSymbol>(), Keep.Right)
            .SelectAsync(_parallelism, async command =>
            {
                await region.Ask<SymbolCommands.Ack>(command, TimeSpan.FromSeconds(60)).ConfigureAwait(false);
                return 1;
            })
            .GroupedWithin(10_000, TimeSpan.FromSeconds(1))
            .Select(batch => new Sent(batch.Count()))
            .ToMaterialized(Sink.ForEach<Sent>(s => self.Tell(s)), Keep.Both)
            .Run(Context.Materializer());
        _killSwitch = killSwitch;
        _running = true;
        done.PipeTo(self, success: () => Completed.Instance, failure: ex => new Failed(ex));
        _log.Info("Market data source {0} started", _name);
    }

    public static Props Props(string name, Func<Source<IWithSymbol, NotUsed>> source, IActorRef region, int parallelism, LiveFeedMonitor? live = null) =>
        Akka.Actor.Props.Create(() => new MarketDataFeedActor(name, source, region, parallelism, live));

    // The actor's own messages never leave it (INoSerializationVerificationNeeded: no wire format needed).
    private sealed record Start : INoSerializationVerificationNeeded
    {
        public static readonly Start Instance = new();
    }

    private sealed record Completed : INoSerializationVerificationNeeded
    {
        public static readonly Completed Instance = new();
    }

    private sealed record Failed(Exception Cause) : INoSerializationVerificationNeeded;

    private sealed record Sent(int Count) : INoSerializationVerificationNeeded;
}
