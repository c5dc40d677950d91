using System.Collections.Concurrent;
using System.Collections.Frozen;

namespace TickStock.Core.Calendar;

/// <summary>Why the exchange is closed on a weekday, or closes early.</summary>
public sealed record MarketHoliday(DateOnly Date, string Name, bool IsEarlyClose);

/// <summary>One trading session: the date and its regular open/close, in New York time and UTC.</summary>
public sealed record TradingSession(DateOnly Date, TimeOnly Open, TimeOnly Close)
{
    public bool IsEarlyClose => Close < NyseCalendar.RegularClose;
    public DateTimeOffset OpenUtc => EasternTime.FromEastern(Date, Open);
    public DateTimeOffset CloseUtc => EasternTime.FromEastern(Date, Close);
}

/// <summary>
/// NYSE trading calendar from rules (fixed-date holidays with Saturday→Friday / Sunday→Monday
/// observance, floating Mondays/Thursday, Good Friday from the Easter computus, Juneteenth since
/// 2022) plus a list of one-off closures, and 13:00 early closes. No I/O, no host time zone.
/// Meant for 1990 onwards; the observance exception for New Year's Day on a Saturday (the
/// preceding Friday stays open, NYSE Rule 7.2) is applied in every year.
/// </summary>
public static class NyseCalendar
{
    public static readonly TimeOnly RegularOpen = new(9, 30);
    public static readonly TimeOnly RegularClose = new(16, 0);
    public static readonly TimeOnly EarlyClose = new(13, 0);

    /// <summary>Extended-hours data runs 04:00–20:00; on early-close days late trading ends 17:00.</summary>
    public static readonly TimeOnly ExtendedOpen = new(4, 0);
    public static readonly TimeOnly ExtendedClose = new(20, 0);
    public static readonly TimeOnly ExtendedCloseOnEarlyCloseDays = new(17, 0);

    // One-off full closures that no rule produces (funerals, national days of mourning, weather, 9/11).
    private static readonly FrozenDictionary<DateOnly, string> SpecialClosures = new Dictionary<DateOnly, string>
    {
        [new DateOnly(1994, 4, 27)] = "National Day of Mourning (President Nixon)",
        [new DateOnly(2001, 9, 11)] = "September 11 attacks",
        [new DateOnly(2001, 9, 12)] = "September 11 attacks",
        [new DateOnly(2001, 9, 13)] = "September 11 attacks",
        [new DateOnly(2001, 9, 14)] = "September 11 attacks",
        [new DateOnly(2004, 6, 11)] = "National Day of Mourning (President Reagan)",
        [new DateOnly(2007, 1, 2)] = "National Day of Mourning (President Ford)",
        [new DateOnly(2012, 10, 29)] = "Hurricane Sandy",
        [new DateOnly(2012, 10, 30)] = "Hurricane Sandy",
        [new DateOnly(2018, 12, 5)] = "National Day of Mourning (President G.H.W. Bush)",
        [new DateOnly(2025, 1, 9)] = "National Day of Mourning (President Carter)",
    }.ToFrozenDictionary();

    // One-off early closes outside the three standing rules.
    private static readonly FrozenDictionary<DateOnly, string> SpecialEarlyCloses = new Dictionary<DateOnly, string>
    {
        // In 2002 the NYSE closed early on the Friday after Independence Day instead of July 3.
        [new DateOnly(2002, 7, 5)] = "Day after Independence Day",
    }.ToFrozenDictionary();

    private static readonly ConcurrentDictionary<int, FrozenDictionary<DateOnly, MarketHoliday>> YearCache = new();

