using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using TickStock.Core.Bars;

namespace TickStock.Core.Detectors.Candles;

/// <summary>
/// One bar as the CDL functions read it: prices, the shapes they compare (computed once at push instead of once per
/// function and offset) and the candle-average means of that bar.
/// </summary>
internal struct CandleRow
{
    public double Open;
    public double High;
    public double Low;
    public double Close;
    public double Volume;

    /// <summary>|close − open|.</summary>
    public double Body;
    /// <summary>high − low.</summary>
    public double Range;
    /// <summary>high − max(open, close).</summary>
    public double Upper;
    /// <summary>min(open, close) − low.</summary>
    public double Lower;
    /// <summary>max(open, close).</summary>
    public double Top;
    /// <summary>min(open, close).</summary>
    public double Bottom;
    /// <summary>TA-Lib's colour: +1 white (close ≥ open, so a flat bar counts as white), −1 black.</summary>
    public int Color;

    /// <summary>Every candle-average series as of this bar (see <see cref="CandleAverages"/>); only the series some
    /// active function reads are written.</summary>
    public CandleMeans Means;
}

/// <summary>
/// The nine running sums behind the candle averages of the 12 functions as of one bar, and their means. The name says
/// the measure, the period and the bar the sum starts at (which fixes its floating-point drift, see
/// <see cref="CandleAverages"/>): <c>Range10From11</c> = mean high-low range of the 10 bars before, summed since bar 11.
/// </summary>
/// <remarks>
/// The sums are stored, the means divided when read: a function reads a mean only once its cheaper tests hold, so
/// most bars divide a few sums instead of all nine. The same sum over the same period gives the same bits whenever it
/// is divided.
/// </remarks>
internal struct CandleMeans
{
    internal static readonly double BodyPeriod = CandleSettings.BodyLong.AveragePeriod;
    internal static readonly double RangePeriod = CandleSettings.BodyDoji.AveragePeriod;
    internal static readonly double NearPeriod = CandleSettings.Near.AveragePeriod;

    public double Body10From10Sum;
    public double Body10From11Sum;
    public double Body10From12Sum;
    public double Range10From10Sum;
    public double Range10From11Sum;
    public double Range10From12Sum;
    public double Range10From13Sum;
    public double Range5From10Sum;
    public double Range5From11Sum;

    public readonly double Body10From10 => Body10From10Sum / BodyPeriod;
    public readonly double Body10From11 => Body10From11Sum / BodyPeriod;
    public readonly double Body10From12 => Body10From12Sum / BodyPeriod;
    public readonly double Range10From10 => Range10From10Sum / RangePeriod;
    public readonly double Range10From11 => Range10From11Sum / RangePeriod;
    public readonly double Range10From12 => Range10From12Sum / RangePeriod;
    public readonly double Range10From13 => Range10From13Sum / RangePeriod;
    public readonly double Range5From10 => Range5From10Sum / NearPeriod;
    public readonly double Range5From11 => Range5From11Sum / NearPeriod;
}

/// <summary>
/// The bars the CDL functions look at, held inline (no arrays: the whole candle state of a symbol is one object, the
/// scanner). The last 4 bars as <see cref="CandleRow"/>s (the deepest read is bar 3 back, by 3 Black Crows), and the
/// last 16 bodies and ranges for the running sums (a 10-bar sum slides out the measure 11 bars back).
/// </summary>
internal struct CandleWindow
{
    private const int RowMask = 3;
    private const int MeasureMask = 15;

    private Rows _rows;
    private Measures _bodies;
    private Measures _ranges;

    /// <summary>Bars pushed so far; the current bar's index is <c>Count - 1</c>.</summary>
    public long Count;

    /// <summary>Adds the newest bar and returns its row (means not yet filled in).</summary>
    [UnscopedRef]
    public ref CandleRow Push(in Bar bar)
    {
        ref CandleRow row = ref _rows[(int)(Count & RowMask)];
        row.Open = bar.Open;
        row.High = bar.High;
        row.Low = bar.Low;
        row.Close = bar.Close;
        row.Volume = bar.Volume;
        double body = Math.Abs(bar.Close - bar.Open);
        double range = bar.High - bar.Low;
        double top = Math.Max(bar.Close, bar.Open);
        double bottom = Math.Min(bar.Close, bar.Open);
        row.Body = body;
        row.Range = range;
        row.Top = top;
        row.Bottom = bottom;
        row.Upper = bar.High - top;
        row.Lower = bottom - bar.Low;
        row.Color = bar.Close >= bar.Open ? 1 : -1;
        int slot = (int)(Count & MeasureMask);
        _bodies[slot] = body;
        _ranges[slot] = range;
        Count++;
        return ref row;
    }

    /// <summary>The row of the bar <paramref name="back"/> bars before the current one (0 = current, at most 3).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    [UnscopedRef]
    public ref CandleRow Back(int back) => ref _rows[(int)((Count - 1 - back) & RowMask)];

    /// <summary>Body of the bar <paramref name="back"/> bars before the current one (at most 15).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly double BodyBack(int back) => _bodies[(int)((Count - 1 - back) & MeasureMask)];

    /// <summary>High-low range of the bar <paramref name="back"/> bars before the current one (at most 15).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly double RangeBack(int back) => _ranges[(int)((Count - 1 - back) & MeasureMask)];

    [InlineArray(RowMask + 1)]
    private struct Rows
    {
        private CandleRow _element;
    }

    [InlineArray(MeasureMask + 1)]
    private struct Measures
    {
        private double _element;
    }
}
