namespace TickStock.Core.Indicators;

/// <summary>
/// Maximum (or minimum) of the last <c>period</c> values in amortised O(1): a monotonic deque kept in a
/// preallocated ring, so sliding never allocates.
/// </summary>
public sealed class RollingExtreme
{
    private readonly int _period;
    private readonly bool _max;
    private readonly double[] _values;
    private readonly long[] _indices;
    private int _head;
    private int _size;
    private long _count;

    /// <summary>Creates the window.</summary>
    public RollingExtreme(int period, bool max)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(period, 1);
        _period = period;
        _max = max;
        _values = new double[period + 1];
        _indices = new long[period + 1];
    }

    /// <summary>True once <c>period</c> values were pushed.</summary>
    public bool IsFull => _count >= _period;

    /// <summary>Values pushed so far.</summary>
    public long Count => _count;

    /// <summary>Extreme of the values in the window; NaN when empty.</summary>
    public double Value => _size > 0 ? _values[_head] : double.NaN;

    /// <summary>Adds the newest value, dropping the one that leaves the window.</summary>
    public void Push(double value)
    {
        int capacity = _values.Length;
        // Drop from the back every value the new one dominates: it can never be the extreme again.
        while (_size > 0)
        {
            int back = _head + _size - 1;
            if (back >= capacity)
            {
                back -= capacity;
            }

            if (_max ? _values[back] <= value : _values[back] >= value)
            {
                _size--;
            }
            else
            {
                break;
            }
        }

        int slot = _head + _size;
        if (slot >= capacity)
        {
            slot -= capacity;
        }

        _values[slot] = value;
        _indices[slot] = _count;
        _size++;
        _count++;
        while (_indices[_head] <= _count - 1 - _period)
        {
            _head = _head + 1 == capacity ? 0 : _head + 1;
            _size--;
        }
    }

    /// <summary>Empties the window.</summary>
    public void Reset()
    {
        _head = 0;
        _size = 0;
        _count = 0;
    }
}
