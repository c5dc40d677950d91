using TickStock.Core.Bars;

namespace TickStock.Core.Detection.Candles;

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
    private readonly CandlePattern[] _patterns =
    [
        new DojiPattern(),
        new HammerPattern(),
        new HangingManPattern(),
        new ShootingStarPattern(),
        new EngulfingPattern(),
        new HaramiPattern(),
        new StarPattern(morning: true),
        new StarPattern(morning: false),
        new ThreeWhiteSoldiersPattern(),
        new ThreeBlackCrowsPattern(),
        new PiercingPattern(),
        new DarkCloudCoverPattern(),
    ];

    private readonly int[] _values = new int[FunctionCount];

    // Functions evaluated on each bar; each keeps its own averages, so leaving one out changes no other.
    private readonly int[] _active;

    /// <summary>Creates a scanner that evaluates all 12 functions.</summary>
    public CandlestickScanner()
        : this(null)
    {
    }

    /// <summary>Creates a scanner that evaluates only the functions flagged in <paramref name="functions"/> (indexed by
    /// <see cref="CandleFunction"/>); the others always read 0. Null = all.</summary>
    public CandlestickScanner(IReadOnlyList<bool>? functions)
    {
        _active = Enumerable.Range(0, FunctionCount).Where(k => functions is null || (k < functions.Count && functions[k])).ToArray();
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
        _window.Push(bar);
        int fired = 0;
        foreach (int k in _active)
        {
            int v = _patterns[k].OnBar(_window);
            _values[k] = v;
            if (v != 0)
            {
                fired++;
            }
        }

        return fired;
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
