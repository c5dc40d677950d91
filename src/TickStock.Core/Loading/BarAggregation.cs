using TickStock.Core.Calendar;
using TickStock.Core.Market;

namespace TickStock.Core.Loading;

/// <summary>
/// Streaming aggregation per contract §6.2. Inputs are one symbol's bars in ascending start order;
/// every function yields as soon as a group closes, so memory does not grow with the span.
/// A repeated start instant (the provider has sent duplicates before) keeps the first bar.
/// </summary>
public static class BarAggregation
{
    /// <summary>Minute bars inside the regular session (09:30 ≤ start &lt; 16:00, or 13:00 on early closes) of trading days.</summary>
    public static IEnumerable<OhlcvBar> RegularSessionOnly(IEnumerable<OhlcvBar> bars)
    {
        ArgumentNullException.ThrowIfNull(bars);
        return bars.Where(b => NyseCalendar.IsInRegularSession(b.Start));
    }

    /// <summary>
    /// Regular-session hourly bars from minute bars: buckets 09:30, 10:00, …, 15:00 (12:00 on early
    /// closes), each stamped with its bucket start. Minutes outside the session are ignored.
    /// </summary>
    public static IEnumerable<OhlcvBar> ToHourly(IEnumerable<OhlcvBar> minutesAscending)
    {
        ArgumentNullException.ThrowIfNull(minutesAscending);
        return GroupIntraday(minutesAscending, m => Periods.HourBucketStart(m.Start));
    }

    /// <summary>
    /// Folds the next bar of a bucket (a later start) into the bucket: first open, highest high,
    /// lowest low, last close, summed volume. The one rule behind every intraday aggregate here.
    /// </summary>
    public static OhlcvBar Fold(OhlcvBar bucket, OhlcvBar next) =>
        bucket with { High = Math.Max(bucket.High, next.High), Low = Math.Min(bucket.Low, next.Low), Close = next.Close, Volume = bucket.Volume + next.Volume };

    /// <summary>
    /// Daily bars (keyed by trading date) from regular-session minute or hourly bars. Used for the
    /// still-open current day and as the fallback when no provider day bars can be had.
    /// </summary>
    public static IEnumerable<DatedBar> ToDaily(IEnumerable<OhlcvBar> intradayAscending)
    {
        ArgumentNullException.ThrowIfNull(intradayAscending);
        return GroupIntraday(intradayAscending, b => NyseCalendar.IsInRegularSession(b.Start) ? EasternTime.StartOfDay(EasternTime.EasternDate(b.Start)) : null)
            .Select(b => new DatedBar(EasternTime.EasternDate(b.Start), b.Open, b.High, b.Low, b.Close, b.Volume));
    }

    /// <summary>
    /// Daily rows from the provider's day bars (stamped 00:00 New York time): the date is the New
    /// York date of the stamp. Bars dated on a non-trading day are dropped (none should exist).
    /// </summary>
    public static IEnumerable<DatedBar> FromProviderDayBars(IEnumerable<OhlcvBar> dayBars)
    {
        ArgumentNullException.ThrowIfNull(dayBars);
        DateOnly? previous = null;
        foreach (var bar in dayBars)
        {
            var date = EasternTime.EasternDate(bar.Start);
            if (!NyseCalendar.IsTradingDay(date) || date == previous)
            {
                continue;
            }

            previous = date;
            yield return new DatedBar(date, bar.Open, bar.High, bar.Low, bar.Close, bar.Volume);
        }
    }

    /// <summary>Weekly rows (key = Friday of the Monday–Friday week) from ascending daily rows.</summary>
    public static IEnumerable<DatedBar> ToWeekly(IEnumerable<DatedBar> dailyAscending) => GroupDated(dailyAscending, Periods.WeekEnding);

    /// <summary>Monthly rows (key = last calendar day of the month) from ascending daily rows.</summary>
    public static IEnumerable<DatedBar> ToMonthly(IEnumerable<DatedBar> dailyAscending) => GroupDated(dailyAscending, Periods.MonthEnding);

    /// <summary>
    /// Recomputes one week from ALL stored daily rows of that week (any order; rows outside the
    /// week are ignored). Null when the week has no rows.
    /// </summary>
    public static DatedBar? RecomputeWeek(DateOnly weekEnding, IEnumerable<DatedBar> storedDailyRows)
    {
        var (monday, friday) = Periods.WeekRange(weekEnding);
        return Combine(weekEnding, storedDailyRows.Where(r => r.Date >= monday && r.Date <= friday));
    }

    /// <summary>Recomputes one month from ALL stored daily rows of that month. Null when none.</summary>
    public static DatedBar? RecomputeMonth(DateOnly monthEnding, IEnumerable<DatedBar> storedDailyRows)
    {
        var (first, last) = Periods.MonthRange(monthEnding);
        return Combine(Periods.MonthEnding(monthEnding), storedDailyRows.Where(r => r.Date >= first && r.Date <= last));
    }

    /// <summary>Recomputes one hour bucket from ALL stored minute rows of that bucket. Null when none.</summary>
    public static OhlcvBar? RecomputeHour(DateTimeOffset bucketStart, IEnumerable<OhlcvBar> storedMinuteRows)
    {
        var (start, end) = Periods.HourBucketRange(bucketStart);
        return Combine(bucketStart, storedMinuteRows.Where(m => m.Start >= start && m.Start < end));
    }

