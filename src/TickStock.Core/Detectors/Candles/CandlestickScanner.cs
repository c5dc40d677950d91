using System.Runtime.CompilerServices;
using TickStock.Core.Bars;

namespace TickStock.Core.Detectors.Candles;

/// <summary>The 12 TA-Lib candlestick functions this library reproduces, in a fixed order.</summary>
public enum CandleFunction
{
    /// <summary>CDLDOJI.</summary>
    Doji,
    /// <summary>CDLHAMMER.</summary>
    Hammer,
    /// <summary>CDLHANGINGMAN.</summary>
    HangingMan,
    /// <summary>CDLSHOOTINGSTAR.</summary>
    ShootingStar,
    /// <summary>CDLENGULFING.</summary>
    Engulfing,
    /// <summary>CDLHARAMI.</summary>
    Harami,
    /// <summary>CDLMORNINGSTAR, penetration 0.3.</summary>
    MorningStar,
    /// <summary>CDLEVENINGSTAR, penetration 0.3.</summary>
    EveningStar,
    /// <summary>CDL3WHITESOLDIERS.</summary>
    ThreeWhiteSoldiers,
    /// <summary>CDL3BLACKCROWS.</summary>
    ThreeBlackCrows,
    /// <summary>CDLPIERCING.</summary>
    Piercing,
    /// <summary>CDLDARKCLOUDCOVER, penetration 0.5.</summary>
    DarkCloudCover,
}

/// <summary>
/// Runs the 12 candlestick functions incrementally over one symbol's bars of one timeframe. Each bar costs a
/// constant amount of work and allocates nothing; after <see cref="OnBar(in Bar)"/> the TA-Lib values of the
/// current bar are in <see cref="Values"/>.
/// </summary>
/// <remarks>
/// The whole candle state is this one object (the window, the running sums, values and confidences are inline
/// buffers, about 1.1 KB), so a symbol's scanner is one allocation. Per bar: the window computes each bar's shapes
/// once, <see cref="CandleAverages"/> slides the sums the active functions read (one addition per series, not per
/// function and offset), then each active function runs as inlined comparisons on the rows — no virtual call, no
/// re-reading the averages — and scores its confidence in a separate call only when TA-Lib's test holds.
/// </remarks>
public sealed class CandlestickScanner
{
    /// <summary>Number of candle functions.</summary>
    public const int FunctionCount = 12;

    // TA-Lib's lookbacks, from the settings each function reads (its deepest average period plus the bars it spans).
    private static readonly int[] Lookbacks =
    [
        CandleSettings.BodyDoji.AveragePeriod,
        Math.Max(Math.Max(CandleSettings.BodyShort.AveragePeriod, CandleSettings.ShadowVeryShort.AveragePeriod), CandleSettings.Near.AveragePeriod) + 1,
        Math.Max(Math.Max(CandleSettings.BodyShort.AveragePeriod, CandleSettings.ShadowVeryShort.AveragePeriod), CandleSettings.Near.AveragePeriod) + 1,
        Math.Max(CandleSettings.BodyShort.AveragePeriod, CandleSettings.ShadowVeryShort.AveragePeriod) + 1,
        2,
        Math.Max(CandleSettings.BodyShort.AveragePeriod, CandleSettings.BodyLong.AveragePeriod) + 1,
        Math.Max(CandleSettings.BodyShort.AveragePeriod, CandleSettings.BodyLong.AveragePeriod) + 2,
        Math.Max(CandleSettings.BodyShort.AveragePeriod, CandleSettings.BodyLong.AveragePeriod) + 2,
        Math.Max(Math.Max(CandleSettings.ShadowVeryShort.AveragePeriod, CandleSettings.BodyShort.AveragePeriod),
            Math.Max(CandleSettings.Far.AveragePeriod, CandleSettings.Near.AveragePeriod)) + 2,
        CandleSettings.ShadowVeryShort.AveragePeriod + 3,
        CandleSettings.BodyLong.AveragePeriod + 1,
        CandleSettings.BodyLong.AveragePeriod + 1,
    ];

