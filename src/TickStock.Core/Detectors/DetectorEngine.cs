using TickStock.Core.Bars;
using TickStock.Core.Detectors.Candles;

namespace TickStock.Core.Detectors;

/// <summary>
/// The detector catalog for one symbol and one timeframe: feed bars in time order, one at a time, and it appends
/// the raw detections of each bar (every bar on which a pattern holds; de-duplication is
/// <see cref="PublicationDeduplicator"/>'s job) to a caller-supplied list. The same type serves the live
/// SymbolActor, <c>tickstock scan</c> and backtests.
/// </summary>
/// <remarks>
/// Cost per bar is constant: indicators use running sums / Wilder smoothing, windows are preallocated rings and
/// monotonic deques; nothing is allocated per bar beyond the caller's list growing.
/// </remarks>
public sealed class DetectorEngine
{
    private readonly CandlestickScanner? _candles;
    private readonly VolumeSpikeDetector? _volumeSpike;
    private readonly PriceChannelDetector? _priceChannel;
    private readonly SessionExtremesDetector? _sessionExtremes;
    private readonly DailyBreakoutDetector? _dailyBreakout;
    private readonly WeeklyBreakoutDetector? _weeklyBreakout;
    private readonly SupportResistanceDetector? _supportResistance;
    private readonly GapDetector? _gap;
    private readonly MovingAverageCrossDetector? _emaCross;
    private readonly MovingAverageCrossDetector? _smaCross;
    private readonly RsiThresholdDetector? _rsi;
    private readonly BollingerBreakoutDetector? _bollinger;
    private readonly ClosePositionDetector? _closePosition;
    private readonly DetectionSink _sink;

    /// <summary>Creates an engine with the catalog defaults for <paramref name="options"/>' timeframe.</summary>
    public DetectorEngine(DetectorOptions? options = null)
    {
        Options = options ?? new DetectorOptions();
        var enabled = new bool[Enum.GetValues<PatternKind>().Length];
        foreach (PatternKind kind in Options.Patterns ?? DetectorOptions.DefaultPatterns(Options.Timeframe))
        {
            enabled[(int)kind] = true;
        }

        bool Any(params PatternKind[] kinds) => kinds.Any(k => enabled[(int)k]);

        // Intraday streams skip the indicators only their disabled detectors would read (memory per SymbolActor).
        bool intraday = Options.Timeframe.IsIntraday();
        State = new MarketState(Options,
            simpleAverages: !intraday || Any(PatternKind.GoldenCross, PatternKind.DeathCross),
            bands: !intraday || Any(PatternKind.BollingerBreakout));
        _sink = new DetectionSink(enabled, Options.Timeframe);
        if (PatternCatalog.Candlesticks.Any(k => enabled[(int)k]))
        {
            // Only the CDL functions behind enabled kinds run (intraday timeframes need 1–3 of the 12).
            var functions = new bool[CandlestickScanner.FunctionCount];
            for (int f = 0; f < functions.Length; f++)
            {
                functions[f] = enabled[(int)CandlestickScanner.KindOf((CandleFunction)f, 100)]
                    || enabled[(int)CandlestickScanner.KindOf((CandleFunction)f, -100)];
            }

            _candles = new CandlestickScanner(functions);
        }

        // One field per detector, called directly in this fixed order (the order of their detections in the output):
        // an interface call per detector and bar was a measurable share of the catalog's cost.
        _volumeSpike = Any(PatternKind.VolumeSpike) ? new VolumeSpikeDetector(Options.VolumeSpike, Options.Indicators.RelativeVolumePeriod) : null;
        _priceChannel = Any(PatternKind.PriceBreakout, PatternKind.PriceBreakdown) ? new PriceChannelDetector(Options.PriceChannel) : null;
        _sessionExtremes = Any(PatternKind.HighOfDay, PatternKind.LowOfDay) ? new SessionExtremesDetector(Options.SessionExtremes) : null;
        _dailyBreakout = Any(PatternKind.DailyBreakout) ? new DailyBreakoutDetector(Options.DailyBreakout) : null;
        _weeklyBreakout = Any(PatternKind.WeeklyBreakout) ? new WeeklyBreakoutDetector(Options.WeeklyBreakout) : null;
        _supportResistance = Any(PatternKind.ResistanceBreak, PatternKind.SupportTest) ? new SupportResistanceDetector(Options.SupportResistance) : null;
        _gap = Any(PatternKind.GapUp, PatternKind.GapDown) ? new GapDetector(Options.Gap) : null;
        _emaCross = Any(PatternKind.MACrossoverBullish, PatternKind.MACrossoverBearish) ? new MovingAverageCrossDetector(exponential: true) : null;
        _smaCross = Any(PatternKind.GoldenCross, PatternKind.DeathCross) ? new MovingAverageCrossDetector(exponential: false) : null;
        _rsi = Any(PatternKind.RsiOverbought, PatternKind.RsiOversold) ? new RsiThresholdDetector(Options.Rsi) : null;
        _bollinger = Any(PatternKind.BollingerBreakout) ? new BollingerBreakoutDetector() : null;
        _closePosition = Any(PatternKind.ClosedTop10, PatternKind.ClosedBottom10) ? new ClosePositionDetector(Options.ClosePosition) : null;
    }

    /// <summary>The options in force.</summary>
    public DetectorOptions Options { get; }

    /// <summary>Shared indicators after the last bar (event context: rsi, relative volume, relative strength, VWAP…).</summary>
    public MarketState State { get; }

    /// <summary>Bars fed so far.</summary>
    public long BarCount => State.Index + 1;

    /// <summary>
    /// Feeds the next bar and appends its detections to <paramref name="output"/> (the list is not cleared).
    /// <paramref name="referenceIndexClose"/> is the reference index's close for the same bar time, if known (relative strength).
    /// </summary>
    /// <returns>The number of detections appended.</returns>
    public int OnBar(in Bar bar, List<Detection> output, double referenceIndexClose = double.NaN)
    {
        ArgumentNullException.ThrowIfNull(output);
        int before = output.Count;
        State.Update(bar, referenceIndexClose);
        _sink.Begin(output, State.Index, bar);
        if (_candles is not null && _candles.OnBar(bar) > 0)
        {
            EmitCandles();
        }

        MarketState state = State;
        _volumeSpike?.OnBar(state, _sink);
        _priceChannel?.OnBar(state, _sink);
        _sessionExtremes?.OnBar(state, _sink);
        _dailyBreakout?.OnBar(state, _sink);
        _weeklyBreakout?.OnBar(state, _sink);
        _supportResistance?.OnBar(state, _sink);
        _gap?.OnBar(state, _sink);
        _emaCross?.OnBar(state, _sink);
        _smaCross?.OnBar(state, _sink);
        _rsi?.OnBar(state, _sink);
        _bollinger?.OnBar(state, _sink);
        _closePosition?.OnBar(state, _sink);

        return output.Count - before;
    }

    private void EmitCandles()
    {
        ReadOnlySpan<int> values = _candles!.Values;
        for (int k = 0; k < values.Length; k++)
        {
            int v = values[k];
            if (v == 0)
            {
                continue;
            }

            var function = (CandleFunction)k;
            PatternKind kind = CandlestickScanner.KindOf(function, v);
            Direction direction = kind == PatternKind.Doji ? Direction.Neutral : v > 0 ? Direction.Bullish : Direction.Bearish;
            _sink.Emit(kind, direction, _candles.Confidence(function));
        }
    }
}
