using TickStock.Actors.Symbols;
using TickStock.Core.Bars;
using TickStock.Core.Calendar;

namespace TickStock.Actors.MarketData;

/// <summary>
/// Deterministic demo market: per symbol ~300 daily bars of history (a gentle uptrend that ends on a breakout day, so
/// daily indicators, the Trend_Continuation set-up and a Breakout_Confirmed level exist from the start), then
/// random-walk 1-minute bars session after session with a U-shaped volume profile and scheduled set-ups: a volume
/// spike with a jump (Volume_Spike, Price_Breakout, HighOfDay, Breakout_Confirmed), a drop (Price_Breakdown,
/// LowOfDay) and a strong close (daily Closed_Top_10 when the session rolls into a daily bar). Set-ups are staggered
/// per symbol so patterns keep arriving.
/// </summary>
public sealed class SyntheticFeed
{
    private const int SessionMinutes = 390;
    private readonly SymbolWalk[] _walks;
    private readonly DateOnly _firstSession;

    /// <param name="symbols">The streamed symbols.</param>
    /// <param name="firstSession">First streamed session (default: about 90 days ago).</param>
    /// <param name="seed">Random seed.</param>
    /// <param name="referenceIndex">
    /// A reference index symbol (SPY) streamed as well when not among <paramref name="symbols"/>: it comes first in the
    /// history and in every minute, so the other symbols' relative strength finds its close of the same minute. The
    /// other symbols' walks are the same with or without it.
    /// </param>
    public SyntheticFeed(IReadOnlyList<string> symbols, DateOnly? firstSession = null, int seed = 20_261_128, string? referenceIndex = null)
    {
        ArgumentNullException.ThrowIfNull(symbols);
        _firstSession = NyseCalendar.NextTradingDayOnOrAfter(firstSession ?? DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-90));
        var walks = new List<SymbolWalk>(symbols.Count + 1);
        if (!string.IsNullOrWhiteSpace(referenceIndex))
        {
            string name = referenceIndex.Trim().ToUpperInvariant();
            int at = -1;
            for (int i = 0; i < symbols.Count; i++)
            {
                if (string.Equals(symbols[i], name, StringComparison.OrdinalIgnoreCase)) at = i;
            }

            walks.Add(new SymbolWalk(at >= 0 ? symbols[at] : name, at >= 0 ? at : symbols.Count, HashCode.Combine(seed, StableHash(at >= 0 ? symbols[at] : name))));
            for (int i = 0; i < symbols.Count; i++)
            {
                if (i != at) walks.Add(new SymbolWalk(symbols[i], i, HashCode.Combine(seed, StableHash(symbols[i]))));
            }
        }
        else
        {
            for (int i = 0; i < symbols.Count; i++) walks.Add(new SymbolWalk(symbols[i], i, HashCode.Combine(seed, StableHash(symbols[i]))));
        }