    // The series of CandleMeans each function reads (see CandleAverages for why the start bar is part of the series).
    private static readonly CandleSeries[] SeriesRead =
    [
        CandleSeries.Range10From10,
        CandleSeries.Body10From11 | CandleSeries.Range10From11 | CandleSeries.Range5From10,
        CandleSeries.Body10From11 | CandleSeries.Range10From11 | CandleSeries.Range5From10,
        CandleSeries.Body10From11 | CandleSeries.Range10From11,
        CandleSeries.None,
        CandleSeries.Body10From10 | CandleSeries.Body10From11,
        CandleSeries.Body10From10 | CandleSeries.Body10From11 | CandleSeries.Body10From12,
        CandleSeries.Body10From10 | CandleSeries.Body10From11 | CandleSeries.Body10From12,
        CandleSeries.Range10From10 | CandleSeries.Range10From11 | CandleSeries.Range10From12 | CandleSeries.Range5From10
            | CandleSeries.Range5From11 | CandleSeries.Body10From12,
        CandleSeries.Range10From11 | CandleSeries.Range10From12 | CandleSeries.Range10From13,
        CandleSeries.Body10From10 | CandleSeries.Body10From11,
        CandleSeries.Body10From10,
    ];

    // The deepest lookback: from this bar on every active function runs, before it each waits for its own.
    private static readonly int MaxLookback = Lookbacks.Max();

    private const double StarPenetration = 0.3;
    private const double DarkCloudPenetration = 0.5;

    private readonly int _active;
    private readonly CandleSeries _series;
    private CandleWindow _window;
    private FunctionValues _values;
    private FunctionConfidences _confidences;

    /// <summary>Creates a scanner that evaluates all 12 functions.</summary>
    public CandlestickScanner()
        : this(null)
    {
    }

    /// <summary>Creates a scanner that evaluates only the functions flagged in <paramref name="functions"/> (indexed by
    /// <see cref="CandleFunction"/>); the others always read 0. Null = all. Leaving a function out changes no other:
    /// the running sums it alone reads are simply not kept.</summary>
    public CandlestickScanner(IReadOnlyList<bool>? functions)
    {
        for (int k = 0; k < FunctionCount; k++)
        {
            if (functions is null || (k < functions.Count && functions[k]))
            {
                _active |= 1 << k;
                _series |= SeriesRead[k];
            }
        }
    }

    /// <summary>Bars seen so far.</summary>
    public long BarCount => _window.Count;

    /// <summary>TA-Lib's value for each <see cref="CandleFunction"/> on the last bar (0, ±80, ±100).</summary>
    public ReadOnlySpan<int> Values => _values;

    /// <summary>The last bar's value of one function.</summary>
    public int Value(CandleFunction function) => _values[(int)function];

    /// <summary>Confidence of the last non-zero value of one function, in [0.5, 1].</summary>
    public double Confidence(CandleFunction function) => _confidences[(int)function];

    /// <summary>TA-Lib's lookback of a function (its first possible output bar index).</summary>
    public int Lookback(CandleFunction function) => Lookbacks[(int)function];

    /// <summary>Feeds the next bar; returns how many functions fired on it.</summary>
    public int OnBar(in Bar bar)
    {
        ref CandleWindow w = ref _window;
        w.Push(bar);
        CandleAverages.Update(ref w, _series);
        long index = w.Count - 1;

        // TA-Lib reports nothing before a function's lookback: until the deepest one, only the functions already
        // past theirs run (the others keep the 0 they start with).
        int run = index >= MaxLookback ? _active : _active & Ready(index);
        if (run == 0)
        {
            return 0;
        }

        ref readonly CandleRow r0 = ref w.Back(0);
        ref readonly CandleRow r1 = ref w.Back(1);
        ref readonly CandleRow r2 = ref w.Back(2);
        ref readonly CandleRow r3 = ref w.Back(3);
        var shared = new SharedMeans(r0, r1);
        Span<int> values = _values;
        Span<double> confidences = _confidences;
        int fired = 0;

        // Functions are indexed by CandleFunction; each call is inlined comparisons (see CandlePattern).
        if (Runs(run, CandleFunction.Doji)) fired += Set(ref values[0], SingleCandlePatterns.Doji(r0, ref confidences[0]));
        if (Runs(run, CandleFunction.Hammer)) fired += Set(ref values[1], SingleCandlePatterns.LowerShadow(r0, r1, shared, 1, ref confidences[1]));
        if (Runs(run, CandleFunction.HangingMan)) fired += Set(ref values[2], SingleCandlePatterns.LowerShadow(r0, r1, shared, -1, ref confidences[2]));
        if (Runs(run, CandleFunction.ShootingStar)) fired += Set(ref values[3], SingleCandlePatterns.ShootingStar(r0, r1, shared, ref confidences[3]));
        if (Runs(run, CandleFunction.Engulfing)) fired += Set(ref values[4], TwoCandlePatterns.Engulfing(r0, r1, ref confidences[4]));
        if (Runs(run, CandleFunction.Harami)) fired += Set(ref values[5], TwoCandlePatterns.Harami(r0, r1, shared, ref confidences[5]));
        if (Runs(run, CandleFunction.MorningStar)) fired += Set(ref values[6], ThreeCandlePatterns.Star(r0, r1, r2, -1, StarPenetration, ref confidences[6]));
        if (Runs(run, CandleFunction.EveningStar)) fired += Set(ref values[7], ThreeCandlePatterns.Star(r0, r1, r2, 1, StarPenetration, ref confidences[7]));
        if (Runs(run, CandleFunction.ThreeWhiteSoldiers)) fired += Set(ref values[8], ThreeCandlePatterns.ThreeWhiteSoldiers(r0, r1, r2, ref confidences[8]));
        if (Runs(run, CandleFunction.ThreeBlackCrows)) fired += Set(ref values[9], ThreeCandlePatterns.ThreeBlackCrows(r0, r1, r2, r3, ref confidences[9]));
        if (Runs(run, CandleFunction.Piercing)) fired += Set(ref values[10], TwoCandlePatterns.Piercing(r0, r1, shared, ref confidences[10]));
        if (Runs(run, CandleFunction.DarkCloudCover)) fired += Set(ref values[11], TwoCandlePatterns.DarkCloudCover(r0, r1, shared, DarkCloudPenetration, ref confidences[11]));
        return fired;
    }

