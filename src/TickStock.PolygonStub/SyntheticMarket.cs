using TickStock.Core.Calendar;

namespace TickStock.PolygonStub;

/// <summary>A bar as served: start (Unix ms), prices, volume, optional vwap/trades, and how many base bars it holds.</summary>
internal readonly record struct StubBar(long T, decimal O, decimal H, decimal L, decimal C, long V, decimal? Vw, long? N, int BaseCount)
{
    /// <summary>Aggregates ascending bars under a new start.</summary>
    public static StubBar Combine(long start, IReadOnlyList<StubBar> ascending)
    {
        decimal high = ascending[0].H, low = ascending[0].L, pv = 0;
        long volume = 0, trades = 0;
        var baseCount = 0;
        var hasVw = true;
        foreach (var b in ascending)
        {
            high = Math.Max(high, b.H);
            low = Math.Min(low, b.L);
            volume += b.V;
            trades += b.N ?? 0;
            baseCount += b.BaseCount;
            if (b.Vw is { } vw)
            {
                pv += vw * b.V;
            }
            else
            {
                hasVw = false;
            }
        }

        decimal? vwap = hasVw && volume > 0 ? Math.Round(pv / volume, 4) : null;
        return new StubBar(start, ascending[0].O, high, low, ascending[^1].C, volume, vwap, trades > 0 ? trades : null, baseCount);
    }
}

/// <summary>
/// Deterministic synthetic bars: the same ticker and date always give the same extended-hours
/// minutes (04:00–20:00 New York, 17:00 on early-close days) with occasional empty minutes, and
/// nothing on weekends or holidays. Each date is generated independently, so any page of any range
/// is produced without generating what lies before it.
/// </summary>
internal static class SyntheticMarket
{
    /// <summary>All minute bars of a trading date (ascending); empty on closed days.</summary>
    public static List<StubBar> MinutesOf(string ticker, DateOnly date)
    {
        var bars = new List<StubBar>(960);
        if (!NyseCalendar.IsTradingDay(date))
        {
            return bars;
        }

        var tickerSeed = Fnv1a(ticker);
        var rng = new SplitMix64(tickerSeed ^ ((ulong)date.DayNumber * 0x9E3779B97F4A7C15UL));
        var price = (double)DayOpen(tickerSeed, date);
        var baseVolume = 2_000 + (long)(tickerSeed % 40_000);
        var open = EasternTime.FromEastern(date, NyseCalendar.ExtendedOpen).ToUnixTimeMilliseconds();
        var sessionOpen = (int)(NyseCalendar.RegularOpen - NyseCalendar.ExtendedOpen).TotalMinutes;
        var sessionClose = (int)(NyseCalendar.CloseTime(date) - NyseCalendar.ExtendedOpen).TotalMinutes;
        var minutes = (int)(NyseCalendar.ExtendedCloseTime(date) - NyseCalendar.ExtendedOpen).TotalMinutes;
        for (var i = 0; i < minutes; i++)
        {
            var regular = i >= sessionOpen && i < sessionClose;
            var step = rng.NextGaussian() * (regular ? 0.0007 : 0.0003);
            var close = Math.Max(0.5, price * Math.Exp(step));

            // Minutes without trades produce no bar: common in extended hours, rare in the session.
            if (rng.NextDouble() < (regular ? 0.01 : 0.35))
            {
                price = close;
                continue;
            }

            var wick = Math.Abs(rng.NextGaussian()) * (regular ? 0.0004 : 0.0002);
            var o = Cents(price);
            var c = Cents(close);
            var h = Math.Max(Math.Max(o, c), Cents(Math.Max(price, close) * (1 + wick)));
            var l = Math.Min(Math.Min(o, c), Cents(Math.Min(price, close) * (1 - wick)));
            var u = regular ? 1.0 + (2.0 * Math.Pow((i - sessionOpen - 195) / 195.0, 2)) : 0.03;
            var volume = Math.Max(1L, (long)(baseVolume * u * Math.Exp(rng.NextGaussian() * 0.5)));
            var vw = Math.Round((h + l + c) / 3m, 4);
            var trades = Math.Max(1L, volume / 90);
            bars.Add(new StubBar(open + (i * 60_000L), o, h, l, c, volume, vw, trades, 1));
            price = close;
        }

        return bars;
    }

    /// <summary>A smooth multi-year path per ticker plus daily noise, so charts look like prices.</summary>
    private static decimal DayOpen(ulong tickerSeed, DateOnly date)
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

    private struct SplitMix64(ulong state)
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
