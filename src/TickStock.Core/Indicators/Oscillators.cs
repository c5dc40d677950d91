namespace TickStock.Core.Indicators;

/// <summary>
/// RSI with Wilder smoothing, as TA-Lib (unstable period 0): the first value at index <c>period</c> uses plain
/// averages of the first <c>period</c> gains/losses, later ones Wilder's <c>avg = (avg × (n−1) + x) / n</c>.
/// </summary>
public sealed class RelativeStrengthIndex
{
    private readonly int _period;
    private double _previous;
    private double _gain;
    private double _loss;
    private long _count;

    /// <summary>Creates RSI (default 14).</summary>
    public RelativeStrengthIndex(int period = 14)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(period, 2);
        _period = period;
    }

    /// <summary>True once a value exists.</summary>
    public bool IsReady => _count > _period;

    /// <summary>Current RSI in [0, 100]; NaN until ready.</summary>
    public double Value { get; private set; } = double.NaN;

    /// <summary>Adds a close; returns <see cref="IsReady"/>.</summary>
    public bool Update(double close)
    {
        _count++;
        if (_count == 1)
        {
            _previous = close;
            return false;
        }

        double diff = close - _previous;
        _previous = close;
        if (_count <= _period + 1)
        {
            if (diff < 0)
            {
                _loss -= diff;
            }
            else
            {
                _gain += diff;
            }

            if (_count < _period + 1)
            {
                return false;
            }

            _loss /= _period;
            _gain /= _period;
        }
        else
        {
            _loss *= _period - 1;
            _gain *= _period - 1;
            if (diff < 0)
            {
                _loss -= diff;
            }
            else
            {
                _gain += diff;
            }

            _loss /= _period;
            _gain /= _period;
        }

        double total = _gain + _loss;
        Value = TaLibMath.IsZero(total) ? 0 : 100 * (_gain / total);
        return true;
    }
}

/// <summary>
/// Stochastic(fastK, slowK SMA, slowD SMA) as TA-Lib STOCH with SMA smoothing (default 14, 3, 3; first value at
/// index fastK + slowK + slowD − 3). Fast %K = 100 × (close − lowest low) / (highest high − lowest low), 0 on a flat window.
/// </summary>
public sealed class Stochastic
{
    private readonly RollingExtreme _highest;
    private readonly RollingExtreme _lowest;
    private readonly SimpleMovingAverage _slowK;
    private readonly SimpleMovingAverage _slowD;

    /// <summary>Creates the oscillator.</summary>
    public Stochastic(int fastKPeriod = 14, int slowKPeriod = 3, int slowDPeriod = 3)
    {
        _highest = new RollingExtreme(fastKPeriod, max: true);
        _lowest = new RollingExtreme(fastKPeriod, max: false);
        _slowK = new SimpleMovingAverage(slowKPeriod);
        _slowD = new SimpleMovingAverage(slowDPeriod);
    }

    /// <summary>True once %D exists.</summary>
    public bool IsReady => _slowD.IsReady;

    /// <summary>Slow %K; NaN until ready.</summary>
    public double K { get; private set; } = double.NaN;

    /// <summary>Slow %D; NaN until ready.</summary>
    public double D { get; private set; } = double.NaN;

    /// <summary>Adds a bar; returns <see cref="IsReady"/>.</summary>
    public bool Update(double high, double low, double close)
    {
        _highest.Push(high);
        _lowest.Push(low);
        if (!_highest.IsFull)
        {
            return false;
        }

        double lowest = _lowest.Value;
        double diff = (_highest.Value - lowest) / 100.0;
        double fastK = diff != 0 ? (close - lowest) / diff : 0;
        if (_slowK.Update(fastK) && _slowD.Update(_slowK.Value))
        {
            K = _slowK.Value;
            D = _slowD.Value;
            return true;
        }

        return false;
    }
}

/// <summary>
/// Bollinger bands (SMA middle, population standard deviation) as TA-Lib BBANDS with MA type SMA: variance from
/// running sums, treated as 0 when below 1e-8 (TA-Lib's "zero or negative" test).
/// </summary>
public sealed class BollingerBands
{
    private readonly double[] _ring;
    private readonly double _deviations;
    private double _sum;
    private double _sumSquares;
    private long _count;
    private int _slot;

    /// <summary>Creates bands (default 20, 2).</summary>
    public BollingerBands(int period = 20, double deviations = 2.0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(period, 2);
        _ring = new double[period];
        _deviations = deviations;
    }

    /// <summary>True once the window is full.</summary>
    public bool IsReady => _count >= _ring.Length;

    /// <summary>Middle band (SMA); NaN until ready.</summary>
    public double Middle { get; private set; } = double.NaN;

    /// <summary>Upper band; NaN until ready.</summary>
    public double Upper { get; private set; } = double.NaN;

    /// <summary>Lower band; NaN until ready.</summary>
    public double Lower { get; private set; } = double.NaN;

    /// <summary>Standard deviation of the window; NaN until ready.</summary>
    public double StandardDeviation { get; private set; } = double.NaN;

    /// <summary>Adds a close; returns <see cref="IsReady"/>.</summary>
    public bool Update(double x)
    {
        int n = _ring.Length;
        int slot = _slot;
        _slot = slot + 1 == n ? 0 : slot + 1;
        if (_count >= n)
        {
            double old = _ring[slot];
            _sum -= old;
            _sumSquares -= old * old;
        }

        _ring[slot] = x;
        _sum += x;
        _sumSquares += x * x;
        _count++;
        if (_count < n)
        {
            return false;
        }

        double mean = _sum / n;
        double variance = (_sumSquares / n) - (mean * mean);
        double sd = variance < 1e-8 ? 0 : Math.Sqrt(variance);
        Middle = mean;
        StandardDeviation = sd;
        Upper = mean + (_deviations * sd);
        Lower = mean - (_deviations * sd);
        return true;
    }
}

/// <summary>TA-Lib's numeric conventions.</summary>
internal static class TaLibMath
{
    /// <summary>TA_IS_ZERO: |v| &lt; 1e-8.</summary>
    public static bool IsZero(double v) => v > -0.00000001 && v < 0.00000001;

    /// <summary>True range against the previous close.</summary>
    public static double TrueRange(double high, double low, double previousClose)
    {
        double range = high - low;
        double up = Math.Abs(high - previousClose);
        if (up > range)
        {
            range = up;
        }

        double down = Math.Abs(low - previousClose);
        return down > range ? down : range;
    }
}