        _walks = [.. walks];
    }

    public IReadOnlyList<string> Symbols => _walks.Select(w => w.Symbol).ToList();

    /// <summary>Daily history of every symbol ending the trading day before the first streamed session.</summary>
    public IEnumerable<SymbolCommands.SeedDailyBars> DailyHistory(int days = 300)
    {
        var dates = new List<DateOnly>(days);
        DateOnly d = NyseCalendar.PreviousTradingDayOnOrBefore(_firstSession.AddDays(-1));
        while (dates.Count < days)
        {
            dates.Add(d);
            d = NyseCalendar.PreviousTradingDayOnOrBefore(d.AddDays(-1));
        }

        dates.Reverse();
        foreach (SymbolWalk walk in _walks)
        {
            yield return new SymbolCommands.SeedDailyBars(walk.Symbol, walk.Daily(dates));
        }
    }

    /// <summary>Endless 1-minute bars: for each session and minute, one bar per symbol (in symbol order).</summary>
    public IEnumerable<SymbolCommands.MinuteBar> Minutes()
    {
        for (DateOnly day = _firstSession; ; day = NyseCalendar.NextTradingDayOnOrAfter(day.AddDays(1)))
        {
            int date = (day.Year * 10000) + (day.Month * 100) + day.Day;
            long open = EasternTime.FromEastern(day, NyseCalendar.RegularOpen).ToUnixTimeMilliseconds();
            for (int m = 0; m < SessionMinutes; m++)
            {
                foreach (SymbolWalk walk in _walks)
                {
                    yield return new SymbolCommands.MinuteBar(walk.Symbol, walk.Minute(open + (m * 60_000L), date, m));
                }
            }
        }
    }

    /// <summary>The next <paramref name="count"/> 1-minute bars of every symbol, grouped per symbol (the performance benchmarks).</summary>
    public Dictionary<string, Bar[]> MinuteSeries(int count)
    {
        var series = _walks.ToDictionary(w => w.Symbol, _ => new Bar[count], StringComparer.Ordinal);
        using var minutes = Minutes().GetEnumerator();
        for (int i = 0; i < count; i++)
        {
            for (int s = 0; s < _walks.Length && minutes.MoveNext(); s++)
            {
                series[minutes.Current.Symbol][i] = minutes.Current.Bar;
            }
        }

        return series;
    }

    private static int StableHash(string text)
    {
        unchecked
        {
            int h = 17;
            foreach (char c in text) h = (h * 31) + c;
            return h;
        }
    }

    private sealed class SymbolWalk(string symbol, int index, int seed)
    {
        private readonly Random _random = new(seed);
        private readonly double _baseVolume = 2_000 + (Math.Abs(seed) % 8_000);
        private double _price = 20 + (Math.Abs(seed) % 400);
        private double _sessionHigh;

        public string Symbol { get; } = symbol;

        public List<Bar> Daily(List<DateOnly> dates)
        {
            var bars = new List<Bar>(dates.Count);
            double high20 = 0;
            var highs = new Queue<double>();
            for (int i = 0; i < dates.Count; i++)
            {
                bool breakout = i == dates.Count - 1;
                double open = _price * (1 + (Normal() * 0.004));
                double close = breakout ? Math.Max(high20 * 1.01, open * 1.02) : open * (1 + 0.0008 + (Normal() * 0.012));
                double high = Math.Max(open, close) * (1 + (Math.Abs(Normal()) * 0.005));
                double low = Math.Min(open, close) * (1 - (Math.Abs(Normal()) * 0.005));
                double volume = _baseVolume * SessionMinutes * (breakout ? 2.5 : Math.Exp(Normal() * 0.25));
                bars.Add(Bar.Daily(dates[i], Round(open), Round(high), Round(low), Round(close), Math.Round(volume)));
                _price = close;
                highs.Enqueue(high);
                if (highs.Count > 20) highs.Dequeue();
                high20 = highs.Max();
            }

            return bars;
        }

        public Bar Minute(long timeMs, int date, int minute)
        {
            int offset = index * 7 % 60;
            double drift = Normal() * 0.0009;
            double volumeFactor = 1.6 - Math.Sin(Math.PI * minute / SessionMinutes); // U shape: busy open and close
            if (minute == 0) _sessionHigh = 0;
            if (minute == 35 + offset)
            {
                drift = 0.008; // the day's breakout: jump on heavy volume
                volumeFactor *= 6;
            }
            else if (minute == 150 + offset)
            {
                drift = -0.009;
                volumeFactor *= 4;
            }
            else if (minute >= SessionMinutes - 20)
            {
                drift = Math.Abs(drift) + 0.0004; // a strong close most days
            }

            double open = _price;
            double close = open * (1 + drift);
            double high = Math.Max(open, close) * (1 + (Math.Abs(Normal()) * 0.0004));
            double low = Math.Min(open, close) * (1 - (Math.Abs(Normal()) * 0.0004));
            _price = close;
            _sessionHigh = Math.Max(_sessionHigh, high);
            double volume = Math.Round(_baseVolume * volumeFactor * Math.Exp(Normal() * 0.3));
            return new Bar(timeMs, Round(open), Round(high), Round(low), Round(close), volume)
            {
                SessionDate = date,
                MinuteOfSession = minute,
            };
        }

        private double Normal()
        {
            double u1 = 1.0 - _random.NextDouble();
            double u2 = _random.NextDouble();
            return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
        }

        private static double Round(double price) => Math.Round(price, 4);
    }
}
