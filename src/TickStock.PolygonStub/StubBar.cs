namespace TickStock.PolygonStub;

/// <summary>
/// A bar as served: start (Unix ms), prices, volume, optional vwap/trades, and how many base bars it
/// holds. Prices are the doubles the wire carries, each converted once from its decimal source
/// (<c>(double)decimal</c>, which is what the JSON writer used to format). The vwap stays exact, in
/// ten-thousandths, because bars are combined from it and every vwap the stub serves is rounded to
/// 4 places. No served bar has zero trades, so 0 stands for "no trade count".
/// </summary>
internal readonly record struct StubBar(long T, double O, double H, double L, double C, long V, long Vw4, long N, int BaseCount)
{
    /// <summary><see cref="Vw4"/> of a bar without vwap (real CSV bars have none).</summary>
    public const long NoVwap = -1;

    public bool HasVwap => Vw4 != NoVwap;

    /// <summary>Aggregates ascending bars under a new start.</summary>
    public static StubBar Combine(long start, IReadOnlyList<StubBar> ascending)
    {
        var sum = default(BarAccumulator);
        foreach (var b in ascending)
        {
            sum.Add(b);
        }

        return sum.ToBar(start);
    }
}

/// <summary>
/// Combines ascending bars one at a time, so a bucket or a day bar needs no list of its minutes.
/// The vwap is computed in integers with the result the decimal code gave:
/// <c>Math.Round(Σ(vw·v) / Σv, 4)</c>, i.e. rounded half to even.
/// </summary>
internal struct BarAccumulator
{
    private double _open;
    private double _high;
    private double _low;
    private double _close;
    private long _volume;
    private long _trades;
    private int _baseCount;
    private bool _any;
    private bool _missingVwap;

    // Σ vw4·v can pass long.MaxValue for long multi-month buckets.
    private Int128 _priceVolume4;

    public readonly bool IsEmpty => !_any;

    public void Add(in StubBar b)
    {
        if (!_any)
        {
            _any = true;
            _open = b.O;
            _high = b.H;
            _low = b.L;
        }
        else
        {
            // Comparing the doubles picks the same bar as comparing the decimals: the conversion is monotonic.
            _high = Math.Max(_high, b.H);
            _low = Math.Min(_low, b.L);
        }

        _close = b.C;
        _volume += b.V;
        _trades += b.N;
        _baseCount += b.BaseCount;
        if (b.HasVwap)
        {
            _priceVolume4 += (Int128)b.Vw4 * b.V;
        }
        else
        {
            _missingVwap = true;
        }
    }

    public readonly StubBar ToBar(long start)
    {
        var vwap = !_missingVwap && _volume > 0 ? RoundHalfEven(_priceVolume4, _volume) : StubBar.NoVwap;
        return new StubBar(start, _open, _high, _low, _close, _volume, vwap, _trades > 0 ? _trades : 0, _baseCount);
    }

    private static long RoundHalfEven(Int128 numerator, long denominator)
    {
        var quotient = Int128.DivRem(numerator, denominator);
        var q = (long)quotient.Quotient;
        var twiceRemainder = 2 * quotient.Remainder;
        if (twiceRemainder > denominator || (twiceRemainder == denominator && (q & 1) == 1))
        {
            q++;
        }

        return q;
    }
}
