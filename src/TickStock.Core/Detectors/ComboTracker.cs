using TickStock.Core.Bars;

namespace TickStock.Core.Detectors;

/// <summary>Parameters of the combo tier.</summary>
public sealed record ComboOptions
{
    /// <summary>Support_Bounce: intraday low within this fraction of the support level (0.005 = 0.5 %).</summary>
    public double SupportTouchTolerance { get; init; } = 0.005;
}

/// <summary>
/// Combo tier (patterns.md): daily set-ups confirmed by intraday bars in the next session. Pure state for one symbol:
/// feed it each completed daily bar with that bar's detections and daily <see cref="MarketState"/>, and each
/// intraday bar (any intraday timeframe) with that bar's detections and intraday state; it appends combo
/// detections. A set-up from daily bar D is live only during the first intraday session after D and fires at most
/// once.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Breakout_Confirmed: set-up DailyBO or Resistance_Break (level = the broken level); confirmed by a 1-minute
/// close above the level on a bar that also has Volume_Spike.</item>
/// <item>Reversal_Confirmed: set-up a daily reversal candlestick (bullish: Hammer, Bullish_Engulfing,
/// Bullish_Harami, MorningStar, PiercingLine, ThreeWhiteSoldiers; bearish: HangingMan, ShootingStar,
/// Bearish_Engulfing, Bearish_Harami, EveningStar, DarkCloudCover, ThreeBlackCrows); confirmed by an intraday
/// Price_Breakout (bullish) / Price_Breakdown (bearish).</item>
/// <item>Support_Bounce: set-up Support_Test (level); an intraday low within 0.5 % of the level, then (same or later
/// bar) a 5-minute Bullish_Engulfing or Hammer.</item>
/// <item>Trend_Continuation: set-up daily EMA(12) &gt; EMA(26) and close &gt; SMA(50); an intraday low at or below
/// the session VWAP (pullback), then a later intraday MACrossover_Bullish.</item>
/// </list>
/// Confidence = min(1, (set-up confidence + confirming confidence) / 2 + 0.10); Trend_Continuation uses 0.6 as its
/// set-up confidence.
/// </remarks>
public sealed class ComboTracker
{
    private readonly ComboOptions _options;
    private readonly List<Setup> _setups = [];

    /// <summary>Creates the tracker.</summary>
    public ComboTracker(ComboOptions? options = null) => _options = options ?? new ComboOptions();

    /// <summary>Live set-ups (for inspection and tests).</summary>
    public int SetupCount => _setups.Count;

    /// <summary>Records the set-ups of one completed daily bar.</summary>
    public void OnDailyBar(in Bar dailyBar, IReadOnlyList<Detection> detections, MarketState? dailyState = null)
    {
        ArgumentNullException.ThrowIfNull(detections);
        int date = dailyBar.SessionDate;
        // Set-ups of older daily bars that never saw their session are superseded by newer daily information.
        _setups.RemoveAll(s => s.ActiveSession == 0 && s.Date < date);
        foreach (Detection d in detections)
        {
            switch (d.Kind)
            {
                case PatternKind.DailyBreakout or PatternKind.ResistanceBreak when !double.IsNaN(d.Level):
                    _setups.Add(new Setup(SetupKind.Breakout, date, d.Level, Direction.Bullish, d.Confidence));
                    break;
                case PatternKind.SupportTest when !double.IsNaN(d.Level):
                    _setups.Add(new Setup(SetupKind.Support, date, d.Level, Direction.Bullish, d.Confidence));
                    break;
                default:
                    Direction reversal = ReversalDirection(d.Kind);
                    if (reversal != Direction.Neutral)
                    {
                        _setups.Add(new Setup(SetupKind.Reversal, date, dailyBar.Close, reversal, d.Confidence));
                    }

                    break;
            }
        }

        if (dailyState is not null && dailyState.EmaFast > dailyState.EmaSlow && dailyBar.Close > dailyState.SmaFast)
        {
            _setups.Add(new Setup(SetupKind.Trend, date, dailyState.SmaFast, Direction.Bullish, 0.6));
        }
    }

