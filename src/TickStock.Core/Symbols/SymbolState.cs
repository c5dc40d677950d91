using TickStock.Core.Bars;
using TickStock.Core.Detectors;

namespace TickStock.Core.Symbols;


/// <summary>
/// A detection that passed the publication stage, with the context the event carries
/// (contract §2: price_change, current_price, volume, indicators).
/// </summary>
/// <param name="Detection">The raw detection (pattern, confidence, tier, timeframe, bar).</param>
/// <param name="PriceChangePercent">Intraday: close against the previous session's close; daily: against the previous daily close.</param>
/// <param name="Volume">Volume of the bar the pattern was detected on.</param>
/// <param name="Rsi">RSI(14) of the detecting stream (NaN until ready).</param>
/// <param name="RelativeVolume">Volume / mean of the previous 20 bars (NaN until ready).</param>
/// <param name="RelativeStrength">Relative strength against the reference index (NaN when no reference index is fed).</param>
public readonly record struct Publication(
    Detection Detection,
    double PriceChangePercent,
    double Volume,
    double Rsi,
    double RelativeVolume,
    double RelativeStrength)
{
    /// <summary>The event's <c>indicators</c> object: only finite values (the contract forbids NaN).</summary>
    public Dictionary<string, double> Indicators()
    {
        var indicators = new Dictionary<string, double>(3, StringComparer.Ordinal);
        if (double.IsFinite(Rsi)) indicators["rsi"] = Math.Round(Rsi, 2);
        if (double.IsFinite(RelativeVolume)) indicators["relative_volume"] = Math.Round(RelativeVolume, 3);
        if (double.IsFinite(RelativeStrength)) indicators["relative_strength"] = Math.Round(RelativeStrength, 3);
        return indicators;
    }
}

/// <summary>Settings of one symbol's detection state.</summary>
public sealed record SymbolStateOptions
{
    /// <summary>Publication cooldown for intraday timeframes, in bars.</summary>
    public int IntradayCooldown { get; init; } = PublicationDeduplicator.DefaultIntradayCooldown;

    /// <summary>Publication cooldown for daily bars, in bars.</summary>
    public int DailyCooldown { get; init; } = PublicationDeduplicator.DefaultDailyCooldown;

    /// <summary>Minimum confidence to publish (patterns.md: 0.50).</summary>
    public double MinConfidence { get; init; } = 0.5;

    /// <summary>Roll 5- and 15-minute bars from the 1-minute stream and run their detectors.</summary>
    public bool RollUp { get; init; } = true;

    /// <summary>Reference index symbol of <c>relative_strength</c> (patterns.md: SPY); null or empty = none.</summary>
    public string? ReferenceIndex { get; init; } = "SPY";

    /// <summary>Relative strength period in bars of the detecting stream.</summary>
    public int RelativeStrengthPeriod { get; init; } = 20;

    /// <summary>Intraday: how much older than a bar the reference index's latest minute may be and still count as its close.</summary>
    public TimeSpan ReferenceIndexMaxAge { get; init; } = TimeSpan.FromMinutes(15);
}

/// <summary>
/// Everything one ticker knows, as pure state: the 1/5/15-minute and daily detector engines (the same
/// <see cref="DetectorEngine"/> as <c>tickstock scan</c>), the roll-ups from 1-minute bars, the combo tracker and the
/// publication stage. The SymbolActor is a thin shell around it: <c>Handle(bar) → publications</c>.
/// </summary>
/// <remarks>
/// <para>
/// Memory is what limits symbols per node, so the engines are created by the first bar that needs them (intraday on
/// the first 1-minute bar, daily on the first daily or seeded bar), the detector options are shared process-wide and
/// the scratch lists per thread.
/// </para>
/// <para>
/// Intraday bars must carry <see cref="Bar.SessionDate"/> and <see cref="Bar.MinuteOfSession"/> (exchange time; the
/// sources fill them). Roll-up buckets are aligned to the session open (09:30, 09:35, …) and complete on their last
/// minute or when a later bucket starts. When a new session starts, the previous session's regular-hours minutes
/// become a daily bar unless a daily bar for that date was already given. Out-of-order bars (not later than the
/// last one) are ignored and counted.
/// </para>
/// </remarks>
public sealed class SymbolState
{
    // Every SymbolState of a process shares these (options are immutable): one copy, not four per symbol.
    private static readonly DetectorOptions s_minuteOptions = new() { Timeframe = Timeframe.OneMinute };
    private static readonly DetectorOptions s_fiveOptions = new() { Timeframe = Timeframe.FiveMinutes };
    private static readonly DetectorOptions s_fifteenOptions = new() { Timeframe = Timeframe.FifteenMinutes };
    private static readonly DetectorOptions s_dailyOptions = new() { Timeframe = Timeframe.Daily };

