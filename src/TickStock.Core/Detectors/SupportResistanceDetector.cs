namespace TickStock.Core.Detectors;

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
/// <para>Touch counts are maintained incrementally as swings are added or expire, and the swings are kept sorted by
/// price, so a bar walks them only up to its close or low and tests just the few near it (at most
/// Window / (SwingStrength + 1) + 1 swings of each kind are held).</para>
/// </remarks>
internal sealed class SupportResistanceDetector : IBarDetector
{
    private readonly SupportResistanceOptions _options;
    private readonly int _span;
    private readonly double[] _recentHighs;
    private readonly double[] _recentLows;
    private readonly SwingSet _swingHighs;
    private readonly SwingSet _swingLows;
    private readonly double _supportBandLow;
    private readonly double _supportBandHigh;
    private long _count;
    private int _newestSlot = -1; // ring slot of the last bar added (= its index mod span)

    public SupportResistanceDetector(SupportResistanceOptions options)
    {
        _options = options;
        _span = (2 * options.SwingStrength) + 1;
        _recentHighs = new double[_span];
        _recentLows = new double[_span];
        _swingHighs = new SwingSet(options.Window, options.Tolerance, options.MinTouches);
        _swingLows = new SwingSet(options.Window, options.Tolerance, options.MinTouches);
        // low × these bound the swing lows that can be within tolerance of the low (see CheckSupport).
        _supportBandLow = (1 - BandMargin) / (1 + options.Tolerance);
        _supportBandHigh = (1 + BandMargin) / (1 - options.Tolerance);
    }

    /// <summary>Relative widening of the price bands that pre-select swings, far above rounding error: the exact
    /// tolerance tests on the pre-selected swings decide, so the bands only save work.</summary>
    private const double BandMargin = 1e-9;

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