    /// <summary>Whether the exchange holds a session on this date.</summary>
    public static bool IsTradingDay(DateOnly date) =>
        date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday)
        && !(ForYear(date.Year).TryGetValue(date, out var h) && !h.IsEarlyClose);

    /// <summary>Whether a weekday is a full-day closure (holiday or special closure).</summary>
    public static bool IsHoliday(DateOnly date) => ForYear(date.Year).TryGetValue(date, out var h) && !h.IsEarlyClose;

    /// <summary>Whether the session closes at 13:00.</summary>
    public static bool IsEarlyClose(DateOnly date) => ForYear(date.Year).TryGetValue(date, out var h) && h.IsEarlyClose;

    /// <summary>The holiday or early-close entry of a date, if any.</summary>
    public static MarketHoliday? GetHoliday(DateOnly date) => ForYear(date.Year).GetValueOrDefault(date);

    /// <summary>All full closures and early closes of a year, in date order.</summary>
    public static IReadOnlyList<MarketHoliday> HolidaysOf(int year) =>
        [.. ForYear(year).Values.OrderBy(h => h.Date)];

    /// <summary>The session of a date, or null on weekends and holidays.</summary>
    public static TradingSession? GetSession(DateOnly date) =>
        IsTradingDay(date) ? new TradingSession(date, RegularOpen, IsEarlyClose(date) ? EarlyClose : RegularClose) : null;

    /// <summary>Regular-session close of a trading date (13:00 or 16:00 New York time).</summary>
    public static TimeOnly CloseTime(DateOnly date) => IsEarlyClose(date) ? EarlyClose : RegularClose;

    /// <summary>End of extended-hours trading (20:00, or 17:00 on early-close days).</summary>
    public static TimeOnly ExtendedCloseTime(DateOnly date) => IsEarlyClose(date) ? ExtendedCloseOnEarlyCloseDays : ExtendedClose;

    /// <summary>The first trading date on or after <paramref name="date"/>.</summary>
    public static DateOnly NextTradingDayOnOrAfter(DateOnly date)
    {
        while (!IsTradingDay(date))
        {
            date = date.AddDays(1);
        }

        return date;
    }

    /// <summary>The last trading date on or before <paramref name="date"/>.</summary>
    public static DateOnly PreviousTradingDayOnOrBefore(DateOnly date)
    {
        while (!IsTradingDay(date))
        {
            date = date.AddDays(-1);
        }

        return date;
    }

    /// <summary>Trading dates from <paramref name="from"/> to <paramref name="to"/>, both inclusive, ascending.</summary>
    public static IEnumerable<DateOnly> TradingDays(DateOnly from, DateOnly to)
    {
        for (var d = from; d <= to; d = d.AddDays(1))
        {
            if (IsTradingDay(d))
            {
                yield return d;
            }
        }
    }

    /// <summary>
    /// The most recent session that had closed by <paramref name="now"/> (its regular close ≤ now).
    /// </summary>
    public static TradingSession LastCompleteSession(DateTimeOffset now)
    {
        var date = PreviousTradingDayOnOrBefore(EasternTime.EasternDate(now));
        while (true)
        {
            var session = GetSession(date)!;
            if (session.CloseUtc <= now)
            {
                return session;
            }

            date = PreviousTradingDayOnOrBefore(date.AddDays(-1));
        }
    }

    /// <summary>Whether a UTC instant lies in the regular session of its New York date.</summary>
    public static bool IsInRegularSession(DateTimeOffset instant)
    {
        var et = EasternTime.ToEastern(instant);
        var date = DateOnly.FromDateTime(et);
        if (!IsTradingDay(date))
        {
            return false;
        }

        var time = TimeOnly.FromDateTime(et);
        return time >= RegularOpen && time < CloseTime(date);
    }

    /// <summary>Western (Gregorian) Easter Sunday: the anonymous Gregorian computus (Meeus/Jones/Butcher).</summary>
    public static DateOnly EasterSunday(int year)
    {
        var a = year % 19;
        var b = year / 100;
        var c = year % 100;
        var d = b / 4;
        var e = b % 4;
        var f = (b + 8) / 25;
        var g = (b - f + 1) / 3;
        var h = ((19 * a) + b - d - g + 15) % 30;
        var i = c / 4;
        var k = c % 4;
        var l = (32 + (2 * e) + (2 * i) - h - k) % 7;
        var m = (a + (11 * h) + (22 * l)) / 451;
        var month = (h + l - (7 * m) + 114) / 31;
        var day = ((h + l - (7 * m) + 114) % 31) + 1;
        return new DateOnly(year, month, day);
    }

    private static FrozenDictionary<DateOnly, MarketHoliday> ForYear(int year) => YearCache.GetOrAdd(year, BuildYear);

    private static FrozenDictionary<DateOnly, MarketHoliday> BuildYear(int year)
    {
        var days = new Dictionary<DateOnly, MarketHoliday>();

        void Closed(DateOnly date, string name)
        {
            // Observed dates can only move within the year here, except New Year's which is never moved back.
            if (date.Year == year && date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
            {
                days[date] = new MarketHoliday(date, name, IsEarlyClose: false);
            }
        }

        void Early(DateOnly date, string name)
        {
            if (date.Year == year && date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !days.ContainsKey(date))
            {
                days[date] = new MarketHoliday(date, name, IsEarlyClose: true);
            }
        }

        // New Year's Day: Sunday → Monday; Saturday → not observed (the Friday before is open).
        var newYear = new DateOnly(year, 1, 1);
        if (newYear.DayOfWeek == DayOfWeek.Sunday)
        {
            Closed(newYear.AddDays(1), "New Year's Day");
        }
        else
        {
            Closed(newYear, "New Year's Day");
        }

        if (year >= 1998)
        {
            Closed(EasternTime.NthWeekday(year, 1, DayOfWeek.Monday, 3), "Martin Luther King, Jr. Day");
        }

        Closed(EasternTime.NthWeekday(year, 2, DayOfWeek.Monday, 3), "Washington's Birthday");
        Closed(EasterSunday(year).AddDays(-2), "Good Friday");
        Closed(EasternTime.LastWeekday(year, 5, DayOfWeek.Monday), "Memorial Day");
        if (year >= 2022)
        {
            Closed(Observed(new DateOnly(year, 6, 19)), "Juneteenth National Independence Day");
        }

        var independence = new DateOnly(year, 7, 4);
        Closed(Observed(independence), "Independence Day");
        Closed(EasternTime.NthWeekday(year, 9, DayOfWeek.Monday, 1), "Labor Day");
        var thanksgiving = EasternTime.NthWeekday(year, 11, DayOfWeek.Thursday, 4);
        Closed(thanksgiving, "Thanksgiving Day");
        Closed(Observed(new DateOnly(year, 12, 25)), "Christmas Day");

        foreach (var (date, name) in SpecialClosures)
        {
            Closed(date, name);
        }

        // Early closes (13:00). July 3 only when it is Monday–Thursday: when it is a Friday it is
        // the observed holiday itself, and 2002 used July 5 instead (special list).
        var july3 = new DateOnly(year, 7, 3);
        if (july3.DayOfWeek is >= DayOfWeek.Monday and <= DayOfWeek.Thursday && year != 2002)
        {
            Early(july3, "Independence Day Eve");
        }

        Early(thanksgiving.AddDays(1), "Day after Thanksgiving");

        // Christmas Eve on Monday–Thursday (on a Friday it is the observed Christmas holiday).
        var christmasEve = new DateOnly(year, 12, 24);
        if (christmasEve.DayOfWeek is >= DayOfWeek.Monday and <= DayOfWeek.Thursday)
        {
            Early(christmasEve, "Christmas Eve");
        }

        foreach (var (date, name) in SpecialEarlyCloses)
        {
            Early(date, name);
        }

        return days.ToFrozenDictionary();
    }

    private static DateOnly Observed(DateOnly date) => date.DayOfWeek switch
    {
        DayOfWeek.Saturday => date.AddDays(-1),
        DayOfWeek.Sunday => date.AddDays(1),
        _ => date,
    };
}
