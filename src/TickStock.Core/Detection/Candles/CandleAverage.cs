namespace TickStock.Core.Detection.Candles;

/// <summary>
/// A running TA-Lib candle average for the bar <c>Offset</c> bars back: the sum of the setting's measure over the
/// <c>AveragePeriod</c> bars before that bar.
/// </summary>
/// <remarks>
/// Why a running sum kept per pattern and per offset rather than one shared exact average: TA-Lib keeps exactly
/// such a sum inside each CDL function, starts it at that function's first output bar and updates it with
/// <c>sum += new − old</c>. Floating-point drift of that sum decides ties (e.g. a body exactly at the doji limit on
/// cent-priced data), so matching TA-Lib bar for bar means reproducing the same sum in the same order.
/// </remarks>
internal struct CandleAverage
{
    private readonly CandleSetting _setting;
    private readonly int _offset;
    private double _sum;

    public CandleAverage(CandleSetting setting, int offset)
    {
        _setting = setting;
        _offset = offset;
        _sum = 0;
    }

    /// <summary>Sums the window oldest first, as TA-Lib does before its first output bar.</summary>
    public void Start(CandleWindow w)
    {
        _sum = 0;
        for (int back = _offset + _setting.AveragePeriod; back > _offset; back--)
        {
            _sum += w.Range(_setting.RangeType, back);
        }
    }

    /// <summary>factor × average (halved for the Shadows type), with TA-Lib's operation order.</summary>
    public readonly double Value(CandleWindow w)
    {
        double mean = _setting.AveragePeriod != 0 ? _sum / _setting.AveragePeriod : w.Range(_setting.RangeType, _offset);
        return _setting.Factor * mean / (_setting.RangeType == CandleRangeType.Shadows ? 2.0 : 1.0);
    }

    /// <summary>Slides the window one bar forward after the current bar was evaluated.</summary>
    public void Advance(CandleWindow w)
    {
        if (_setting.AveragePeriod != 0)
        {
            _sum += w.Range(_setting.RangeType, _offset) - w.Range(_setting.RangeType, _offset + _setting.AveragePeriod);
        }
    }
}
