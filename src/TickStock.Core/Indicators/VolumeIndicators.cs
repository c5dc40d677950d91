namespace TickStock.Core.Indicators;

/// <summary>On-balance volume as TA-Lib OBV: starts at the first bar's volume, then ± each bar's volume by close direction.</summary>
public sealed class OnBalanceVolume
{
    private double _previousClose;
    private bool _started;

    /// <summary>Current OBV; NaN before the first bar.</summary>
    public double Value { get; private set; } = double.NaN;

    /// <summary>Adds a bar.</summary>
    public void Update(double close, double volume)
    {
        if (!_started)
        {
            _started = true;
            Value = volume;
        }
        else if (close > _previousClose)
        {
            Value += volume;
        }
        else if (close < _previousClose)
        {
            Value -= volume;
        }

        _previousClose = close;
    }
}

/// <summary>
/// Session-anchored VWAP: Σ(typical price × volume) / Σ volume since the session's first bar, typical price =
/// (high + low + close) / 3; restarts when the session date changes. With no volume yet it is the typical price.
/// </summary>
public sealed class SessionVwap
{
    private int _session = int.MinValue;
    private double _priceVolume;
    private double _volume;

    /// <summary>Current VWAP; NaN before the first bar.</summary>
    public double Value { get; private set; } = double.NaN;

    /// <summary>Adds a bar of session <paramref name="sessionDate"/> (yyyymmdd).</summary>
    public void Update(int sessionDate, double high, double low, double close, double volume)
    {
        if (sessionDate != _session)
        {
            _session = sessionDate;
            _priceVolume = 0;
            _volume = 0;
        }

        double typical = (high + low + close) / 3.0;
        _priceVolume += typical * volume;
        _volume += volume;
        Value = _volume > 0 ? _priceVolume / _volume : typical;
    }
}

/// <summary>Relative volume: this bar's volume / mean volume of the previous <c>period</c> bars (default 20).</summary>
public sealed class RelativeVolume
{
    private readonly double[] _ring;
    private double _sum;
    private long _count;
    private int _slot;

    /// <summary>Creates the indicator.</summary>
    public RelativeVolume(int period = 20)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(period, 1);
        _ring = new double[period];
    }

    /// <summary>Mean volume of the previous bars (before the last update's bar); NaN until <c>period</c> bars were seen.</summary>
    public double PreviousMean { get; private set; } = double.NaN;

    /// <summary>volume / <see cref="PreviousMean"/>; NaN until ready or when the mean is 0.</summary>
    public double Value { get; private set; } = double.NaN;

    /// <summary>Adds a bar's volume.</summary>
    public void Update(double volume)
    {
        int n = _ring.Length;
        PreviousMean = _count >= n ? _sum / n : double.NaN;
        Value = PreviousMean > 0 ? volume / PreviousMean : double.NaN;
        int slot = _slot;
        _slot = slot + 1 == n ? 0 : slot + 1;
        if (_count >= n)
        {
            _sum -= _ring[slot];
        }

        _ring[slot] = volume;
        _sum += volume;
        _count++;
    }
}

/// <summary>
/// Relative strength against a reference index (SPY by default, chosen by the caller): (1 + symbol return) /
/// (1 + reference index return) over the last <c>period</c> bars; &gt; 1 means outperforming.
/// </summary>
public sealed class RelativeStrength
{
    private readonly double[] _symbol;
    private readonly double[] _referenceIndex;
    private long _count;

    /// <summary>Creates the indicator (default 20 bars).</summary>
    public RelativeStrength(int period = 20)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(period, 1);
        _symbol = new double[period + 1];
        _referenceIndex = new double[period + 1];
    }

    /// <summary>Current ratio; NaN until <c>period</c> + 1 pairs were seen or when a base price is 0.</summary>
    public double Value { get; private set; } = double.NaN;

    /// <summary>Adds one bar's close of the symbol and of the reference index (same bar time).</summary>
    public void Update(double close, double referenceIndexClose)
    {
        int n = _symbol.Length;
        int slot = (int)(_count % n);
        _symbol[slot] = close;
        _referenceIndex[slot] = referenceIndexClose;
        _count++;
        if (_count < n)
        {
            return;
        }

        int oldest = (int)(_count % n);
        double s0 = _symbol[oldest], b0 = _referenceIndex[oldest];
        Value = s0 > 0 && b0 > 0 && referenceIndexClose > 0 ? (close / s0) / (referenceIndexClose / b0) : double.NaN;
    }
}
