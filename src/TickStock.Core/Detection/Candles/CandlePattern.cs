namespace TickStock.Core.Detection.Candles;

/// <summary>
/// One TA-Lib CDL function evaluated incrementally. Subclasses hold the running averages TA-Lib keeps for that
/// function and reproduce its comparisons; the base class reproduces TA-Lib's start-up: nothing is reported for
/// the first <see cref="Lookback"/> bars, the averages are summed at bar <see cref="Lookback"/>, and after each
/// evaluated bar they slide one bar forward.
/// </summary>
internal abstract class CandlePattern
{
    protected CandlePattern(int lookback) => Lookback = lookback;

    /// <summary>TA-Lib's lookback: index of the first bar the function can report on.</summary>
    public int Lookback { get; }

    /// <summary>Confidence of the last non-zero result, in [0.5, 1], 3 decimals.</summary>
    public double Confidence { get; protected set; }

    /// <summary>Evaluates the window's current bar; returns TA-Lib's value (0, ±80 or ±100).</summary>
    public int OnBar(CandleWindow w)
    {
        long index = w.Count - 1;
        if (index < Lookback)
        {
            return 0;
        }

        if (index == Lookback)
        {
            Start(w);
        }

        int value = Evaluate(w);
        Advance(w);
        return value;
    }

    protected abstract void Start(CandleWindow w);

    protected abstract int Evaluate(CandleWindow w);

    protected abstract void Advance(CandleWindow w);

    /// <summary>Clamps a raw score to [0.5, 1] and rounds it to 3 decimals (TA-Lib already decided the pattern is there).</summary>
    protected static double Score(double raw) => Math.Round(Math.Clamp(raw, 0.5, 1.0), 3, MidpointRounding.AwayFromZero);

    /// <summary>Clamps to [0, 1]; used for "how far past the threshold" fractions.</summary>
    protected static double Unit(double x) => double.IsNaN(x) ? 0 : Math.Clamp(x, 0.0, 1.0);
}
