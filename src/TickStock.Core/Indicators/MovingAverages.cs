namespace TickStock.Core.Indicators;

/// <summary>
/// Simple moving average over the last <c>period</c> values (TA-Lib SMA: first value at index period − 1).
/// Running sum over a preallocated ring: O(1) per update, no allocation.
/// </summary>
public sealed class SimpleMovingAverage
{
    private readonly double[] _ring;
    private double _sum;
    private long _count;
    private int _slot; // next ring slot; wraps without a division per update

    /// <summary>Creates the average.</summary>
    public SimpleMovingAverage(int period)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(period, 1);
        _ring = new double[period];
    }

    /// <summary>Window length.</summary>
    public int Period => _ring.Length;

    /// <summary>True once <see cref="Period"/> values were seen.</summary>
    public bool IsReady => _count >= _ring.Length;

    /// <summary>Current average; NaN until ready.</summary>
    public double Value { get; private set; } = double.NaN;

    /// <summary>Adds a value; returns <see cref="IsReady"/>.</summary>
    public bool Update(double x)
    {
        int slot = _slot;
        if (_count >= _ring.Length)
        {
            _sum -= _ring[slot];
        }

        _ring[slot] = x;
        _slot = slot + 1 == _ring.Length ? 0 : slot + 1;
        _sum += x;
        _count++;
        if (_count >= _ring.Length)
        {
            Value = _sum / _ring.Length;
            return true;
        }

        return false;
    }
}

/// <summary>
/// Exponential moving average as TA-Lib computes it by default: seeded with the SMA of the first <c>period</c>
/// values (first value at index period − 1), then <c>ema += (x − ema) × 2/(period+1)</c>.
/// </summary>
public sealed class ExponentialMovingAverage
{
    private readonly int _period;
    private readonly double _k;
    private double _seedSum;
    private long _count;

    /// <summary>Creates the average.</summary>
    public ExponentialMovingAverage(int period)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(period, 1);
        _period = period;
        _k = 2.0 / (period + 1);
    }

    /// <summary>True once seeded.</summary>
    public bool IsReady => _count >= _period;

    /// <summary>Current value; NaN until ready.</summary>
    public double Value { get; private set; } = double.NaN;

    /// <summary>Adds a value; returns <see cref="IsReady"/>.</summary>
    public bool Update(double x)
    {
        _count++;
        if (_count < _period)
        {
            _seedSum += x;
            return false;
        }

        if (_count == _period)
        {
            Value = (_seedSum + x) / _period;
            return true;
        }

        Value = ((x - Value) * _k) + Value;
        return true;
    }

    /// <summary>Starts from a given value as if it were the seed (MACD seeds its EMAs this way).</summary>
    internal void Seed(double value)
    {
        Value = value;
        _count = _period;
    }
}

/// <summary>
/// MACD(fast, slow, signal) exactly as TA-Lib aligns it: both EMAs start at index slow − 1 (the fast one seeded
/// with the SMA of the last <c>fast</c> values there, not of the first ones), the signal is an EMA of the MACD line
/// seeded with its first <c>signal</c> values; first output at index slow + signal − 2.
/// </summary>
public sealed class Macd
{
    private readonly int _slowPeriod;
    private readonly SimpleMovingAverage _fastSeed;
    private readonly ExponentialMovingAverage _fast;
    private readonly ExponentialMovingAverage _slow;
    private readonly ExponentialMovingAverage _signal;
    private long _count;

    /// <summary>Creates MACD (defaults 12, 26, 9).</summary>
    public Macd(int fastPeriod = 12, int slowPeriod = 26, int signalPeriod = 9)
    {
        _slowPeriod = slowPeriod;
        _fastSeed = new SimpleMovingAverage(fastPeriod);
        _fast = new ExponentialMovingAverage(fastPeriod);
        _slow = new ExponentialMovingAverage(slowPeriod);
        _signal = new ExponentialMovingAverage(signalPeriod);
    }

    /// <summary>True once the signal line exists (TA-Lib's first output).</summary>
    public bool IsReady => _signal.IsReady;

    /// <summary>MACD line (fast − slow); NaN until ready.</summary>
    public double Line { get; private set; } = double.NaN;

    /// <summary>Signal line; NaN until ready.</summary>
    public double Signal { get; private set; } = double.NaN;

    /// <summary>Histogram (line − signal); NaN until ready.</summary>
    public double Histogram { get; private set; } = double.NaN;

    /// <summary>Adds a value; returns <see cref="IsReady"/>.</summary>
    public bool Update(double x)
    {
        _count++;
        _slow.Update(x);
        if (_count < _slowPeriod)
        {
            _fastSeed.Update(x);
            return false;
        }

        if (_count == _slowPeriod)
        {
            _fastSeed.Update(x);
            _fast.Seed(_fastSeed.Value);
        }
        else
        {
            _fast.Update(x);
        }

        double line = _fast.Value - _slow.Value;
        if (_signal.Update(line))
        {
            Line = line;
            Signal = _signal.Value;
            Histogram = line - Signal;
            return true;
        }

        return false;
    }
}
