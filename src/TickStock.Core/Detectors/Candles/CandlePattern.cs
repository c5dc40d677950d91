using System.Runtime.CompilerServices;

namespace TickStock.Core.Detectors.Candles;

/// <summary>
/// One TA-Lib CDL function evaluated incrementally. Subclasses reproduce the function's comparisons against the
/// candle averages it registers; the scanner reproduces TA-Lib's start-up by evaluating a function only from bar
/// <see cref="Lookback"/> on (nothing is reported before), and <see cref="CandleAverages"/> starts each average's
/// running sum at that bar.
/// </summary>
internal abstract class CandlePattern
{
    private readonly CandleAverages _averages;

    protected CandlePattern(CandleAverages averages, int lookback)
    {
        _averages = averages;
        Lookback = lookback;
    }

    /// <summary>TA-Lib's lookback: index of the first bar the function can report on.</summary>
    public int Lookback { get; }

    /// <summary>Confidence of the last non-zero result, in [0.5, 1], 3 decimals.</summary>
    public double Confidence { get; protected set; }

    /// <summary>Evaluates the window's current bar (its index is at least <see cref="Lookback"/>); returns TA-Lib's value (0, ±80 or ±100).</summary>
    public abstract int Evaluate(CandleWindow w);

    /// <summary>Registers an average this function reads (call from the constructor).</summary>
    protected CandleAverage Average(CandleSetting setting, int offset) => _averages.Register(setting, offset, Lookback);

    /// <summary>factor × the average on the current bar.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected double Value(in CandleAverage average, CandleWindow w) => _averages.Value(average, w);

    /// <summary>Clamps a raw score to [0.5, 1] and rounds it to 3 decimals (TA-Lib already decided the pattern is there).</summary>
    protected static double Score(double raw) => Math.Round(Math.Clamp(raw, 0.5, 1.0), 3, MidpointRounding.AwayFromZero);

    /// <summary>Clamps to [0, 1]; used for "how far past the threshold" fractions.</summary>
    protected static double Unit(double x) => double.IsNaN(x) ? 0 : Math.Clamp(x, 0.0, 1.0);
}
