using System.Runtime.CompilerServices;

namespace TickStock.Core.Detectors.Candles;

/// <summary>The running-sum series of <see cref="CandleMeans"/>, as bits of a "which series to keep" mask.</summary>
[Flags]
internal enum CandleSeries
{
    None = 0,
    Body10From10 = 1 << 0,
    Body10From11 = 1 << 1,
    Body10From12 = 1 << 2,
    Range10From10 = 1 << 3,
    Range10From11 = 1 << 4,
    Range10From12 = 1 << 5,
    Range10From13 = 1 << 6,
    Range5From10 = 1 << 7,
    Range5From11 = 1 << 8,
}

/// <summary>
/// Slides the running sums behind every candle average of the 12 functions, shared by the functions that need the
/// same one; each bar's sums are kept in its row (<see cref="CandleMeans"/>), so a sum slides from the previous row's.
/// </summary>
/// <remarks>
/// <para>Why sums and not exact averages: TA-Lib keeps one running sum per average inside each CDL function, starts
/// it at that function's first output bar (its lookback L) and slides it with <c>sum += new − old</c>. Floating-point
/// drift of that sum decides ties (e.g. a body exactly at the doji limit on cent-priced data), so matching TA-Lib
/// bar for bar means reproducing the same sum in the same order.</para>
/// <para>Why sharing is exact: an average with offset o of a function with lookback L starts at bar L by summing the
/// p measures before bar L − o, oldest first, and after bar i adds <c>measure(i − o) − measure(i − o − p)</c>. That is
/// the same sequence of operations, shifted by o bars, as a sum that starts at bar K = L − o with offset 0. So one
/// series per (measure, period, K) serves them all: the value for offset o on bar i is the series' mean on bar
/// i − o, read from the row o bars back. The 12 functions need these 9 series (BodyLong, BodyShort: body over 10;
/// BodyDoji, ShadowVeryShort: range over 10; Near, Far: range over 5; ShadowLong has period 0, the bar's own body).</para>
/// <para>Only the series an active function reads are kept: the others cost nothing and are never read. A series is
/// only read on bars at or after its start, so the rows before it (or before a reset) are never seen.</para>
/// </remarks>
internal static class CandleAverages
{
    /// <summary>Every series.</summary>
    public const CandleSeries All = (CandleSeries)((1 << 9) - 1);

    // The latest start bar: from the bar after it every series slides (none starts or waits).
    private const long LastStart = 13;

    private static readonly int BodyPeriod = CandleSettings.BodyLong.AveragePeriod;
    private static readonly int RangePeriod = CandleSettings.BodyDoji.AveragePeriod;
    private static readonly int NearPeriod = CandleSettings.Near.AveragePeriod;

    /// <summary>Brings the kept series to the window's current bar (call once per bar, after the push).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // once per bar, from one call site
    public static void Update(ref CandleWindow w, CandleSeries keep)
    {
        long index = w.Count - 1;
        ref CandleMeans now = ref w.Back(0).Means;
        ref readonly CandleMeans before = ref w.Back(1).Means;

        // One increment per (measure, period), shared by the series of different starts: the same two measures
        // subtracted in the same order, so each series adds exactly what its own slide would.
        double bodyStep = w.BodyBack(1) - w.BodyBack(1 + BodyPeriod);
        double rangeStep = w.RangeBack(1) - w.RangeBack(1 + RangePeriod);
        double nearStep = w.RangeBack(1) - w.RangeBack(1 + NearPeriod);

        if (keep == All && index > LastStart)
        {
            // The steady state of a full scanner: every series slides, no tests.
            now.Body10From10Sum = before.Body10From10Sum + bodyStep;
            now.Body10From11Sum = before.Body10From11Sum + bodyStep;
            now.Body10From12Sum = before.Body10From12Sum + bodyStep;
            now.Range10From10Sum = before.Range10From10Sum + rangeStep;
            now.Range10From11Sum = before.Range10From11Sum + rangeStep;
            now.Range10From12Sum = before.Range10From12Sum + rangeStep;
            now.Range10From13Sum = before.Range10From13Sum + rangeStep;
            now.Range5From10Sum = before.Range5From10Sum + nearStep;
            now.Range5From11Sum = before.Range5From11Sum + nearStep;
            return;
        }

        if ((keep & CandleSeries.Body10From10) != 0) now.Body10From10Sum = Slide(before.Body10From10Sum, bodyStep, index, 10, ref w, body: true, BodyPeriod);
        if ((keep & CandleSeries.Body10From11) != 0) now.Body10From11Sum = Slide(before.Body10From11Sum, bodyStep, index, 11, ref w, body: true, BodyPeriod);
        if ((keep & CandleSeries.Body10From12) != 0) now.Body10From12Sum = Slide(before.Body10From12Sum, bodyStep, index, 12, ref w, body: true, BodyPeriod);
        if ((keep & CandleSeries.Range10From10) != 0) now.Range10From10Sum = Slide(before.Range10From10Sum, rangeStep, index, 10, ref w, body: false, RangePeriod);
        if ((keep & CandleSeries.Range10From11) != 0) now.Range10From11Sum = Slide(before.Range10From11Sum, rangeStep, index, 11, ref w, body: false, RangePeriod);
        if ((keep & CandleSeries.Range10From12) != 0) now.Range10From12Sum = Slide(before.Range10From12Sum, rangeStep, index, 12, ref w, body: false, RangePeriod);
        if ((keep & CandleSeries.Range10From13) != 0) now.Range10From13Sum = Slide(before.Range10From13Sum, rangeStep, index, 13, ref w, body: false, RangePeriod);
        if ((keep & CandleSeries.Range5From10) != 0) now.Range5From10Sum = Slide(before.Range5From10Sum, nearStep, index, 10, ref w, body: false, NearPeriod);
        if ((keep & CandleSeries.Range5From11) != 0) now.Range5From11Sum = Slide(before.Range5From11Sum, nearStep, index, 11, ref w, body: false, NearPeriod);
    }

    /// <summary>One series' sum on bar <paramref name="index"/>, from its sum on the bar before. Before the series'
    /// start the result is never read.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Slide(double previous, double step, long index, int start, ref CandleWindow w, bool body, int period) =>
        index > start ? previous + step
        : index == start ? Initial(ref w, body, period)
        : 0;

    /// <summary>The first sum: the <paramref name="period"/> measures before the current bar, oldest first, as TA-Lib
    /// sums them before its first output bar.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)] // once per series and history
    private static double Initial(ref CandleWindow w, bool body, int period)
    {
        double sum = 0;
        for (int back = period; back > 0; back--)
        {
            sum += body ? w.BodyBack(back) : w.RangeBack(back);
        }

        return sum;
    }
}