        // The highest level in [previous close, close): walk down from the last swing below the close. Swings of equal
        // price have equal touch counts, so which of them is met first does not matter.
        double best = double.NaN;
        int touches = 0;
        for (int p = _swingHighs.CountBelow(close) - 1; p >= 0; p--)
        {
            double level = _swingHighs.PriceAt(p);
            if (!(previousClose <= level))
            {
                break;
            }

            if (_swingHighs.IsLevelAt(p))
            {
                best = level;
                touches = _swingHighs.TouchesAt(p);
                break;
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
        double low = bar.Low;
        double tolerance = _options.Tolerance;
        if (_swingLows.Count == 0)
        {
            return;
        }

        // Only swings priced within low / (1 ± Tolerance) can pass |low − level| ≤ Tolerance × level, and only those
        // below the close can hold it.
        int from = 0, to = _swingLows.Count;
        if (low > 0 && tolerance > 0 && tolerance < 1)
        {
            from = _swingLows.CountBelow(low * _supportBandLow);
            to = _swingLows.CountBelow(Math.Min(bar.Close, low * _supportBandHigh), from);
        }

        // The nearest level wins; of equally near ones the oldest swing (the first one the original age-ordered scan
        // met). The tests are combined without short-circuits: each alone is a coin flip the branch predictor loses.
        double best = double.NaN;
        double bestDistance = double.PositiveInfinity;
        long bestIndex = long.MaxValue;
        int touches = 0;
        double close = bar.Close;
        for (int p = from; p < to; p++)
        {
            double level = _swingLows.PriceAt(p);
            double distance = Math.Abs(low - level);
            long index = _swingLows.IndexAt(p);
            bool candidate = (distance <= tolerance * level) & (close > level) & _swingLows.IsLevelAt(p);
            bool nearer = (distance < bestDistance) | ((distance == bestDistance) & (index < bestIndex));
            if (candidate & nearer)
            {
                best = level;
                bestDistance = distance;
                bestIndex = index;
                touches = _swingLows.TouchesAt(p);
            }
        }

        if (!double.IsNaN(best))
        {
            double range = bar.High - bar.Low;
            double raw = 0.6 + (0.05 * Math.Min(3, touches - _options.MinTouches))
                + (0.2 * (1 - Scores.Unit(bestDistance / (tolerance * best))))
                + (range > 0 && bar.Close >= bar.Low + (range / 2) ? 0.05 : 0);
            sink.Emit(PatternKind.SupportTest, Direction.Bullish, raw, best);
        }
    }

    private void AddBar(double high, double low)
    {
        int newest = _newestSlot + 1 == _span ? 0 : _newestSlot + 1;
        _newestSlot = newest;
        _recentHighs[newest] = high;
        _recentLows[newest] = low;
        _count++;
        long index = _count - 1;
        _swingHighs.Expire(index);
        _swingLows.Expire(index);
        if (_count >= _span)
        {
            int k = _options.SwingStrength;
            long middle = index - k;
            double h = _recentHighs[SlotBack(k)];
            double l = _recentLows[SlotBack(k)];
            bool swingHigh = true, swingLow = true;
            for (int m = 1; m <= k; m++)
            {
                int before = SlotBack(k + m), after = SlotBack(k - m);
                // Non-short-circuit '&': these comparisons are coin flips on real data, so no branches.
                swingHigh &= (h > _recentHighs[before]) & (h >= _recentHighs[after]);
                swingLow &= (l < _recentLows[before]) & (l <= _recentLows[after]);
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

    /// <summary>Ring slot of the bar <paramref name="back"/> bars before the newest (back &lt; span).</summary>
    private int SlotBack(int back)
    {
        int slot = _newestSlot - back;
        return slot < 0 ? slot + _span : slot;
    }

    /// <summary>
    /// Swing points of one kind, kept sorted by price (with their bar index and touch count) in a preallocated array,
    /// plus a ring of their bar indices and prices in age order for expiry. Each swing's touch count — swings, itself
    /// included, within Tolerance × its price — is updated as swings are added and expire; it depends only on the set
    /// and the swing's price, so swings of equal price always have equal counts. A swing is a level while its count
    /// reaches MinTouches. Non-finite prices never match or touch anything, so they are not kept (the sort needs a
    /// total order).
    /// </summary>
    private sealed class SwingSet
    {
        private readonly int _window;
        private readonly double _tolerance;
        private readonly int _minTouches;
        private readonly double _neighbourLow;
        private readonly double _neighbourHigh;

        // Arrays start small and double up to Window + 1 entries (the most there can be): a symbol's detector
        // usually holds a dozen swings, and there is one detector per symbol.
        private const int InitialCapacity = 16;
        private readonly int _maxCapacity;

        // Sorted by price, ascending; shifted by hand on insert/remove (at most Window / 3 + 1 entries with the default
        // swing strength, where a library copy call costs more than the loop).
        private Swing[] _sorted;

        // Age order (oldest first) for expiry, a ring starting at _ageHead.
        private long[] _ageIndices;
        private double[] _agePrices;
        private int _ageHead;
        private int _size;

        public SwingSet(int window, double tolerance, int minTouches)
        {
            _window = window;
            _tolerance = tolerance;
            _minTouches = minTouches;
            _neighbourLow = (1 - tolerance) * (1 - BandMargin);
            _neighbourHigh = (1 + BandMargin) / (1 - tolerance);
            _maxCapacity = window + 1;
            int initial = Math.Min(_maxCapacity, InitialCapacity);
            _sorted = new Swing[initial];
            _ageIndices = new long[initial];
            _agePrices = new double[initial];
        }

        /// <summary>Swings held (levels and non-levels).</summary>
        public int Count => _size;

        public double PriceAt(int position) => _sorted[position].Price;

        public long IndexAt(int position) => _sorted[position].Index;

        public int TouchesAt(int position) => _sorted[position].Touches;

        public bool IsLevelAt(int position) => _sorted[position].Touches >= _minTouches;

        /// <summary>The position of the first swing at or after <paramref name="from"/> priced at or above <paramref name="price"/> (the number priced below it).</summary>
        /// <remarks>A linear walk: with a dozen swings its one mispredicted exit costs less than a binary search's guesses.</remarks>
        public int CountBelow(double price, int from = 0)
        {
            Swing[] sorted = _sorted;
            int p = from;
            while (p < _size && sorted[p].Price < price)
            {
                p++;
            }

            return p;
        }

        public void Add(long index, double price)
        {
            if (!double.IsFinite(price))
            {
                return;
            }

            if (_size == _sorted.Length)
            {
                Grow();
            }

            Swing[] sorted = _sorted;
            int touches = 1;
            (int from, int to) = Neighbours(price);
            for (int p = from; p < to; p++)
            {
                double other = sorted[p].Price;
                if (Math.Abs(other - price) <= _tolerance * price)
                {
                    touches++;
                }

                if (Math.Abs(price - other) <= _tolerance * other)
                {
                    sorted[p].Touches++;
                }
            }

            int at = CountBelow(price, from);
            for (int p = _size; p > at; p--)
            {
                sorted[p] = sorted[p - 1];
            }

            sorted[at] = new Swing(price, index, touches);
            int ageSlot = _ageHead + _size;
            if (ageSlot >= _ageIndices.Length)
            {
                ageSlot -= _ageIndices.Length;
            }

            _ageIndices[ageSlot] = index;
            _agePrices[ageSlot] = price;
            _size++;
        }

        /// <summary>Doubles the arrays (up to Window + 1 entries), unrolling the age ring to start at 0.</summary>
        private void Grow()
        {
            int capacity = Math.Min(_maxCapacity, Math.Max(1, _sorted.Length * 2));
            if (capacity <= _sorted.Length)
            {
                throw new InvalidOperationException("more swings than the window can hold");
            }

            Array.Resize(ref _sorted, capacity);
            var indices = new long[capacity];
            var prices = new double[capacity];
            for (int i = 0; i < _size; i++)
            {
                int slot = (_ageHead + i) % _ageIndices.Length;
                indices[i] = _ageIndices[slot];
                prices[i] = _agePrices[slot];
            }

            _ageIndices = indices;
            _agePrices = prices;
            _ageHead = 0;
        }

        /// <summary>Drops swings that are Window or more bars older than <paramref name="current"/>.</summary>
        public void Expire(long current)
        {
            Swing[] sorted = _sorted;
            while (_size > 0 && _ageIndices[_ageHead] <= current - _window)
            {
                long goneIndex = _ageIndices[_ageHead];
                double gone = _agePrices[_ageHead];
                _ageHead = _ageHead + 1 == _ageIndices.Length ? 0 : _ageHead + 1;

                int at = CountBelow(gone);
                while (sorted[at].Index != goneIndex)
                {
                    at++; // among swings of the same price
                }

                _size--;
                for (int p = at; p < _size; p++)
                {
                    sorted[p] = sorted[p + 1];
                }

                (int from, int to) = Neighbours(gone);
                for (int p = from; p < to; p++)
                {
                    if (Math.Abs(gone - sorted[p].Price) <= _tolerance * sorted[p].Price)
                    {
                        sorted[p].Touches--;
                    }
                }
            }
        }

        /// <summary>
        /// Positions of the swings that can touch <paramref name="price"/> either way: within [p(1 − t), p / (1 − t)],
        /// widened by <see cref="BandMargin"/>; every swing when that band does not apply.
        /// </summary>
        private (int From, int To) Neighbours(double price)
        {
            if (!(price > 0 && _tolerance > 0 && _tolerance < 1))
            {
                return (0, _size);
            }

            int from = CountBelow(price * _neighbourLow);
            return (from, CountBelow(price * _neighbourHigh, from));
        }

        private record struct Swing(double Price, long Index, int Touches);
    }
}
