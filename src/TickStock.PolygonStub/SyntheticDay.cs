using TickStock.Core.Calendar;

namespace TickStock.PolygonStub;

/// <summary>
/// The minutes of one synthetic trading date, produced on demand so that no day is held as a list.
/// Every floating-point step is the original one, in the original order (the same random draws,
/// <c>Math.Exp</c>, <c>Math.Pow</c>); only the decimal rounding became integer cents, which
/// <see cref="SyntheticMarket.CentsOf"/> proves equal.
/// </summary>
internal struct SyntheticDay
{
    private const int SessionMidpoint = 195;

    // 1 + 2·((k − 195) / 195)² for each regular-session minute k: the U-shaped intraday volume.
    // Computed once with the original Math.Pow expression, so the values are bit-identical.
    private static readonly double[] SessionVolumeShape = [.. Enumerable.Range(0, 2 * SessionMidpoint).Select(VolumeShape)];

    private SyntheticMarket.SplitMix64 _rng;
    private readonly long _baseVolume;
    private readonly long _open;
    private readonly int _sessionOpen;
    private readonly int _sessionClose;
    private readonly int _minutes;
    private double _price;
    private long _priceCents;
    private int _minute;

    public SyntheticDay(string ticker, DateOnly date)
    {
        if (!NyseCalendar.IsTradingDay(date))
        {
            return; // no minutes
        }

        var tickerSeed = SyntheticMarket.Fnv1a(ticker);
        _rng = new SyntheticMarket.SplitMix64(tickerSeed ^ ((ulong)date.DayNumber * 0x9E3779B97F4A7C15UL));
        _price = (double)SyntheticMarket.DayOpen(tickerSeed, date);
        _priceCents = SyntheticMarket.CentsOf(_price);
        _baseVolume = 2_000 + (long)(tickerSeed % 40_000);
        _open = EasternTime.FromEastern(date, NyseCalendar.ExtendedOpen).ToUnixTimeMilliseconds();
        _sessionOpen = (int)(NyseCalendar.RegularOpen - NyseCalendar.ExtendedOpen).TotalMinutes;
        _sessionClose = (int)(NyseCalendar.CloseTime(date) - NyseCalendar.ExtendedOpen).TotalMinutes;
        _minutes = (int)(NyseCalendar.ExtendedCloseTime(date) - NyseCalendar.ExtendedOpen).TotalMinutes;
    }

    /// <summary>The next minute that has trades; false after the last minute of the date.</summary>
    public bool MoveNext(out StubBar bar)
    {
        while (_minute < _minutes)
        {
            var i = _minute++;
            var regular = i >= _sessionOpen && i < _sessionClose;
            var step = _rng.NextGaussian() * (regular ? 0.0007 : 0.0003);
            var close = Math.Max(0.5, _price * Math.Exp(step));
            var closeCents = SyntheticMarket.CentsOf(close);

            // Minutes without trades produce no bar: common in extended hours, rare in the session.
            if (_rng.NextDouble() < (regular ? 0.01 : 0.35))
            {
                _price = close;
                _priceCents = closeCents;
                continue;
            }

            var wick = Math.Abs(_rng.NextGaussian()) * (regular ? 0.0004 : 0.0002);
            var o = _priceCents; // Cents(price): the previous minute's close, already rounded
            var c = closeCents;
            var h = Math.Max(Math.Max(o, c), SyntheticMarket.CentsOf(Math.Max(_price, close) * (1 + wick)));
            var l = Math.Min(Math.Min(o, c), SyntheticMarket.CentsOf(Math.Min(_price, close) * (1 - wick)));
            var u = regular ? SessionShape(i - _sessionOpen) : 0.03;
            var volume = Math.Max(1L, (long)(_baseVolume * u * Math.Exp(_rng.NextGaussian() * 0.5)));
            var trades = Math.Max(1L, volume / 90);

            // Cents / 100.0 is the double of the decimal cents (both are the correctly rounded quotient).
            bar = new StubBar(_open + (i * 60_000L), o / 100.0, h / 100.0, l / 100.0, c / 100.0, volume, TypicalPrice4(h + l + c), trades, 1);
            _price = close;
            _priceCents = closeCents;
            return true;
        }

        bar = default;
        return false;
    }

    /// <summary>
    /// <c>Math.Round((h + l + c) / 3m, 4)</c> in ten-thousandths, from the sum in cents: that is
    /// 100·sum/3 rounded, and a third is never a tie, so (100·sum + 1) / 3 in integers is exact.
    /// </summary>
    private static long TypicalPrice4(long sumCents) => ((100 * sumCents) + 1) / 3;

    private static double SessionShape(int k) => (uint)k < (uint)SessionVolumeShape.Length ? SessionVolumeShape[k] : VolumeShape(k);

    private static double VolumeShape(int k) => 1.0 + (2.0 * Math.Pow((k - SessionMidpoint) / 195.0, 2));
}
