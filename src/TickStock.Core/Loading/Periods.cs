using TickStock.Core.Calendar;

namespace TickStock.Core.Loading;

/// <summary>
/// Keys and extents of the stored periods: hour buckets (regular session), weeks and months.
/// </summary>
public static class Periods
{
    /// <summary>
    /// <c>week_ending</c> of a date: the Friday of its Monday–Friday week, even when that Friday is a
    /// holiday, so the key does not move while the week fills in. Saturday and Sunday belong to the
    /// week that has just ended (no rows fall on them anyway).
    /// </summary>
    public static DateOnly WeekEnding(DateOnly date)
    {
        var mondayBased = ((int)date.DayOfWeek + 6) % 7; // Monday 0 … Sunday 6
        return date.AddDays(4 - mondayBased); // Saturday → −1, Sunday → −2: the Friday just past
    }

    /// <summary>The Monday … Friday of the week with this <c>week_ending</c>.</summary>
    public static (DateOnly Monday, DateOnly Friday) WeekRange(DateOnly weekEnding)
    {
        if (weekEnding.DayOfWeek != DayOfWeek.Friday)
        {
            throw new ArgumentException("week_ending must be a Friday", nameof(weekEnding));
        }

        return (weekEnding.AddDays(-4), weekEnding);
    }

    /// <summary><c>month_ending</c> of a date: the last calendar day of its month.</summary>
    public static DateOnly MonthEnding(DateOnly date) =>
        new(date.Year, date.Month, DateTime.DaysInMonth(date.Year, date.Month));

    /// <summary>The first and last calendar day of the month with this <c>month_ending</c>.</summary>
    public static (DateOnly First, DateOnly Last) MonthRange(DateOnly monthEnding) =>
        (new DateOnly(monthEnding.Year, monthEnding.Month, 1), MonthEnding(monthEnding));

    /// <summary>
    /// Start of the regular-session hour bucket holding a minute bar that starts at
    /// <paramref name="minuteStart"/>: 09:30 for 09:30–09:59, else the top of the clock hour.
    /// Null when the minute is outside the regular session.
    /// </summary>
    public static DateTimeOffset? HourBucketStart(DateTimeOffset minuteStart)
    {
        if (!NyseCalendar.IsInRegularSession(minuteStart))
        {
            return null;
        }

        var et = EasternTime.ToEastern(minuteStart);
        var date = DateOnly.FromDateTime(et);
        var time = TimeOnly.FromDateTime(et);
        var bucket = time.Hour == 9 ? NyseCalendar.RegularOpen : new TimeOnly(time.Hour, 0);
        return EasternTime.FromEastern(date, bucket);
    }

    /// <summary>
    /// The [start, end) extent of an hour bucket: 09:30–10:00, then clock hours, the last one cut at
    /// the session close (16:00, or 13:00 on early-close days).
    /// </summary>
    public static (DateTimeOffset Start, DateTimeOffset End) HourBucketRange(DateTimeOffset bucketStart)
    {
        var et = EasternTime.ToEastern(bucketStart);
        var date = DateOnly.FromDateTime(et);
        var start = TimeOnly.FromDateTime(et);
        var end = start == NyseCalendar.RegularOpen ? new TimeOnly(10, 0) : start.AddHours(1);
        var close = NyseCalendar.CloseTime(date);
        if (end > close)
        {
            end = close;
        }

        return (bucketStart, EasternTime.FromEastern(date, end));
    }

    /// <summary>The hour-bucket starts of one trading date (7 on a full day, 4 on an early close).</summary>
    public static IEnumerable<DateTimeOffset> HourBucketsOf(DateOnly tradingDate)
    {
        if (!NyseCalendar.IsTradingDay(tradingDate))
        {
            yield break;
        }

        var close = NyseCalendar.CloseTime(tradingDate);
        yield return EasternTime.FromEastern(tradingDate, NyseCalendar.RegularOpen);
        for (var hour = 10; hour < close.Hour; hour++)
        {
            yield return EasternTime.FromEastern(tradingDate, new TimeOnly(hour, 0));
        }
    }
}
