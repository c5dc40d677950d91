using Akka.Actor;
using Akka.Event;
using Akka.Hosting;
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
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly SymbolActorSettings _settings;
    private readonly string _symbol;
    private readonly SymbolState _state;
    private readonly List<Publication> _publications = new(8);
    private readonly DateTimeOffset _startedAt;
    private MinuteBarBuilder? _ticks;
    private IActorRef? _pipeline;
    private static int s_warnedUnrouted;
    private long _tickSkewMs;
    private long _published;
    private long _unrouted;
    private long _sharedMinuteKey = long.MinValue;
    private long _sharedDailyKey = long.MinValue;

    public SymbolActor(string symbol, SymbolActorSettings settings)
    {
        _symbol = symbol;
        _settings = settings;
        _startedAt = settings.Clock.GetUtcNow();
        _state = new SymbolState(symbol, settings.State);
        if (settings.DailyBars is null)
        {
            Become(Running);
        }
        else
        {
            Become(Seeding);
        }
    }

    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);

    public IStash Stash { get; set; } = null!;

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart()
    {
        if (_state.IsBenchmark)
        {
            Context.System.EventStream.Subscribe(Self, typeof(BenchmarkMessages.SnapshotRequest));
        }
        else if (_settings.State.Benchmark is { Length: > 0 } benchmark)
        {
            Context.System.EventStream.Subscribe(Self, typeof(BenchmarkMessages.Closes));
            Context.System.EventStream.Publish(new BenchmarkMessages.SnapshotRequest(benchmark.ToUpperInvariant(), Self));
        }

        if (_settings.DailyBars is { } source)
        {
            source.LoadAsync(_symbol, _settings.SeedDays).PipeTo(Self,
                success: bars => new SeedLoaded(bars),
                failure: ex => new SeedFailed(ex));
        }
    }

    private void Seeding()
    {
        Receive<SeedLoaded>(loaded =>
        {
            foreach (Bar bar in loaded.Bars) _state.SeedDaily(bar);
            ShareBenchmark();
            _log.Debug("SymbolActor {0} seeded {1} daily bars", _symbol, loaded.Bars.Count);
            Stash.UnstashAll();
            Become(Running);
        });
        Receive<SeedFailed>(failed =>
        {
            _log.Warning("SymbolActor {0}: no daily history ({1}); starting empty", _symbol, failed.Cause.GetBaseException().Message);
            Stash.UnstashAll();
            Become(Running);
        });
        ReceiveAny(_ => Stash.Stash());
    }

    private void Running()
    {
        Receive<SymbolCommands.MinuteBar>(m =>
        {
            _state.OnMinuteBar(m.Bar, _publications);
            PublishAndAck();
        });
        Receive<SymbolCommands.MinuteBars>(m =>
        {
            if (m.Bars is ArraySegment<Bar> segment)
            {
                // The fast sources' batches: no interface call and no copy per bar.
                ReadOnlySpan<Bar> bars = segment.AsSpan();
                for (int i = 0; i < bars.Length; i++) _state.OnMinuteBar(bars[i], _publications);
            }
            else
            {
                for (int i = 0; i < m.Bars.Count; i++) _state.OnMinuteBar(m.Bars[i], _publications);
            }

            PublishAndAck();
        });
        Receive<SymbolCommands.DailyBar>(m =>
        {
            _state.OnDailyBar(m.Bar, _publications);
            PublishAndAck();
        });
        Receive<SymbolCommands.SeedDailyBars>(m =>
        {
            foreach (Bar bar in m.Bars) _state.SeedDaily(bar);
            ShareBenchmark();
            Ack();
        });
        Receive<SymbolCommands.Tick>(OnTick);
        Receive<BenchmarkMessages.Closes>(m =>
        {
            if (!_state.IsBenchmark) _state.Benchmark.Add(m.Minutes, m.Daily);
        });
        Receive<BenchmarkMessages.SnapshotRequest>(m =>
        {
            if (_state.IsBenchmark && !m.ReplyTo.Equals(Self))
            {
                m.ReplyTo.Tell(new BenchmarkMessages.Closes(_symbol, _state.Benchmark.MinutesAfter(long.MinValue), _state.Benchmark.DailyAfter(long.MinValue)));
            }
        });
        Receive<FlushTicks>(_ => FlushTickBar());
        Receive<SeedLoaded>(_ => { }); // a late seed after a restart of the same incarnation is not applied twice
        Receive<SymbolQueries.GetStatus>(_ => Sender.Tell(new SymbolQueries.SymbolStatus(_symbol, _state.MinuteBars, _startedAt)
        {
            DailyBars = _state.DailyBars,
            PatternsPublished = _published,
            BenchmarkMinutes = _state.Benchmark.MinuteCount,
            BenchmarkDays = _state.Benchmark.DailyCount,
        }));
    }

    private void OnTick(SymbolCommands.Tick tick)
    {
        _ticks ??= new MinuteBarBuilder();
        // Tick time may lag the wall clock (a delayed or replayed feed): minutes are closed on the feed's timeline.
        _tickSkewMs = _settings.Clock.GetUtcNow().ToUnixTimeMilliseconds() - tick.TimeMs;
        if (_ticks.OnTick(tick.TimeMs, tick.Price, tick.Volume, out Bar completed))
        {
            _state.OnMinuteBar(completed, _publications);
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
            _state.OnMinuteBar(completed, _publications);
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

    /// <summary>The benchmark's actor publishes the closes it added since the last time on the node's EventStream.</summary>
    private void ShareBenchmark()
    {
        if (!_state.IsBenchmark)
        {
            return;
        }

        List<KeyedClose> minutes = _state.Benchmark.MinutesAfter(_sharedMinuteKey);
        List<KeyedClose> daily = _state.Benchmark.DailyAfter(_sharedDailyKey);
        if (minutes.Count == 0 && daily.Count == 0)
        {
            return;
        }

        if (minutes.Count > 0) _sharedMinuteKey = minutes[^1].Key;
        if (daily.Count > 0) _sharedDailyKey = daily[^1].Key;
        Context.System.EventStream.Publish(new BenchmarkMessages.Closes(_symbol, minutes, daily));
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
        ShareBenchmark();
        if (_publications.Count == 0)
        {
            return;
        }

        if (_pipeline is null && ActorRegistry.For(Context.System).TryGet<PatternPipeline>(out IActorRef? found) && !found.IsNobody())
        {
            _pipeline = found;
        }

        if (_pipeline is null)
        {
            _unrouted += _publications.Count;
            if (_unrouted == _publications.Count && Interlocked.Exchange(ref s_warnedUnrouted, 1) == 0)
            {
                _log.Warning("SymbolActor {0}: no PatternPipeline registered; detections are not published", _symbol);
            }

            _publications.Clear();
            return;
        }

        DateTimeOffset now = _settings.Clock.GetUtcNow();
        ReadOnlySpan<Publication> publications = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_publications);
        for (int i = 0; i < publications.Length; i++)
        {
            ref readonly Publication p = ref publications[i];
            var d = p.Detection;
            var evt = PatternEvent.Create(_symbol, d.Pattern, d.Confidence, d.TierName, d.Timeframe.ToWireName(),
                d.Price, Math.Round(p.PriceChangePercent, 4), (long)p.Volume, now, p.Indicators());
            _pipeline!.Tell(new PatternCommands.PatternDetected(evt));
            _published++;
        }

        _publications.Clear();
    }

    public static Props PropsFor(string symbol) => PropsFor(symbol, new SymbolActorSettings());

    public static Props PropsFor(string symbol, SymbolActorSettings settings) => Props.Create(() => new SymbolActor(symbol, settings));

    private sealed record SeedLoaded(IReadOnlyList<Bar> Bars);

    private sealed record SeedFailed(Exception Cause);

    private sealed record FlushTicks
    {
        public static readonly FlushTicks Instance = new();
    }
}
