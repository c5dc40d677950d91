using TickStock.Core.Bars;
using TickStock.Core.Detection.Candles;

namespace TickStock.Core.Detection;

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
    private readonly IBarDetector[] _detectors;
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

        State = new MarketState(Options);
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

        var detectors = new List<IBarDetector>();
        if (Any(PatternKind.VolumeSpike))
        {
            detectors.Add(new VolumeSpikeDetector(Options.VolumeSpike));
        }

        if (Any(PatternKind.PriceBreakout, PatternKind.PriceBreakdown))
        {
            detectors.Add(new PriceChannelDetector(Options.PriceChannel));
        }

        if (Any(PatternKind.HighOfDay, PatternKind.LowOfDay))
        {
            detectors.Add(new SessionExtremesDetector(Options.SessionExtremes));
        }

        if (Any(PatternKind.DailyBreakout))
        {
            detectors.Add(new DailyBreakoutDetector(Options.DailyBreakout));
        }

        if (Any(PatternKind.WeeklyBreakout))
        {
            detectors.Add(new WeeklyBreakoutDetector(Options.WeeklyBreakout));
        }

        if (Any(PatternKind.ResistanceBreak, PatternKind.SupportTest))
        {
            detectors.Add(new SupportResistanceDetector(Options.SupportResistance));
        }

        if (Any(PatternKind.GapUp, PatternKind.GapDown))
        {
            detectors.Add(new GapDetector(Options.Gap));
        }

        if (Any(PatternKind.MACrossoverBullish, PatternKind.MACrossoverBearish))
        {
            detectors.Add(new MovingAverageCrossDetector(exponential: true));
        }

        if (Any(PatternKind.GoldenCross, PatternKind.DeathCross))
        {
            detectors.Add(new MovingAverageCrossDetector(exponential: false));
        }

        if (Any(PatternKind.RsiOverbought, PatternKind.RsiOversold))
        {
            detectors.Add(new RsiThresholdDetector(Options.Rsi));
        }

        if (Any(PatternKind.BollingerBreakout))
        {
            detectors.Add(new BollingerBreakoutDetector());
        }

        if (Any(PatternKind.ClosedTop10, PatternKind.ClosedBottom10))
        {
            detectors.Add(new ClosePositionDetector(Options.ClosePosition));
        }

        _detectors = [.. detectors];
    }

    /// <summary>The options in force.</summary>
    public DetectorOptions Options { get; }

    /// <summary>Shared indicators after the last bar (event context: rsi, relative volume, relative strength, VWAP…).</summary>
    public MarketState State { get; }

    /// <summary>Bars fed so far.</summary>
    public long BarCount => State.Index + 1;

    /// <summary>
    /// Feeds the next bar and appends its detections to <paramref name="output"/> (the list is not cleared).
    /// <paramref name="benchmarkClose"/> is the benchmark's close for the same bar time, if known (relative strength).
    /// </summary>
    /// <returns>The number of detections appended.</returns>
    public int OnBar(in Bar bar, List<Detection> output, double benchmarkClose = double.NaN)
    {
        ArgumentNullException.ThrowIfNull(output);
        int before = output.Count;
        State.Update(bar, benchmarkClose);
        _sink.Begin(output, State.Index, bar);
        if (_candles is not null && _candles.OnBar(bar) > 0)
        {
            EmitCandles();
        }

        foreach (IBarDetector detector in _detectors)
        {
            detector.OnBar(State, _sink);
        }

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