    /// <summary>Checks one intraday bar (and its detections) against the live set-ups; appends combos to <paramref name="output"/>.</summary>
    /// <returns>The number of combos appended.</returns>
    public int OnIntradayBar(in Bar bar, Timeframe timeframe, IReadOnlyList<Detection> detections, MarketState? intradayState, List<Detection> output)
    {
        ArgumentNullException.ThrowIfNull(detections);
        ArgumentNullException.ThrowIfNull(output);
        int before = output.Count;
        long index = intradayState?.Index ?? 0;
        int session = bar.SessionDate;
        long timeMs = bar.TimeMs;
        double close = bar.Close;
        foreach (Setup s in _setups)
        {
            if (s.Fired || bar.SessionDate <= s.Date)
            {
                continue;
            }

            if (s.ActiveSession == 0)
            {
                s.ActiveSession = bar.SessionDate;
            }

            if (bar.SessionDate != s.ActiveSession)
            {
                continue;
            }

            switch (s.Kind)
            {
                case SetupKind.Breakout:
                    if (timeframe == Timeframe.OneMinute && bar.Close > s.Level
                        && TryFind(detections, PatternKind.VolumeSpike, out double spike))
                    {
                        Fire(s, PatternKind.BreakoutConfirmed, spike);
                    }

                    break;
                case SetupKind.Reversal:
                    PatternKind confirmation = s.Direction == Direction.Bullish ? PatternKind.PriceBreakout : PatternKind.PriceBreakdown;
                    if (TryFind(detections, confirmation, out double breakout))
                    {
                        Fire(s, PatternKind.ReversalConfirmed, breakout);
                    }

                    break;
                case SetupKind.Support:
                    if (Math.Abs(bar.Low - s.Level) <= _options.SupportTouchTolerance * s.Level)
                    {
                        s.Touched = true;
                    }

                    if (s.Touched && timeframe == Timeframe.FiveMinutes
                        && (TryFind(detections, PatternKind.BullishEngulfing, out double candle) || TryFind(detections, PatternKind.Hammer, out candle)))
                    {
                        Fire(s, PatternKind.SupportBounce, candle);
                    }

                    break;
                case SetupKind.Trend:
                    if (s.Touched && TryFind(detections, PatternKind.MACrossoverBullish, out double cross))
                    {
                        Fire(s, PatternKind.TrendContinuation, cross);
                    }
                    else if (intradayState is not null && bar.Low <= intradayState.Vwap)
                    {
                        s.Touched = true; // a pullback to VWAP arms the set-up for a later cross
                    }

                    break;
            }
        }

        _setups.RemoveAll(s => s.Fired || (s.ActiveSession != 0 && s.ActiveSession < session));
        return output.Count - before;

        void Fire(Setup s, PatternKind kind, double confirmingConfidence)
        {
            s.Fired = true;
            double score = Math.Round(Math.Min(1.0, ((s.Confidence + confirmingConfidence) / 2) + 0.10), 3, MidpointRounding.AwayFromZero);
            output.Add(new Detection(kind, s.Direction, score, Tier.Combo, timeframe, index, timeMs, close, s.Level));
        }
    }

    private static bool TryFind(IReadOnlyList<Detection> detections, PatternKind kind, out double confidence)
    {
        for (int i = 0; i < detections.Count; i++)
        {
            if (detections[i].Kind == kind)
            {
                confidence = detections[i].Confidence;
                return true;
            }
        }

        confidence = 0;
        return false;
    }

    private static Direction ReversalDirection(PatternKind kind) => kind switch
    {
        PatternKind.Hammer or PatternKind.BullishEngulfing or PatternKind.BullishHarami or PatternKind.MorningStar
            or PatternKind.PiercingLine or PatternKind.ThreeWhiteSoldiers => Direction.Bullish,
        PatternKind.HangingMan or PatternKind.ShootingStar or PatternKind.BearishEngulfing or PatternKind.BearishHarami
            or PatternKind.EveningStar or PatternKind.DarkCloudCover or PatternKind.ThreeBlackCrows => Direction.Bearish,
        _ => Direction.Neutral,
    };

    private enum SetupKind
    {
        Breakout,
        Reversal,
        Support,
        Trend,
    }

    private sealed class Setup(SetupKind kind, int date, double level, Direction direction, double confidence)
    {
        public SetupKind Kind { get; } = kind;
        public int Date { get; } = date;
        public double Level { get; } = level;
        public Direction Direction { get; } = direction;
        public double Confidence { get; } = confidence;
        public int ActiveSession { get; set; }
        public bool Touched { get; set; }
        public bool Fired { get; set; }
    }
}
