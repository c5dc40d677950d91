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
/// The running sums behind every candle average of the 12 functions, shared by the functions that need the same one;
/// <see cref="Update"/> writes their means into the current bar's <see cref="CandleMeans"/>.
/// </summary>
/// <remarks>
/// <para>Why sums and not exact averages: TA-Lib keeps one running sum per average inside each CDL function, starts
/// it at that function's first output bar (its lookback L) and slides it with <c>sum += new − old</c>. Floating-point
/// drift of that sum decides ties (e.g. a body exactly at the doji limit on cent-priced data), so matching TA-Lib
/// bar for bar means reproducing the same sum in the same order.</para>
/// <para>Why sharing is exact: an average with offset o of a function with lookback L starts at bar L by summing the
/// p measures before bar L − o, oldest first, and after bar i adds <c>measure(i − o) − measure(i − o − p)</c>. That is
/// the same sequence of operations, shifted by o bars, as a sum that starts at bar K = L − o with offset 0. So one
/// series per (measure, period, K) serves them all: the value for offset o on bar i is the series' mean of bar
/// i − o, read from the row o bars back. The 12 functions need these 9 series (BodyLong, BodyShort: body over 10;
/// BodyDoji, ShadowVeryShort: range over 10; Near, Far: range over 5; ShadowLong has period 0, the bar's own body).</para>
/// <para>Only the series an active function reads are kept: the others cost nothing and their means are never read.
/// A series is only read on bars at or after its start, so stale means in its rows are never seen.</para>
/// </remarks>
internal struct CandleAverages
{
    private static readonly int BodyPeriod = CandleSettings.BodyLong.AveragePeriod;
    private static readonly int RangePeriod = CandleSettings.BodyDoji.AveragePeriod;
    private static readonly int NearPeriod = CandleSettings.Near.AveragePeriod;

    private double _body10From10;
    private double _body10From11;
    private double _body10From12;
    private double _range10From10;
    private double _range10From11;
    private double _range10From12;
    private double _range10From13;
    private double _range5From10;
    private double _range5From11;

    /// <summary>Brings the kept series to the window's current bar (call once per bar, after the push).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // once per bar, from one call site
    public void Update(ref CandleWindow w, CandleSeries keep)
    {
        long index = w.Count - 1;
        ref CandleMeans means = ref w.Back(0).Means;

        // One increment per (measure, period), shared by the series of different starts: the same two measures
        // subtracted in the same order, so each series adds exactly what its own slide would.
        double bodyStep = w.BodyBack(1) - w.BodyBack(1 + BodyPeriod);
        double rangeStep = w.RangeBack(1) - w.RangeBack(1 + RangePeriod);
        double nearStep = w.RangeBack(1) - w.RangeBack(1 + NearPeriod);

        if ((keep & CandleSeries.Body10From10) != 0) means.Body10From10 = Slide(ref _body10From10, bodyStep, index, 10, ref w, body: true, BodyPeriod);
        if ((keep & CandleSeries.Body10From11) != 0) means.Body10From11 = Slide(ref _body10From11, bodyStep, index, 11, ref w, body: true, BodyPeriod);
        if ((keep & CandleSeries.Body10From12) != 0) means.Body10From12 = Slide(ref _body10From12, bodyStep, index, 12, ref w, body: true, BodyPeriod);
        if ((keep & CandleSeries.Range10From10) != 0) means.Range10From10 = Slide(ref _range10From10, rangeStep, index, 10, ref w, body: false, RangePeriod);
        if ((keep & CandleSeries.Range10From11) != 0) means.Range10From11 = Slide(ref _range10From11, rangeStep, index, 11, ref w, body: false, RangePeriod);
        if ((keep & CandleSeries.Range10From12) != 0) means.Range10From12 = Slide(ref _range10From12, rangeStep, index, 12, ref w, body: false, RangePeriod);
        if ((keep & CandleSeries.Range10From13) != 0) means.Range10From13 = Slide(ref _range10From13, rangeStep, index, 13, ref w, body: false, RangePeriod);
        if ((keep & CandleSeries.Range5From10) != 0) means.Range5From10 = Slide(ref _range5From10, nearStep, index, 10, ref w, body: false, NearPeriod);
        if ((keep & CandleSeries.Range5From11) != 0) means.Range5From11 = Slide(ref _range5From11, nearStep, index, 11, ref w, body: false, NearPeriod);
    }

    /// <summary>
    /// Slides one series to bar <paramref name="index"/> and returns its mean (the sum divided once here: every
    /// function reading it on this bar would divide the same sum by the same period, so the bits are the same).
    /// Before the series' start the sum is untouched and the returned mean is never read.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Slide(ref double sum, double step, long index, int start, ref CandleWindow w, bool body, int period)
    {
        if (index > start)
        {
            sum += step;
        }
        else if (index == start)
        {
            sum = Initial(ref w, body, period);
        }

        return sum / period;
    }

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
