namespace TickStock.Core.Detectors.Candles;

/// <summary>
/// What the CDL functions share. Each function is a static method over the rows it reads (<c>r0</c> = current bar,
/// <c>r1</c> = the one before, …): an inlined test of TA-Lib's comparisons, and only when it holds a separate call
/// that scores the confidence. TA-Lib's averages are read as factor × a mean of <see cref="CandleMeans"/>, the
/// series fixed by the average's setting, offset and the function's lookback (see <see cref="CandleAverages"/>).
/// </summary>
internal static class CandlePattern
{
    /// <summary>Clamps a raw score to [0.5, 1] and rounds it to 3 decimals (TA-Lib already decided the pattern is there).</summary>
    public static double Score(double raw) => Math.Round(Math.Clamp(raw, 0.5, 1.0), 3, MidpointRounding.AwayFromZero);

    /// <summary>Clamps to [0, 1]; used for "how far past the threshold" fractions.</summary>
    public static double Unit(double x) => double.IsNaN(x) ? 0 : Math.Clamp(x, 0.0, 1.0);
}

/// <summary>
/// The means several functions read on almost every bar, divided once per bar for all of them (the same sum over the
/// same period gives the same bits wherever it is divided). Meaningless before the series start; not read then.
/// </summary>
internal readonly struct SharedMeans(in CandleRow r0, in CandleRow r1)
{
    /// <summary>Current bar's body mean summed since bar 11 (BodyShort/BodyLong of the Hammer family, Harami, Piercing).</summary>
    public readonly double Body10From11 = r0.Means.Body10From11;

    /// <summary>Current bar's range mean summed since bar 11 (ShadowVeryShort of the Hammer family and Shooting Star).</summary>
    public readonly double Range10From11 = r0.Means.Range10From11;

    /// <summary>Previous bar's body mean summed since bar 10 (BodyLong of the first bar of Harami, Piercing, Dark Cloud).</summary>
    public readonly double PreviousBody10From10 = r1.Means.Body10From10;
}
