namespace TickStock.Core.Detection;

/// <summary>
/// Resistance_Break and Support_Test from swing points of the last Window bars.
/// </summary>
/// <remarks>
/// <para>A swing high is a bar whose high is above the highs of the SwingStrength bars before it and not below
/// those of the SwingStrength bars after it (so it is confirmed SwingStrength bars later); swing lows mirror that.
/// A swing is a level when at least MinTouches swings of the same kind (itself included) lie within Tolerance of
/// it — "touched ≥ 2 times within 1 % in 60 bars".</para>
/// <para>Resistance_Break: previous close ≤ level &lt; close (the highest such level is reported).
/// Confidence = 0.6 + 0.05 × min(3, touches − 2) + 0.2 × min(1, (close − level) / ATR) + 0.05 if relative volume ≥ 1.5.</para>
/// <para>Support_Test: |low − level| ≤ Tolerance × level and close &gt; level (the nearest such level is reported).
/// Confidence = 0.6 + 0.05 × min(3, touches − 2) + 0.2 × (1 − |low − level| / (Tolerance × level)) + 0.05 if the
/// close is in the upper half of the bar's range.</para>
/// Touch counts are maintained incrementally as swings are added or expire, so a bar costs a scan of the current swings
/// (bounded by Window / (SwingStrength + 1)).
/// </remarks>
internal sealed class SupportResistanceDetector : IBarDetector
{
    private readonly SupportResistanceOptions _options;
    private readonly int _span;
    private readonly double[] _recentHighs;
    private readonly double[] _recentLows;
    private readonly SwingSet _swingHighs;
    private readonly SwingSet _swingLows;
    private long _count;

    public SupportResistanceDetector(SupportResistanceOptions options)
    {
        _options = options;
        _span = (2 * options.SwingStrength) + 1;
        _recentHighs = new double[_span];
        _recentLows = new double[_span];
        _swingHighs = new SwingSet(options.Window, options.Tolerance, options.MinTouches);
        _swingLows = new SwingSet(options.Window, options.Tolerance, options.MinTouches);
    }

    public void OnBar(MarketState state, DetectionSink sink)
    {
        var bar = state.Bar;
        if (state.Index >= 1)
        {
            CheckResistance(state, sink, bar.Close, state.Previous.Close);
        }

        CheckSupport(state, sink);
        AddBar(bar.High, bar.Low);
    }

    private void CheckResistance(MarketState state, DetectionSink sink, double close, double previousClose)
    {
        if (!(close > previousClose))
        {
            return; // previous close ≤ level < close needs a rising close
        }

        double best = double.NaN;
        int touches = 0;
        for (int k = 0; k < _swingHighs.Count; k++)
        {
            double level = _swingHighs.Price(k);
            if (previousClose <= level && close > level && !(level <= best) && _swingHighs.IsLevel(k))
            {
                best = level;
                touches = _swingHighs.Touches(k);
            }
        }

        if (!double.IsNaN(best))
        {
            double raw = 0.6 + (0.05 * Math.Min(3, touches - _options.MinTouches)) + (0.2 * Scores.Past(close - best, state.Atr))
                + (state.RelativeVolume >= Scores.HighRelativeVolume ? 0.05 : 0);
            sink.Emit(PatternKind.ResistanceBreak, Direction.Bullish, raw, best);
        }
    }

    private void CheckSupport(MarketState state, DetectionSink sink)
    {
        var bar = state.Bar;
        // Every swing low is below low / (1 + Tolerance) (with a margin for rounding): none can be within tolerance.
        if (_swingLows.Count == 0 || bar.Low > _swingLows.MaxPrice * (1 + _options.Tolerance) * (1 + 1e-9))
        {
            return;
        }

        double best = double.NaN;
        double bestDistance = double.PositiveInfinity;
        int touches = 0;
        for (int k = 0; k < _swingLows.Count; k++)
        {
            double level = _swingLows.Price(k);
            double distance = Math.Abs(bar.Low - level);
            if (distance <= _options.Tolerance * level && bar.Close > level && distance < bestDistance && _swingLows.IsLevel(k))
            {
                best = level;
                bestDistance = distance;
                touches = _swingLows.Touches(k);
            }
        }

        if (!double.IsNaN(best))
        {
            double range = bar.High - bar.Low;
            double raw = 0.6 + (0.05 * Math.Min(3, touches - _options.MinTouches))
                + (0.2 * (1 - Scores.Unit(bestDistance / (_options.Tolerance * best))))
                + (range > 0 && bar.Close >= bar.Low + (range / 2) ? 0.05 : 0);
            sink.Emit(PatternKind.SupportTest, Direction.Bullish, raw, best);
        }
    }