    // Scratch lists, filled and drained within one call: one set per thread instead of one per symbol.
    [ThreadStatic] private static List<Detection>? t_raw;
    [ThreadStatic] private static List<Detection>? t_combos;

    private readonly SymbolStateOptions _options;
    private readonly ComboTracker _combo = new();
    private readonly PublicationDeduplicator _dedup;
    private readonly int _ringSize;
    private readonly long _referenceIndexMaxAgeMs;

    // Created by the first bar of their kind: a symbol that only gets daily bars holds no intraday engine, and one fed
    // only minute bars holds no daily engine until its first session completes.
    private IntradayStreams? _intraday;
    private DailyStream? _daily;
    private ReferenceIndexCloses? _referenceIndexCloses;

    private long _lastMinuteMs = long.MinValue;
    private int _sessionDate;
    private SessionBar _session;
    private double _previousDailyClose = double.NaN;

    /// <summary>Creates the state of one ticker.</summary>
    /// <param name="symbol">The ticker.</param>
    /// <param name="options">Detection and publication settings.</param>
    /// <param name="referenceIndexCloses">A store of the reference index's closes shared with other symbols (thread-safe);
    /// null = this state keeps its own, created when first used.</param>
    public SymbolState(string symbol, SymbolStateOptions? options = null, ReferenceIndexCloses? referenceIndexCloses = null)
    {
        _referenceIndexCloses = referenceIndexCloses;
        ArgumentException.ThrowIfNullOrWhiteSpace(symbol);
        Symbol = symbol;
        _options = options ?? new SymbolStateOptions();
        _dedup = new PublicationDeduplicator(_options.IntradayCooldown, _options.DailyCooldown);
        _ringSize = Math.Max(1, _options.RelativeStrengthPeriod) + 1;
        _referenceIndexMaxAgeMs = (long)_options.ReferenceIndexMaxAge.TotalMilliseconds;
        IsReferenceIndex = !string.IsNullOrEmpty(_options.ReferenceIndex) && string.Equals(symbol, _options.ReferenceIndex, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>True when this symbol is the reference index itself: its own closes go into <see cref="ReferenceIndexCloses"/> (to share
    /// with the other symbols) and it has no relative strength.</summary>
    public bool IsReferenceIndex { get; }

    /// <summary>The reference index's closes known to this symbol (fed by the host: broadcasts of the reference index's bars).</summary>
    /// <remarks>Created when first used: a symbol with no reference index configured never holds one.</remarks>
    public ReferenceIndexCloses ReferenceIndexCloses => _referenceIndexCloses ??= new();

    /// <summary>The ticker.</summary>
    public string Symbol { get; }

    /// <summary>1-minute bars processed.</summary>
    public long MinuteBars => _intraday?.Minute.BarCount ?? 0;

    /// <summary>Daily bars processed (seeded or live).</summary>
    public long DailyBars => _daily?.Engine.BarCount ?? 0;

    /// <summary>Bars ignored because they were not later than the previous one.</summary>
    public long OutOfOrderBars { get; private set; }

    /// <summary>Start of the last 1-minute bar processed (unix ms, UTC); null before any.</summary>
    public long? LastMinuteBarTimeMs => _lastMinuteMs == long.MinValue ? null : _lastMinuteMs;

    /// <summary>Session date (yyyymmdd) of the last daily bar; 0 before any.</summary>
    public int LastDailyDate { get; private set; }

    /// <summary>Indicators of the 1-minute stream after the last bar.</summary>
    public MarketState MinuteState => Intraday.Minute.State;

    /// <summary>Indicators of the daily stream after the last daily bar.</summary>
    public MarketState DailyState => Daily.Engine.State;

    private IntradayStreams Intraday => _intraday ??= new IntradayStreams(_options.RollUp, _ringSize);

    private DailyStream Daily => _daily ??= new DailyStream(_ringSize);

    /// <summary>Feeds a historical daily bar (seeding): indicators, windows and combo set-ups advance, nothing is published.</summary>
    public bool SeedDaily(in Bar bar) => FeedDaily(bar, publish: null);

    /// <summary>Feeds a completed daily bar; its publishable detections are appended to <paramref name="output"/>.</summary>
    /// <returns>False when the bar is not later than the last daily bar (ignored).</returns>
    public bool OnDailyBar(in Bar bar, List<Publication> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        return FeedDaily(bar, output);
    }

    /// <summary>Feeds one 1-minute bar; publishable detections (intraday, rolled-up, daily at a session change, combo) are appended.</summary>
    /// <returns>The number of publications appended.</returns>
    public int OnMinuteBar(in Bar bar, List<Publication> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (bar.TimeMs <= _lastMinuteMs)
        {
            OutOfOrderBars++;
            return 0;
        }

        int before = output.Count;
        _lastMinuteMs = bar.TimeMs;
        if (bar.SessionDate != _sessionDate)
        {
            CompleteSession(output);
            _sessionDate = bar.SessionDate;
        }

        if (bar.MinuteOfSession is >= 0 and < 390)
        {
            _session.Add(bar);
        }

        if (IsReferenceIndex)
        {
            ReferenceIndexCloses.AddMinute(bar.TimeMs, bar.Close);
        }

        IntradayStreams intraday = Intraday;
        RunIntraday(intraday.Minute, intraday.MinuteCloses, bar.TimeMs, bar, output);
        if (intraday.Five is not null)
        {
            Roll(intraday.Five, bar, output);
            Roll(intraday.Fifteen!, bar, output);
        }

        return output.Count - before;
    }

    /// <summary>Completes the current session now (end of day): pending roll-ups run and the day becomes a daily bar.</summary>
    public int EndSession(List<Publication> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        int before = output.Count;
        CompleteSession(output);
        return output.Count - before;
    }

    private void CompleteSession(List<Publication> output)
    {
        if (_intraday?.Five is { } five)
        {
            CompleteRollUp(five, output);
            CompleteRollUp(_intraday.Fifteen!, output);
        }

        if (_session.Count > 0 && _sessionDate > LastDailyDate)
        {
            int d = _sessionDate;
            Bar day = Bar.Daily(new DateOnly(d / 10000, d / 100 % 100, d % 100), _session.Open, _session.High, _session.Low, _session.Close, _session.Volume);
            FeedDaily(day, output);
        }

        _session = default;
    }

    private void Roll(RollUp rollUp, in Bar bar, List<Publication> output)
    {
        if (rollUp.Add(bar, out Bar completed, out long completedLastMinute))
        {
            RunIntraday(rollUp.Engine, rollUp.Closes, completedLastMinute, completed, output);
        }

        if (rollUp.IsLastMinute(bar))
        {
            CompleteRollUp(rollUp, output);
        }
    }

    private void CompleteRollUp(RollUp rollUp, List<Publication> output)
    {
        if (rollUp.TryComplete(out Bar completed, out long lastMinute))
        {
            RunIntraday(rollUp.Engine, rollUp.Closes, lastMinute, completed, output);
        }
    }

    /// <param name="closes">The stream's recent closes (relative strength).</param>
    /// <param name="closeTimeMs">Start of the minute whose close is the bar's close (the reference index is looked up as of it).</param>
    private void RunIntraday(DetectorEngine engine, CloseRing closes, long closeTimeMs, in Bar bar, List<Publication> output)
    {
        List<Detection> raw = t_raw ??= new(16);
        List<Detection> combos = t_combos ??= new(4);
        raw.Clear();
        combos.Clear();
        closes.Push(closeTimeMs, bar.Close);
        engine.OnBar(bar, raw);
        _combo.OnIntradayBar(bar, engine.Options.Timeframe, raw, engine.State, combos);
        if (raw.Count == 0 && combos.Count == 0)
        {
            return;
        }

        MarketState state = engine.State;
        double change = double.IsNaN(_previousDailyClose) || _previousDailyClose == 0
            ? state.PriceChangePercent
            : (bar.Close - _previousDailyClose) / _previousDailyClose * 100.0;
        double relativeStrength = RelativeStrength(closes, daily: false);
        Publish(raw, state, change, bar.Volume, relativeStrength, output);
        Publish(combos, state, change, bar.Volume, relativeStrength, output);
    }

    private bool FeedDaily(in Bar bar, List<Publication>? publish)
    {
        if (bar.SessionDate <= LastDailyDate)
        {
            OutOfOrderBars++;
            return false;
        }

        LastDailyDate = bar.SessionDate;
        DailyStream daily = Daily;
        daily.Closes.Push(bar.SessionDate, bar.Close);
        if (IsReferenceIndex)
        {
            ReferenceIndexCloses.AddDaily(bar.SessionDate, bar.Close);
        }

        // The intraday scratch list is free here: a daily bar is fed before or after the intraday engines run, never
        // while their detections are pending.
        List<Detection> raw = t_raw ??= new(16);
        raw.Clear();
        daily.Engine.OnBar(bar, raw);
        MarketState state = daily.Engine.State;
        _combo.OnDailyBar(bar, raw, state);
        _previousDailyClose = bar.Close;
        if (publish is not null && raw.Count > 0)
        {
            Publish(raw, state, state.PriceChangePercent, bar.Volume, RelativeStrength(daily.Closes, daily: true), publish);
        }

        return true;
    }

    /// <summary>
    /// (close / close N bars ago) / (reference index close / reference index close N bars ago) on the stream's own bar times:
    /// daily bars by session date, intraday bars as of the minute of their close (at most
    /// <see cref="SymbolStateOptions.ReferenceIndexMaxAge"/> older). NaN for the reference index itself or when a close is unknown.
    /// </summary>
    private double RelativeStrength(CloseRing closes, bool daily)
    {
        if (IsReferenceIndex || !closes.TryEnds(out long oldKey, out double oldClose, out long newKey, out double newClose) || oldClose <= 0)
        {
            return double.NaN;
        }

        if (_referenceIndexCloses is not { } referenceIndexCloses)
        {
            return double.NaN;
        }

        double oldReferenceIndex, newReferenceIndex;
        if (daily)
        {
            if (!referenceIndexCloses.TryDaily((int)oldKey, out oldReferenceIndex) || !referenceIndexCloses.TryDaily((int)newKey, out newReferenceIndex))
            {
                return double.NaN;
            }
        }
        else if (!referenceIndexCloses.TryMinuteAsOf(oldKey, _referenceIndexMaxAgeMs, out oldReferenceIndex)
            || !referenceIndexCloses.TryMinuteAsOf(newKey, _referenceIndexMaxAgeMs, out newReferenceIndex))
        {
            return double.NaN;
        }

        return newClose / oldClose / (newReferenceIndex / oldReferenceIndex);
    }

    private void Publish(List<Detection> detections, MarketState state, double priceChange, double volume, double relativeStrength, List<Publication> output)
    {
        for (int i = 0; i < detections.Count; i++)
        {
            Detection d = detections[i];
            if (d.Confidence < _options.MinConfidence || !_dedup.TryPublish(Symbol, d))
            {
                continue;
            }

            output.Add(new Publication(d, priceChange, volume, state.Rsi, state.RelativeVolume, relativeStrength));
        }
    }

    /// <summary>Regular-session aggregate of the current day.</summary>
    private struct SessionBar
    {
        public int Count;
        public double Open;
        public double High;
        public double Low;
        public double Close;
        public double Volume;

        public void Add(in Bar bar)
        {
            if (Count == 0)
            {
                Open = bar.Open;
                High = bar.High;
                Low = bar.Low;
            }
            else
            {
                High = Math.Max(High, bar.High);
                Low = Math.Min(Low, bar.Low);
            }

            Close = bar.Close;
            Volume += bar.Volume;
            Count++;
        }
    }

    /// <summary>The 1-minute engine and, with roll-ups on, the 5- and 15-minute ones, each with its recent closes.</summary>
    private sealed class IntradayStreams(bool rollUp, int ringSize)
    {
        public DetectorEngine Minute { get; } = new(s_minuteOptions);

        public CloseRing MinuteCloses { get; } = new(ringSize);

        public RollUp? Five { get; } = rollUp ? new RollUp(5, new DetectorEngine(s_fiveOptions), new CloseRing(ringSize)) : null;

        public RollUp? Fifteen { get; } = rollUp ? new RollUp(15, new DetectorEngine(s_fifteenOptions), new CloseRing(ringSize)) : null;
    }

    /// <summary>The daily engine and its recent closes.</summary>
    private sealed class DailyStream(int ringSize)
    {
        public DetectorEngine Engine { get; } = new(s_dailyOptions);

        public CloseRing Closes { get; } = new(ringSize);
    }

    /// <summary>N-minute bars aligned to the session open, built from 1-minute bars.</summary>
    private sealed class RollUp(int minutes, DetectorEngine engine, CloseRing closes)
    {
        private bool _open;
        private int _session;
        private int _bucket;
        private Bar _bar;
        private long _lastMinuteMs;

        public DetectorEngine Engine { get; } = engine;

        /// <summary>Recent closes of the rolled stream (relative strength).</summary>
        public CloseRing Closes { get; } = closes;

        /// <summary>Adds a minute; when it starts a new bucket, the previous (incomplete) one is returned with the start of its last minute.</summary>
        public bool Add(in Bar minute, out Bar completed, out long completedLastMinute)
        {
            int bucket = FloorDiv(minute.MinuteOfSession, minutes);
            bool flushed = false;
            completed = default;
            completedLastMinute = 0;
            if (_open && (minute.SessionDate != _session || bucket != _bucket))
            {
                flushed = TryComplete(out completed, out completedLastMinute);
            }

            _lastMinuteMs = minute.TimeMs;

            if (!_open)
            {
                _open = true;
                _session = minute.SessionDate;
                _bucket = bucket;
                long start = minute.TimeMs - ((long)(minute.MinuteOfSession - (bucket * minutes)) * 60_000L);
                _bar = new Bar(start, minute.Open, minute.High, minute.Low, minute.Close, minute.Volume)
                {
                    SessionDate = minute.SessionDate,
                    MinuteOfSession = bucket * minutes,
                };
            }
            else
            {
                _bar = _bar with
                {
                    High = Math.Max(_bar.High, minute.High),
                    Low = Math.Min(_bar.Low, minute.Low),
                    Close = minute.Close,
                    Volume = _bar.Volume + minute.Volume,
                };
            }

            return flushed;
        }

        public bool IsLastMinute(in Bar minute) => FloorMod(minute.MinuteOfSession, minutes) == minutes - 1;

        public bool TryComplete(out Bar completed, out long lastMinuteMs)
        {
            completed = _bar;
            lastMinuteMs = _lastMinuteMs;
            if (!_open)
            {
                return false;
            }

            _open = false;
            return true;
        }

        private static int FloorDiv(int a, int b) => (a / b) - ((a % b) < 0 ? 1 : 0);

        private static int FloorMod(int a, int b) => ((a % b) + b) % b;
    }

    /// <summary>The last N + 1 (key, close) pairs of one stream.</summary>
    private sealed class CloseRing(int size)
    {
        private readonly long[] _keys = new long[size];
        private readonly double[] _closes = new double[size];
        private long _count;

        public void Push(long key, double close)
        {
            int slot = (int)(_count % size);
            _keys[slot] = key;
            _closes[slot] = close;
            _count++;
        }

        /// <summary>The oldest and newest pair once N + 1 were pushed.</summary>
        public bool TryEnds(out long oldKey, out double oldClose, out long newKey, out double newClose)
        {
            if (_count < size)
            {
                oldKey = newKey = 0;
                oldClose = newClose = double.NaN;
                return false;
            }

            int oldest = (int)(_count % size);
            int newest = (int)((_count - 1) % size);
            oldKey = _keys[oldest];
            oldClose = _closes[oldest];
            newKey = _keys[newest];
            newClose = _closes[newest];
            return true;
        }
    }
}
