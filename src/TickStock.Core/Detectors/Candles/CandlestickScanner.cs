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
public sealed class CandlestickScanner
{
    /// <summary>Number of candle functions.</summary>
    public const int FunctionCount = 12;

    private readonly CandleWindow _window = new();
    private readonly CandleAverages _averages;
    private readonly CandlePattern[] _patterns;
    private readonly int[] _values = new int[FunctionCount];

    // The functions evaluated on each bar, null when left out. Only their averages are kept up to date (left-out
    // functions register theirs with a store that is never updated), so leaving one out changes no other. Typed
    // fields rather than a loop over the array: each call is then direct, not a virtual call per function and bar.
    private readonly DojiPattern? _doji;
    private readonly HammerPattern? _hammer;
    private readonly HangingManPattern? _hangingMan;
    private readonly ShootingStarPattern? _shootingStar;
    private readonly EngulfingPattern? _engulfing;
    private readonly HaramiPattern? _harami;
    private readonly StarPattern? _morningStar;
    private readonly StarPattern? _eveningStar;
    private readonly ThreeWhiteSoldiersPattern? _threeWhiteSoldiers;
    private readonly ThreeBlackCrowsPattern? _threeBlackCrows;
    private readonly PiercingPattern? _piercing;
    private readonly DarkCloudCoverPattern? _darkCloudCover;

    /// <summary>Creates a scanner that evaluates all 12 functions.</summary>
    public CandlestickScanner()
        : this(null)
    {
    }

    /// <summary>Creates a scanner that evaluates only the functions flagged in <paramref name="functions"/> (indexed by
    /// <see cref="CandleFunction"/>); the others always read 0. Null = all.</summary>
    public CandlestickScanner(IReadOnlyList<bool>? functions)
    {
        _averages = new CandleAverages(_window);
        var unused = new CandleAverages(_window);
        _patterns = new CandlePattern[FunctionCount];
        for (int k = 0; k < FunctionCount; k++)
        {
            bool active = functions is null || (k < functions.Count && functions[k]);
            _patterns[k] = Create((CandleFunction)k, active ? _averages : unused);
        }

        T? Active<T>(CandleFunction function)
            where T : CandlePattern =>
            functions is null || ((int)function < functions.Count && functions[(int)function]) ? (T)_patterns[(int)function] : null;

        _doji = Active<DojiPattern>(CandleFunction.Doji);
        _hammer = Active<HammerPattern>(CandleFunction.Hammer);
        _hangingMan = Active<HangingManPattern>(CandleFunction.HangingMan);
        _shootingStar = Active<ShootingStarPattern>(CandleFunction.ShootingStar);
        _engulfing = Active<EngulfingPattern>(CandleFunction.Engulfing);
        _harami = Active<HaramiPattern>(CandleFunction.Harami);
        _morningStar = Active<StarPattern>(CandleFunction.MorningStar);
        _eveningStar = Active<StarPattern>(CandleFunction.EveningStar);
        _threeWhiteSoldiers = Active<ThreeWhiteSoldiersPattern>(CandleFunction.ThreeWhiteSoldiers);
        _threeBlackCrows = Active<ThreeBlackCrowsPattern>(CandleFunction.ThreeBlackCrows);
        _piercing = Active<PiercingPattern>(CandleFunction.Piercing);
        _darkCloudCover = Active<DarkCloudCoverPattern>(CandleFunction.DarkCloudCover);
    }

    /// <summary>Bars seen so far.</summary>
    public long BarCount => _window.Count;

    /// <summary>TA-Lib's value for each <see cref="CandleFunction"/> on the last bar (0, ±80, ±100).</summary>
    public ReadOnlySpan<int> Values => _values;

    /// <summary>The last bar's value of one function.</summary>
    public int Value(CandleFunction function) => _values[(int)function];

    /// <summary>Confidence of the last non-zero value of one function, in [0.5, 1].</summary>
    public double Confidence(CandleFunction function) => _patterns[(int)function].Confidence;

    /// <summary>TA-Lib's lookback of a function (its first possible output bar index).</summary>
    public int Lookback(CandleFunction function) => _patterns[(int)function].Lookback;