    private void AddBar(double high, double low)
    {
        int slot = (int)(_count % _span);
        _recentHighs[slot] = high;
        _recentLows[slot] = low;
        _count++;
        long index = _count - 1;
        _swingHighs.Expire(index);
        _swingLows.Expire(index);
        if (_count >= _span)
        {
            int k = _options.SwingStrength;
            long middle = index - k;
            double h = At(_recentHighs, middle);
            double l = At(_recentLows, middle);
            bool swingHigh = true, swingLow = true;
            for (int m = 1; m <= k; m++)
            {
                swingHigh &= h > At(_recentHighs, middle - m) && h >= At(_recentHighs, middle + m);
                swingLow &= l < At(_recentLows, middle - m) && l <= At(_recentLows, middle + m);
            }

            if (swingHigh)
            {
                _swingHighs.Add(middle, h);
            }

            if (swingLow)
            {
                _swingLows.Add(middle, l);
            }
        }
    }

    private double At(double[] ring, long index) => ring[(int)(index % _span)];

    /// <summary>
    /// Swing points of one kind in a preallocated ring (oldest first). Each swing's touch count — swings, itself
    /// included, within Tolerance × its price — is kept up to date as swings are added and expire (O(swings) per
    /// change instead of rebuilding every level pair); a swing is a level while its count reaches MinTouches.
    /// </summary>
    private sealed class SwingSet
    {
        private readonly int _window;
        private readonly double _tolerance;
        private readonly int _minTouches;
        private readonly long[] _indices;
        private readonly double[] _prices;
        private readonly int[] _touches;
        private int _head;
        private int _size;

        public SwingSet(int window, double tolerance, int minTouches)
        {
            _window = window;
            _tolerance = tolerance;
            _minTouches = minTouches;
            _indices = new long[window + 1];
            _prices = new double[window + 1];
            _touches = new int[window + 1];
        }

        /// <summary>Swings held, oldest first (levels and non-levels).</summary>
        public int Count => _size;

        public double Price(int k) => _prices[Slot(k)];

        public int Touches(int k) => _touches[Slot(k)];

        public bool IsLevel(int k) => _touches[Slot(k)] >= _minTouches;

        /// <summary>Highest swing price held (−∞ when empty).</summary>
        public double MaxPrice { get; private set; } = double.NegativeInfinity;

        public void Add(long index, double price)
        {
            int touches = 1;
            for (int k = 0; k < _size; k++)
            {
                int slot = Slot(k);
                double other = _prices[slot];
                if (Math.Abs(other - price) <= _tolerance * price)
                {
                    touches++;
                }

                if (Math.Abs(price - other) <= _tolerance * other)
                {
                    _touches[slot]++;
                }
            }

            int at = Slot(_size);
            _indices[at] = index;
            _prices[at] = price;
            _touches[at] = touches;
            _size++;
            MaxPrice = Math.Max(MaxPrice, price);
        }

        /// <summary>Drops swings that are Window or more bars older than <paramref name="current"/>.</summary>
        public void Expire(long current)
        {
            bool expired = false;
            while (_size > 0 && _indices[_head] <= current - _window)
            {
                expired = true;
                double gone = _prices[_head];
                _head = _head + 1 == _indices.Length ? 0 : _head + 1;
                _size--;
                for (int k = 0; k < _size; k++)
                {
                    int slot = Slot(k);
                    double other = _prices[slot];
                    if (Math.Abs(gone - other) <= _tolerance * other)
                    {
                        _touches[slot]--;
                    }
                }
            }

            if (expired)
            {
                double max = double.NegativeInfinity;
                for (int k = 0; k < _size; k++)
                {
                    max = Math.Max(max, _prices[Slot(k)]);
                }

                MaxPrice = max;
            }
        }

        private int Slot(int k)
        {
            int slot = _head + k;
            return slot >= _indices.Length ? slot - _indices.Length : slot;
        }
    }
}
