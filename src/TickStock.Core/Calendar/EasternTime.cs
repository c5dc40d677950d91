namespace TickStock.Core.Calendar;

/// <summary>
/// America/New_York wall-clock conversion done with explicit US daylight-saving rules in UTC
/// arithmetic. Deliberately independent of the host's time-zone database and local zone, so the
/// same instant maps to the same exchange time on every machine.
/// </summary>
public static class EasternTime
{
    private static readonly TimeSpan StandardOffset = TimeSpan.FromHours(-5);
    private static readonly TimeSpan DaylightOffset = TimeSpan.FromHours(-4);

    /// <summary>The UTC offset of New York at a UTC instant (-05:00 or -04:00).</summary>
    public static TimeSpan OffsetAt(DateTimeOffset instant) =>
        IsDaylightAtUtc(instant.UtcDateTime) ? DaylightOffset : StandardOffset;

    /// <summary>New York wall-clock time (Kind = Unspecified) of a UTC instant.</summary>
    public static DateTime ToEastern(DateTimeOffset instant)
    {
        var utc = instant.UtcDateTime;
        return DateTime.SpecifyKind(utc + (IsDaylightAtUtc(utc) ? DaylightOffset : StandardOffset), DateTimeKind.Unspecified);
    }

    /// <summary>New York calendar date of a UTC instant.</summary>
    public static DateOnly EasternDate(DateTimeOffset instant) => DateOnly.FromDateTime(ToEastern(instant));

    /// <summary>
    /// The instant of a New York wall-clock time. In the autumn's repeated hour the first (daylight)
    /// occurrence is chosen; a time in the spring-forward gap is read as standard time (i.e. moved
    /// forward an hour). Exchange sessions never touch either case.
    /// </summary>
    public static DateTimeOffset FromEastern(DateTime easternWallClock)
    {
        var wall = DateTime.SpecifyKind(easternWallClock, DateTimeKind.Utc);
        var asDaylight = wall - DaylightOffset;
        var utc = IsDaylightAtUtc(asDaylight) ? asDaylight : wall - StandardOffset;
        return new DateTimeOffset(utc, TimeSpan.Zero);
    }

    /// <summary>The instant of <paramref name="time"/> on New York date <paramref name="date"/>.</summary>
    public static DateTimeOffset FromEastern(DateOnly date, TimeOnly time) => FromEastern(date.ToDateTime(time));

    /// <summary>00:00 New York time of a date: where the provider stamps day bars.</summary>
    public static DateTimeOffset StartOfDay(DateOnly date) => FromEastern(date, TimeOnly.MinValue);

    /// <summary>Whether daylight time is in effect at a UTC instant.</summary>
    public static bool IsDaylightAtUtc(DateTime utc)
    {
        var (start, end) = DaylightBoundsUtc(utc.Year);
        return utc >= start && utc < end;
    }

    /// <summary>
    /// UTC instants at which daylight time starts (02:00 EST) and ends (02:00 EDT) in a year.
    /// Rules: 2007+ second Sunday of March to first Sunday of November (Energy Policy Act 2005);
    /// 1987–2006 first Sunday of April to last Sunday of October; before 1987 last Sunday of April
    /// to last Sunday of October (the 1974–75 emergency years are not modelled).
    /// </summary>
    public static (DateTime StartUtc, DateTime EndUtc) DaylightBoundsUtc(int year)
    {
        DateOnly start, end;
        if (year >= 2007)
        {
            start = NthWeekday(year, 3, DayOfWeek.Sunday, 2);
            end = NthWeekday(year, 11, DayOfWeek.Sunday, 1);
        }
        else if (year >= 1987)
        {
            start = NthWeekday(year, 4, DayOfWeek.Sunday, 1);
            end = LastWeekday(year, 10, DayOfWeek.Sunday);
        }
        else
        {
            start = LastWeekday(year, 4, DayOfWeek.Sunday);
            end = LastWeekday(year, 10, DayOfWeek.Sunday);
        }

        // 02:00 EST = 07:00Z; 02:00 EDT = 06:00Z.
        return (start.ToDateTime(new TimeOnly(7, 0), DateTimeKind.Utc), end.ToDateTime(new TimeOnly(6, 0), DateTimeKind.Utc));
    }

    internal static DateOnly NthWeekday(int year, int month, DayOfWeek day, int n)
    {
        var first = new DateOnly(year, month, 1);
        var shift = ((int)day - (int)first.DayOfWeek + 7) % 7;
        return first.AddDays(shift + (7 * (n - 1)));
    }

    internal static DateOnly LastWeekday(int year, int month, DayOfWeek day)
    {
        var last = new DateOnly(year, month, DateTime.DaysInMonth(year, month));
        var back = ((int)last.DayOfWeek - (int)day + 7) % 7;
        return last.AddDays(-back);
    }
}
