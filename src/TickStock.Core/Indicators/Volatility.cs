namespace TickStock.Core.Indicators;

/// <summary>
/// Average true range as TA-Lib ATR: true ranges from the second bar, the first ATR (index <c>period</c>) is their
/// plain mean, then Wilder smoothing.
/// </summary>
public sealed class AverageTrueRange
{
    private readonly int _period;
    private double _previousClose;
    private double _sum;
    private long _count;

    /// <summary>Creates ATR (default 14).</summary>
    public AverageTrueRange(int period = 14)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(period, 1);
        _period = period;
    }

    /// <summary>True once a value exists.</summary>
    public bool IsReady => _count > _period;

    /// <summary>Current ATR; NaN until ready.</summary>
    public double Value { get; private set; } = double.NaN;

    /// <summary>Adds a bar; returns <see cref="IsReady"/>.</summary>
    public bool Update(double high, double low, double close)
    {
        _count++;
        if (_count == 1)
        {
            _previousClose = close;
            return false;
        }

        double tr = TaLibMath.TrueRange(high, low, _previousClose);
        _previousClose = close;
        if (_count <= _period + 1)
        {
            _sum += tr;
            if (_count < _period + 1)
            {
                return false;
            }

            Value = _sum / _period;
            return true;
        }

        Value = ((Value * (_period - 1)) + tr) / _period;
        return true;
    }
}

/// <summary>
/// ADX as TA-Lib computes it: +DM/−DM/TR summed over the first period − 1 moves, then Wilder-smoothed
/// (<c>s = s − s/n + x</c>); DX = 100 × |DI+ − DI−| / (DI+ + DI−); the first ADX (index 2 × period − 1) is the mean
/// of the first <c>period</c> DX values, then Wilder smoothing.
/// </summary>
public sealed class AverageDirectionalIndex
{
    private readonly int _period;
    private double _previousHigh;
    private double _previousLow;
    private double _previousClose;
    private double _plusDm;
    private double _minusDm;
    private double _tr;
    private double _sumDx;
    private long _count;

    /// <summary>Creates ADX (default 14).</summary>
    public AverageDirectionalIndex(int period = 14)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(period, 2);
        _period = period;
    }

    /// <summary>True once a value exists.</summary>
    public bool IsReady => _count >= 2 * _period;

    /// <summary>Current ADX; NaN until ready.</summary>
    public double Value { get; private set; } = double.NaN;

    /// <summary>Adds a bar; returns <see cref="IsReady"/>.</summary>
    public bool Update(double high, double low, double close)
    {
        _count++;
        if (_count == 1)
        {
            _previousHigh = high;
            _previousLow = low;
            _previousClose = close;
            return false;
        }

        double diffPlus = high - _previousHigh;
        double diffMinus = _previousLow - low;
        _previousHigh = high;
        _previousLow = low;
        double tr = TaLibMath.TrueRange(high, low, _previousClose);
        _previousClose = close;

        bool initial = _count <= _period; // the first period − 1 moves are summed, not smoothed
        if (!initial)
        {
            _minusDm -= _minusDm / _period;
            _plusDm -= _plusDm / _period;
        }

        if (diffMinus > 0 && diffPlus < diffMinus)
        {
            _minusDm += diffMinus;
        }
        else if (diffPlus > 0 && diffPlus > diffMinus)
        {
            _plusDm += diffPlus;
        }

        _tr = initial ? _tr + tr : _tr - (_tr / _period) + tr;
        if (initial)
        {
            return false;
        }

        bool haveDx = TryDx(out double dx);
        if (_count < 2 * _period)
        {
            if (haveDx)
            {
                _sumDx += dx;
            }

            return false;
        }

        if (_count == 2 * _period)
        {
            if (haveDx)
            {
                _sumDx += dx;
            }

            Value = _sumDx / _period;
            return true;
        }

        if (haveDx)
        {
            Value = ((Value * (_period - 1)) + dx) / _period;
        }

        return true;
    }

    private bool TryDx(out double dx)
    {
        dx = 0;
        if (TaLibMath.IsZero(_tr))
        {
            return false;
        }

        double minusDi = 100.0 * (_minusDm / _tr);
        double plusDi = 100.0 * (_plusDm / _tr);
        double sum = minusDi + plusDi;
        if (TaLibMath.IsZero(sum))
        {
            return false;
        }

        dx = 100.0 * (Math.Abs(minusDi - plusDi) / sum);
        return true;
    }
}
