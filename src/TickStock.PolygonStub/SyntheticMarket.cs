using TickStock.Core.Calendar;

namespace TickStock.PolygonStub;

/// <summary>
/// Deterministic synthetic bars: the same ticker and date always give the same extended-hours
/// minutes (04:00–20:00 New York, 17:00 on early-close days) with occasional empty minutes, and
/// nothing on weekends or holidays. Each date is generated independently, so any page of any range
/// is produced without generating what lies before it.
/// </summary>
internal static class SyntheticMarket
{
    /// <summary>The minute bars of a trading date, generated one at a time (none on closed days).</summary>
    public static SyntheticDay MinutesOf(string ticker, DateOnly date) => new(ticker, date);

    /// <summary>A smooth multi-year path per ticker plus daily noise, so charts look like prices.</summary>
    internal static decimal DayOpen(ulong tickerSeed, DateOnly date)
    {
        var d = date.DayNumber;
        var basePrice = 20 + (tickerSeed % 480);
        var phase1 = (tickerSeed >> 8) % 628 / 100.0;
        var phase2 = (tickerSeed >> 20) % 628 / 100.0;
        var noise = new SplitMix64(tickerSeed * 31 + (ulong)d).NextGaussian() * 0.01;
        var log = Math.Log(basePrice) + (0.25 * Math.Sin((2 * Math.PI * d / 397) + phase1)) + (0.08 * Math.Sin((2 * Math.PI * d / 61) + phase2)) + noise;
        return Cents(Math.Exp(log));
    }

    private static decimal Cents(double value) => Math.Round((decimal)value, 2, MidpointRounding.AwayFromZero);

    /// <summary>
    /// <c>Math.Round((decimal)value, 2, MidpointRounding.AwayFromZero)</c> in whole cents, without
    /// decimal arithmetic where that is provably the same. <c>(decimal)double</c> keeps 15
    /// significant digits, i.e. moves the value by at most ~5.3e-15 of itself; with fewer than 1e8
    /// cents that is under 1e-6 cent, so unless <c>value·100</c> lies within 1e-5 of a half cent,
    /// the decimal and the double round to the same cent. Near a half cent (about 1 call in
    /// 50,000), and for huge or negative values, the decimal code itself decides.
    /// </summary>
    internal static long CentsOf(double value)
    {
        var scaled = value * 100;
        if (scaled is >= 0 and < 1e8)
        {
            var whole = Math.Floor(scaled);
            var fraction = scaled - whole;
            if (Math.Abs(fraction - 0.5) > 1e-5)
            {
                return (long)whole + (fraction > 0.5 ? 1 : 0);
            }
        }

        return (long)(Cents(value) * 100);
    }

    /// <summary>Stable across processes (string.GetHashCode is randomized per process).</summary>
    internal static ulong Fnv1a(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var ch in text)
        {
            hash = (hash ^ ch) * 1099511628211UL;
        }

        return hash;
    }

    internal struct SplitMix64(ulong state)
    {
        private ulong _state = state;

        public ulong Next()
        {
            var z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

        public double NextGaussian()
        {
            var u1 = 1.0 - NextDouble();
            var u2 = NextDouble();
            return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        }
    }
}
