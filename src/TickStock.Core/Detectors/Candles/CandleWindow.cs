using System.Runtime.CompilerServices;
using TickStock.Core.Bars;

namespace TickStock.Core.Detectors.Candles;

/// <summary>
/// The last 16 bars as flat arrays (structure of arrays, power-of-two ring), enough for every TA-Lib
/// candle average this library uses: the deepest look-back is a 10-bar average of the bar 2 back
/// (3 Black Crows, Morning/Evening Star), i.e. 13 bars.
/// </summary>
/// <remarks>
/// The accessors are marked for inlining: the CDL functions call dozens of them per bar, and the JIT's own
/// heuristics leave most as calls (measured: they were the bulk of the scanner's cost).
/// </remarks>
public sealed class CandleWindow
{
    private const int Capacity = 16;
    private const int Mask = Capacity - 1;
    private readonly double[] _open = new double[Capacity];
    private readonly double[] _high = new double[Capacity];
    private readonly double[] _low = new double[Capacity];
    private readonly double[] _close = new double[Capacity];
    private readonly double[] _volume = new double[Capacity];

    // Measures the candle averages use, computed once per bar at push instead of once per pattern and offset.
    private readonly double[] _realBody = new double[Capacity];
    private readonly double[] _highLow = new double[Capacity];
    private readonly double[] _shadows = new double[Capacity];

    // Shapes the CDL functions compare, likewise computed once per bar (each is read by several functions).
    private readonly double[] _upperShadow = new double[Capacity];
    private readonly double[] _lowerShadow = new double[Capacity];
    private readonly double[] _bodyTop = new double[Capacity];
    private readonly double[] _bodyBottom = new double[Capacity];
    private readonly int[] _color = new int[Capacity];
    private int _current = -1;

    /// <summary>Bars pushed so far; the current bar's index is <c>Count - 1</c>.</summary>
    public long Count { get; private set; }

    /// <summary>Adds the newest bar.</summary>
    public void Push(in Bar bar)
    {
        int slot = (int)(Count & Mask);
        _open[slot] = bar.Open;
        _high[slot] = bar.High;
        _low[slot] = bar.Low;
        _close[slot] = bar.Close;
        _volume[slot] = bar.Volume;
        _realBody[slot] = Math.Abs(bar.Close - bar.Open);
        _highLow[slot] = bar.High - bar.Low;
        double top = Math.Max(bar.Close, bar.Open);
        double bottom = Math.Min(bar.Close, bar.Open);
        _bodyTop[slot] = top;
        _bodyBottom[slot] = bottom;
        _upperShadow[slot] = bar.High - top;
        _lowerShadow[slot] = bottom - bar.Low;
        _color[slot] = bar.Close >= bar.Open ? 1 : -1;
        // Same operations as UpperShadow + LowerShadow, so sums match TA-Lib's to the last bit.
        _shadows[slot] = (bar.High - top) + (bottom - bar.Low);
        _current = slot;
        Count++;
    }

    /// <summary>Forgets every bar.</summary>
    public void Reset()
    {
        Count = 0;
        _current = -1;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Slot(int back) => (_current - back) & Mask;

    /// <summary>Ring slot of the bar <paramref name="back"/> bars before the current one (index into <see cref="Measure"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal int SlotBack(int back) => (_current - back) & Mask;

    /// <summary>The ring of one measure (index with <see cref="SlotBack"/>), so a running sum reads it without a switch per bar.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal double[] Measure(CandleRangeType type) => type switch
    {
        CandleRangeType.RealBody => _realBody,
        CandleRangeType.HighLow => _highLow,
        _ => _shadows,
    };

    /// <summary>Open of the bar <paramref name="back"/> bars before the current one (0 = current).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Open(int back) => _open[Slot(back)];
    /// <summary>High, <paramref name="back"/> bars back.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double High(int back) => _high[Slot(back)];
    /// <summary>Low, <paramref name="back"/> bars back.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Low(int back) => _low[Slot(back)];
    /// <summary>Close, <paramref name="back"/> bars back.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Close(int back) => _close[Slot(back)];
    /// <summary>Volume, <paramref name="back"/> bars back.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Volume(int back) => _volume[Slot(back)];

    /// <summary>|close − open|.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double RealBody(int back) => _realBody[Slot(back)];
    /// <summary>high − max(open, close).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double UpperShadow(int back) => _upperShadow[Slot(back)];
    /// <summary>min(open, close) − low.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double LowerShadow(int back) => _lowerShadow[Slot(back)];
    /// <summary>high − low.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double HighLow(int back) => _highLow[Slot(back)];
    /// <summary>TA-Lib's colour: +1 white (close ≥ open, so a flat bar counts as white), −1 black.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Color(int back) => _color[Slot(back)];
    /// <summary>max(open, close).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double BodyTop(int back) => _bodyTop[Slot(back)];
    /// <summary>min(open, close).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double BodyBottom(int back) => _bodyBottom[Slot(back)];

    /// <summary>The measure a candle setting averages, for one bar.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Range(CandleRangeType type, int back) => type switch
    {
        CandleRangeType.RealBody => _realBody[Slot(back)],
        CandleRangeType.HighLow => _highLow[Slot(back)],
        _ => _shadows[Slot(back)],
    };
}