    /// <summary>Combines the rows of one period (any order) under <paramref name="key"/>. Null when empty.</summary>
    public static DatedBar? Combine(DateOnly key, IEnumerable<DatedBar> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var ordered = rows.OrderBy(r => r.Date).ToList(); // one period: at most ~23 rows
        if (ordered.Count == 0)
        {
            return null;
        }

        return new DatedBar(key, ordered[0].Open, ordered.Max(r => r.High), ordered.Min(r => r.Low), ordered[^1].Close, ordered.Sum(r => r.Volume));
    }

    /// <summary>Combines the intraday rows of one bucket (any order) under <paramref name="key"/>. Null when empty.</summary>
    public static OhlcvBar? Combine(DateTimeOffset key, IEnumerable<OhlcvBar> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var ordered = rows.OrderBy(r => r.Start).ToList(); // one bucket: at most 60 rows
        if (ordered.Count == 0)
        {
            return null;
        }

        return new OhlcvBar(key, ordered[0].Open, ordered.Max(r => r.High), ordered.Min(r => r.Low), ordered[^1].Close, ordered.Sum(r => r.Volume));
    }

    private static IEnumerable<OhlcvBar> GroupIntraday(IEnumerable<OhlcvBar> ascending, Func<OhlcvBar, DateTimeOffset?> keyOf)
    {
        DateTimeOffset? lastStart = null;
        DateTimeOffset? key = null;
        OhlcvBar acc = default;
        foreach (var bar in ascending)
        {
            if (lastStart is { } seen)
            {
                if (bar.Start == seen)
                {
                    continue;
                }

                if (bar.Start < seen)
                {
                    throw new InvalidOperationException(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"bars must be in ascending order: {bar.Start:O} after {seen:O}"));
                }
            }

            lastStart = bar.Start;
            var barKey = keyOf(bar);
            if (barKey is null)
            {
                continue;
            }

            if (key == barKey)
            {
                acc = Fold(acc, bar);
                continue;
            }

            if (key is not null)
            {
                yield return acc;
            }

            key = barKey;
            acc = bar with { Start = barKey.Value };
        }

        if (key is not null)
        {
            yield return acc;
        }
    }

    private static IEnumerable<DatedBar> GroupDated(IEnumerable<DatedBar> ascending, Func<DateOnly, DateOnly> keyOf)
    {
        ArgumentNullException.ThrowIfNull(ascending);
        DateOnly? lastDate = null;
        DateOnly? key = null;
        DatedBar acc = default;
        foreach (var row in ascending)
        {
            if (lastDate is { } seen)
            {
                if (row.Date == seen)
                {
                    continue;
                }

                if (row.Date < seen)
                {
                    throw new InvalidOperationException(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"rows must be in ascending date order: {row.Date:O} after {seen:O}"));
                }
            }

            lastDate = row.Date;
            var rowKey = keyOf(row.Date);
            if (key == rowKey)
            {
                acc = acc with { High = Math.Max(acc.High, row.High), Low = Math.Min(acc.Low, row.Low), Close = row.Close, Volume = acc.Volume + row.Volume };
                continue;
            }

            if (key is not null)
            {
                yield return acc;
            }

            key = rowKey;
            acc = row with { Date = rowKey };
        }

        if (key is not null)
        {
            yield return acc;
        }
    }
}

/// <summary>
/// Collects the periods touched by a load while its bars stream past, so that exactly those
/// hours/weeks/months are recomputed from the stored rows afterwards. Memory is bounded by the
/// number of periods (≈ 1 800 hours per year), not by the number of bars.
/// </summary>
public sealed class TouchedPeriods
{
    private readonly HashSet<DateTimeOffset> _hours = [];
    private readonly HashSet<DateOnly> _weeks = [];
    private readonly HashSet<DateOnly> _months = [];

    /// <summary>Touched hour buckets (bucket starts), ascending.</summary>
    public IReadOnlyList<DateTimeOffset> HourBuckets => [.. _hours.Order()];

    /// <summary>Touched weeks (<c>week_ending</c> Fridays), ascending.</summary>
    public IReadOnlyList<DateOnly> WeekEndings => [.. _weeks.Order()];

    /// <summary>Touched months (<c>month_ending</c> dates), ascending.</summary>
    public IReadOnlyList<DateOnly> MonthEndings => [.. _months.Order()];

    /// <summary>Records a written minute row; minutes outside the regular session touch nothing.</summary>
    public void AddMinute(DateTimeOffset minuteStart)
    {
        if (Periods.HourBucketStart(minuteStart) is { } bucket)
        {
            _hours.Add(bucket);
        }
    }

    /// <summary>Records a written daily row.</summary>
    public void AddDaily(DateOnly date)
    {
        _weeks.Add(Periods.WeekEnding(date));
        _months.Add(Periods.MonthEnding(date));
    }

    /// <summary>Passes minute bars through while recording them (for a streaming pipeline).</summary>
    public IEnumerable<OhlcvBar> TrackMinutes(IEnumerable<OhlcvBar> minutes)
    {
        ArgumentNullException.ThrowIfNull(minutes);
        foreach (var m in minutes)
        {
            AddMinute(m.Start);
            yield return m;
        }
    }

    /// <summary>Passes daily rows through while recording them.</summary>
    public IEnumerable<DatedBar> TrackDaily(IEnumerable<DatedBar> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        foreach (var r in rows)
        {
            AddDaily(r.Date);
            yield return r;
        }
    }
}