    private static bool Runs(int run, CandleFunction function) => (run & (1 << (int)function)) != 0;

    private static int Set(ref int slot, int value)
    {
        slot = value;
        return value != 0 ? 1 : 0;
    }

    /// <summary>The functions whose lookback bar <paramref name="index"/> has reached.</summary>
    private static int Ready(long index)
    {
        int ready = 0;
        for (int k = 0; k < FunctionCount; k++)
        {
            if (index >= Lookbacks[k])
            {
                ready |= 1 << k;
            }
        }

        return ready;
    }

    /// <summary>Feeds the next bar and appends a <see cref="Detection"/> per firing function to <paramref name="output"/>.</summary>
    public void OnBar(in Bar bar, Timeframe timeframe, List<Detection> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (OnBar(bar) == 0)
        {
            return;
        }

        Tier tier = timeframe.IsIntraday() ? Tier.Intraday : Tier.Daily;
        long index = _window.Count - 1;
        for (int k = 0; k < FunctionCount; k++)
        {
            int v = _values[k];
            if (v != 0)
            {
                PatternKind kind = KindOf((CandleFunction)k, v);
                Direction direction = kind == PatternKind.Doji ? Direction.Neutral : v > 0 ? Direction.Bullish : Direction.Bearish;
                output.Add(new Detection(kind, direction, _confidences[k], tier, timeframe, index, bar.TimeMs, bar.Close, double.NaN));
            }
        }
    }

    /// <summary>Resets to an empty history.</summary>
    public void Reset()
    {
        _window.Count = 0;
        ((Span<int>)_values).Clear();
    }

    [InlineArray(FunctionCount)]
    private struct FunctionValues
    {
        private int _element;
    }

    [InlineArray(FunctionCount)]
    private struct FunctionConfidences
    {
        private double _element;
    }

    /// <summary>The published pattern kind of a non-zero function value.</summary>
    public static PatternKind KindOf(CandleFunction function, int value) => function switch
    {
        CandleFunction.Doji => PatternKind.Doji,
        CandleFunction.Hammer => PatternKind.Hammer,
        CandleFunction.HangingMan => PatternKind.HangingMan,
        CandleFunction.ShootingStar => PatternKind.ShootingStar,
        CandleFunction.Engulfing => value > 0 ? PatternKind.BullishEngulfing : PatternKind.BearishEngulfing,
        CandleFunction.Harami => value > 0 ? PatternKind.BullishHarami : PatternKind.BearishHarami,
        CandleFunction.MorningStar => PatternKind.MorningStar,
        CandleFunction.EveningStar => PatternKind.EveningStar,
        CandleFunction.ThreeWhiteSoldiers => PatternKind.ThreeWhiteSoldiers,
        CandleFunction.ThreeBlackCrows => PatternKind.ThreeBlackCrows,
        CandleFunction.Piercing => PatternKind.PiercingLine,
        _ => PatternKind.DarkCloudCover,
    };
}
