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