    /// <summary>Feeds the next bar; returns how many functions fired on it.</summary>
    public int OnBar(in Bar bar)
    {
        CandleWindow w = _window;
        w.Push(bar);
        _averages.Update();
        long index = w.Count - 1;

        // TA-Lib reports nothing before a function's lookback.
        int fired = 0;
        if (_doji is { } doji) fired += Set(CandleFunction.Doji, index >= doji.Lookback ? doji.Evaluate(w) : 0);
        if (_hammer is { } hammer) fired += Set(CandleFunction.Hammer, index >= hammer.Lookback ? hammer.Evaluate(w) : 0);
        if (_hangingMan is { } hangingMan) fired += Set(CandleFunction.HangingMan, index >= hangingMan.Lookback ? hangingMan.Evaluate(w) : 0);
        if (_shootingStar is { } shootingStar) fired += Set(CandleFunction.ShootingStar, index >= shootingStar.Lookback ? shootingStar.Evaluate(w) : 0);
        if (_engulfing is { } engulfing) fired += Set(CandleFunction.Engulfing, index >= engulfing.Lookback ? engulfing.Evaluate(w) : 0);
        if (_harami is { } harami) fired += Set(CandleFunction.Harami, index >= harami.Lookback ? harami.Evaluate(w) : 0);
        if (_morningStar is { } morningStar) fired += Set(CandleFunction.MorningStar, index >= morningStar.Lookback ? morningStar.Evaluate(w) : 0);
        if (_eveningStar is { } eveningStar) fired += Set(CandleFunction.EveningStar, index >= eveningStar.Lookback ? eveningStar.Evaluate(w) : 0);
        if (_threeWhiteSoldiers is { } soldiers) fired += Set(CandleFunction.ThreeWhiteSoldiers, index >= soldiers.Lookback ? soldiers.Evaluate(w) : 0);
        if (_threeBlackCrows is { } crows) fired += Set(CandleFunction.ThreeBlackCrows, index >= crows.Lookback ? crows.Evaluate(w) : 0);
        if (_piercing is { } piercing) fired += Set(CandleFunction.Piercing, index >= piercing.Lookback ? piercing.Evaluate(w) : 0);
        if (_darkCloudCover is { } darkCloud) fired += Set(CandleFunction.DarkCloudCover, index >= darkCloud.Lookback ? darkCloud.Evaluate(w) : 0);
        return fired;
    }

    private int Set(CandleFunction function, int value)
    {
        _values[(int)function] = value;
        return value != 0 ? 1 : 0;
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
        for (int k = 0; k < _values.Length; k++)
        {
            int v = _values[k];
            if (v != 0)
            {
                PatternKind kind = KindOf((CandleFunction)k, v);
                Direction direction = kind == PatternKind.Doji ? Direction.Neutral : v > 0 ? Direction.Bullish : Direction.Bearish;
                output.Add(new Detection(kind, direction, _patterns[k].Confidence, tier, timeframe, index, bar.TimeMs, bar.Close, double.NaN));
            }
        }
    }

    /// <summary>Resets to an empty history.</summary>
    public void Reset()
    {
        _window.Reset();
        Array.Clear(_values);
    }

    private static CandlePattern Create(CandleFunction function, CandleAverages averages) => function switch
    {
        CandleFunction.Doji => new DojiPattern(averages),
        CandleFunction.Hammer => new HammerPattern(averages),
        CandleFunction.HangingMan => new HangingManPattern(averages),
        CandleFunction.ShootingStar => new ShootingStarPattern(averages),
        CandleFunction.Engulfing => new EngulfingPattern(averages),
        CandleFunction.Harami => new HaramiPattern(averages),
        CandleFunction.MorningStar => new StarPattern(averages, morning: true),
        CandleFunction.EveningStar => new StarPattern(averages, morning: false),
        CandleFunction.ThreeWhiteSoldiers => new ThreeWhiteSoldiersPattern(averages),
        CandleFunction.ThreeBlackCrows => new ThreeBlackCrowsPattern(averages),
        CandleFunction.Piercing => new PiercingPattern(averages),
        _ => new DarkCloudCoverPattern(averages),
    };

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
