using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using Akka.Hosting;
using TickStock.Actors.Diagnostics;
using TickStock.Actors.Hosting;
using TickStock.Actors.Publishing;
using TickStock.Core.Bars;
using TickStock.Core.Contracts;
using TickStock.Core.Symbols;

namespace TickStock.Actors.Symbols;

/// <summary>Settings shared by every SymbolActor of a node.</summary>
public sealed record SymbolActorSettings
{
    /// <summary>Detection and publication settings of each symbol.</summary>
    public SymbolStateOptions State { get; init; } = new();

    /// <summary>Daily history to seed from at start; null = start empty.</summary>
    public IDailyBarSource? DailyBars { get; init; }

    /// <summary>Daily bars to seed (≥ 200 so SMA(200) and 52-week levels are ready).</summary>
    public int SeedDays { get; init; } = 300;

    /// <summary>How long after a minute ends its tick-built bar is completed if no later tick arrives.</summary>
    public TimeSpan TickGrace { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Clock for detection times (tests may fix it).</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>How often the reference index's actor publishes its latest update number, so subscribers that missed the
    /// last updates notice even while the reference index is quiet.</summary>
    public TimeSpan ReferenceIndexHeartbeat { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The reference index's closes, one store for every SymbolActor of the node, filled by the node's
    /// <see cref="ReferenceIndexFeedActor"/>: <c>AddSymbolSharding</c> always sets one and starts that feed. Null = each
    /// actor keeps its own copy and starts its own feed as a child (an actor created outside <c>AddSymbolSharding</c>
    /// still gets the closes, at the cost of one subscription per actor).
    /// </summary>
    public ReferenceIndexCloses? ReferenceIndexCloses { get; init; }
}

/// <summary>
/// One ticker's actor, a Cluster.Sharding entity. A thin shell around <see cref="SymbolState"/>: it seeds daily
/// history asynchronously (stashing bars meanwhile), feeds bars/ticks to the state and sends every publication to
/// the pattern pipeline as <see cref="PatternCommands.PatternDetected"/>. Senders that Ask get
/// <see cref="SymbolCommands.Ack"/>, which is how the market data streams back-pressure.
/// </summary>
public sealed class SymbolActor : ReceiveActor, IWithStash, IWithTimers
{
    private const string FlushTimer = "flush-ticks";
    private const string HeartbeatTimer = "reference-index-heartbeat";
    // Filled and drained within one message, so one list per thread serves every SymbolActor on it.
    [ThreadStatic] private static List<Publication>? t_publications;
    private ILoggingAdapter? _log;
    private readonly SymbolActorSettings _settings;
    private readonly string _symbol;
    private readonly SymbolState _state;
    private readonly DateTimeOffset _startedAt;
    private MinuteBarBuilder? _ticks;
    private IActorRef? _pipeline;
    private static int s_warnedUnrouted;
    private long _tickSkewMs;
    private long _published;
    private long _unrouted;
    private long _sharedMinuteKey = long.MinValue;
    private long _sharedDailyKey = long.MinValue;

    // Relative strength across the cluster, as the reference index: this life's id and the number of the last update
    // published. Any other symbol only reads the store, which a ReferenceIndexFeedActor fills.
    private readonly long _incarnation = Random.Shared.NextInt64(1, long.MaxValue);
    private long _sequence;
    private IActorRef _mediator = ActorRefs.Nobody;
    private string? _referenceIndexTopic;

    public SymbolActor(string symbol, SymbolActorSettings settings)
    {
        _symbol = symbol;
        _settings = settings;
        _startedAt = settings.Clock.GetUtcNow();
        _state = new SymbolState(symbol, settings.State, settings.ReferenceIndexCloses);
        if (settings.DailyBars is null)
        {
            Become(Running);
        }
        else
        {
            Become(Seeding);
        }
    }

    public IStash Stash { get; set; } = null!;

    /// <summary>Created by the first log line (most actors never write one).</summary>
    private ILoggingAdapter Log => _log ??= Context.GetLogger();

    private static List<Publication> Publications => t_publications ??= new(8);

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart()
    {
        PipelineCounters.SymbolStarted();
        if (_state.IsReferenceIndex)
        {
            _mediator = DistributedPubSub.Get(Context.System).Mediator;
            _referenceIndexTopic = ReferenceIndexMessages.Topic(_symbol);
            Timers.StartPeriodicTimer(HeartbeatTimer, ReferenceIndexHeartbeat.Instance, _settings.ReferenceIndexHeartbeat);
        }
        else if (_settings.ReferenceIndexCloses is null && _settings.State.ReferenceIndex is { Length: > 0 } referenceIndex)
        {
            // No node-wide store (and so no node-wide feed) was given: this actor's private store needs a feed of its own.
            // A shared store is fed once per node by the feed AddSymbolSharding starts; the actor only reads it.
            var region = ClusterSharding.Get(Context.System).ShardRegion(SymbolHostingExtensions.SymbolShardTypeName);
            Context.ActorOf(ReferenceIndexFeedActor.PropsFor(referenceIndex, _state.ReferenceIndexCloses, region), ReferenceIndexFeedActor.Name);
        }

        if (_settings.DailyBars is { } source)
        {
            source.LoadAsync(_symbol, _settings.SeedDays).PipeTo(Self,
                success: bars => new SeedLoaded(bars),
                failure: ex => new SeedFailed(ex));
        }
    }

    protected override void PostStop() => PipelineCounters.SymbolStopped();

    /// <summary>Every message starts with an empty publication list: one a failed message left behind on this thread
    /// belongs to another actor.</summary>
    protected override bool AroundReceive(Receive receive, object message)
    {
        t_publications?.Clear();
        return base.AroundReceive(receive, message);
    }

    private void Seeding()
    {
        Receive<SeedLoaded>(loaded =>
        {
            foreach (Bar bar in loaded.Bars) _state.SeedDaily(bar);
            ShareReferenceIndex();
            Log.Debug("SymbolActor {0} seeded {1} daily bars", _symbol, loaded.Bars.Count);
            Stash.UnstashAll();
            Become(Running);
        });
        Receive<SeedFailed>(failed =>
        {
            Log.Warning("SymbolActor {0}: no daily history ({1}); starting empty", _symbol, failed.Cause.GetBaseException().Message);
            Stash.UnstashAll();
            Become(Running);
        });
        ReceiveAny(_ => Stash.Stash());
    }

    private void Running()
    {
        Receive<SymbolCommands.MinuteBar>(m =>
        {
            _state.OnMinuteBar(m.Bar, Publications);
            PipelineCounters.BarsProcessedAdd(Timeframe.OneMinute, 1);
            PublishAndAck();
        });
        Receive<SymbolCommands.MinuteBars>(m =>
        {
            if (m.Bars is ArraySegment<Bar> segment)
            {
                // The fast sources' batches: no interface call and no copy per bar.
                ReadOnlySpan<Bar> bars = segment.AsSpan();
                List<Publication> publications = Publications;
                for (int i = 0; i < bars.Length; i++) _state.OnMinuteBar(bars[i], publications);
            }
            else
            {
                for (int i = 0; i < m.Bars.Count; i++) _state.OnMinuteBar(m.Bars[i], Publications);
            }

            PipelineCounters.BarsProcessedAdd(Timeframe.OneMinute, m.Bars.Count);

            PublishAndAck();
        });
        Receive<SymbolCommands.DailyBar>(m =>
        {
            _state.OnDailyBar(m.Bar, Publications);
            PipelineCounters.BarsProcessedAdd(Timeframe.Daily, 1);
            PublishAndAck();
        });
        Receive<SymbolCommands.SeedDailyBars>(m =>
        {
            foreach (Bar bar in m.Bars) _state.SeedDaily(bar);
            ShareReferenceIndex();
            Ack();
        });
        Receive<SymbolCommands.Tick>(OnTick);
        Receive<ReferenceIndexMessages.SnapshotRequest>(_ =>
        {
            if (_state.IsReferenceIndex && !Sender.IsNobody() && !Sender.Equals(Self))
            {
                Sender.Tell(new ReferenceIndexMessages.Snapshot(_symbol, _incarnation, _sequence,
                    _state.ReferenceIndexCloses.MinutesAfter(long.MinValue), _state.ReferenceIndexCloses.DailyAfter(long.MinValue)));
            }
        });
        Receive<ReferenceIndexHeartbeat>(_ => _mediator.Tell(new Publish(_referenceIndexTopic!,
            new ReferenceIndexMessages.Closes(_symbol, _incarnation, _sequence, [], []))));
        Receive<FlushTicks>(_ => FlushTickBar());
        Receive<SeedLoaded>(_ => { }); // a late seed after a restart of the same incarnation is not applied twice
        Receive<SymbolQueries.GetStatus>(_ => Sender.Tell(new SymbolQueries.SymbolStatus(_symbol, _state.MinuteBars, _startedAt)
        {
            DailyBars = _state.DailyBars,
            LastBarTime = LastBarTime(),
            PatternsPublished = _published,
            ReferenceIndexMinutes = _state.ReferenceIndexCloses.MinuteCount,
            ReferenceIndexDays = _state.ReferenceIndexCloses.DailyCount,
        }));
    }

    /// <summary>The later of the last 1-minute bar and the last daily bar (midnight UTC of its session).</summary>
    private DateTimeOffset? LastBarTime()
    {
        DateTimeOffset? minute = _state.LastMinuteBarTimeMs is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
        int date = _state.LastDailyDate;
        DateTimeOffset? daily = date == 0
            ? null
            : new DateTimeOffset(new DateOnly(date / 10000, date / 100 % 100, date % 100), TimeOnly.MinValue, TimeSpan.Zero);
        return minute > daily || daily is null ? minute : daily;
    }

    private void OnTick(SymbolCommands.Tick tick)
    {
        _ticks ??= new MinuteBarBuilder();
        // Tick time may lag the wall clock (a delayed or replayed feed): minutes are closed on the feed's timeline.
        _tickSkewMs = _settings.Clock.GetUtcNow().ToUnixTimeMilliseconds() - tick.TimeMs;
        if (_ticks.OnTick(tick.TimeMs, tick.Price, tick.Volume, out Bar completed))
        {
            _state.OnMinuteBar(completed, Publications);
        }

        if (!Timers.IsTimerActive(FlushTimer))
        {
            Timers.StartPeriodicTimer(FlushTimer, FlushTicks.Instance, TimeSpan.FromSeconds(1));
        }

        PublishAndAck();
    }

    private void FlushTickBar()
    {
        long now = _settings.Clock.GetUtcNow().ToUnixTimeMilliseconds() - _tickSkewMs - (long)_settings.TickGrace.TotalMilliseconds;
        if (_ticks is not null && _ticks.TryFlush(now, out Bar completed))
        {
            _state.OnMinuteBar(completed, Publications);
            Publish();
        }

        if (_ticks is null || !_ticks.HasOpenMinute)
        {
            Timers.Cancel(FlushTimer);
        }
    }

    private void PublishAndAck()
    {
        Publish();
        Ack();
    }

    /// <summary>The reference index's actor publishes the closes it added since the last time, as the next numbered update, on
    /// its cluster-wide topic.</summary>
    private void ShareReferenceIndex()
    {
        if (!_state.IsReferenceIndex)
        {
            return;
        }

        List<KeyedClose> minutes = _state.ReferenceIndexCloses.MinutesAfter(_sharedMinuteKey);
        List<KeyedClose> daily = _state.ReferenceIndexCloses.DailyAfter(_sharedDailyKey);
        if (minutes.Count == 0 && daily.Count == 0)
        {
            return;
        }

        if (minutes.Count > 0) _sharedMinuteKey = minutes[^1].Key;
        if (daily.Count > 0) _sharedDailyKey = daily[^1].Key;
        _sequence++;
        _mediator.Tell(new Publish(_referenceIndexTopic!, new ReferenceIndexMessages.Closes(_symbol, _incarnation, _sequence, minutes, daily)));
    }

    private void Ack()
    {
        if (!Sender.IsNobody() && !Sender.Equals(Context.System.DeadLetters))
        {
            Sender.Tell(SymbolCommands.Ack.Instance);
        }
    }

    private void Publish()
    {
        ShareReferenceIndex();
        List<Publication> pending = Publications;
        if (pending.Count == 0)
        {
            return;
        }

        if (_pipeline is null && ActorRegistry.For(Context.System).TryGet<PatternPipeline>(out IActorRef? found) && !found.IsNobody())
        {
            _pipeline = found;
        }

        if (_pipeline is null)
        {
            _unrouted += pending.Count;
            if (_unrouted == pending.Count && Interlocked.Exchange(ref s_warnedUnrouted, 1) == 0)
            {
                Log.Warning("SymbolActor {0}: no PatternPipeline registered; detections are not published", _symbol);
            }

            pending.Clear();
            return;
        }

        DateTimeOffset now = _settings.Clock.GetUtcNow();
        ReadOnlySpan<Publication> publications = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(pending);
        for (int i = 0; i < publications.Length; i++)
        {
            ref readonly Publication p = ref publications[i];
            var d = p.Detection;
            var evt = PatternEvent.Create(_symbol, d.Pattern, d.Confidence, d.TierName, d.Timeframe.ToWireName(),
                d.Price, Math.Round(p.PriceChangePercent, 4), (long)p.Volume, now, p.Indicators());
            _pipeline!.Tell(new PatternCommands.PatternDetected(evt));
            _published++;
        }

        pending.Clear();
    }

    public static Props PropsFor(string symbol) => PropsFor(symbol, new SymbolActorSettings());

    public static Props PropsFor(string symbol, SymbolActorSettings settings) => Props.Create(() => new SymbolActor(symbol, settings));

    // The actor's own messages never leave it (INoSerializationVerificationNeeded: no wire format needed).
    private sealed record SeedLoaded(IReadOnlyList<Bar> Bars) : INoSerializationVerificationNeeded;

    private sealed record SeedFailed(Exception Cause) : INoSerializationVerificationNeeded;

    private sealed record FlushTicks : INoSerializationVerificationNeeded
    {
        public static readonly FlushTicks Instance = new();
    }

    private sealed record ReferenceIndexHeartbeat : INoSerializationVerificationNeeded
    {
        public static readonly ReferenceIndexHeartbeat Instance = new();
    }
}
