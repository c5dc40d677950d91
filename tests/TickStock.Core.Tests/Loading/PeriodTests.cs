using TickStock.Core.Loading;
using TickStock.Core.Market;
using Xunit;

namespace TickStock.Core.Tests.Loading;

public sealed class PeriodTests
{
    [Theory]
    [InlineData("2024-03-25", "2024-03-29")] // Friday is Good Friday: still the key
    [InlineData("2024-03-29", "2024-03-29")]
    [InlineData("2024-07-01", "2024-07-05")]
    [InlineData("2024-07-05", "2024-07-05")]
    [InlineData("2024-07-06", "2024-07-05")] // Saturday → the week just ended
    [InlineData("2024-07-07", "2024-07-05")]
    [InlineData("2025-12-29", "2026-01-02")] // week across the year end
    public void Week_ending_is_the_friday(string date, string friday) =>
        Assert.Equal(DateOnly.Parse(friday, System.Globalization.CultureInfo.InvariantCulture), Periods.WeekEnding(DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture)));

    [Theory]
    [InlineData("2024-02-10", "2024-02-29")]
    [InlineData("2023-02-01", "2023-02-28")]
    [InlineData("2024-12-31", "2024-12-31")]
    [InlineData("2024-04-30", "2024-04-30")]
    public void Month_ending_is_the_last_calendar_day(string date, string last) =>
        Assert.Equal(DateOnly.Parse(last, System.Globalization.CultureInfo.InvariantCulture), Periods.MonthEnding(DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void Weekly_and_monthly_from_real_spy_daily_rows()
    {
        var daily = SpyFiles.Daily().ToList();
        var weekly = BarAggregation.ToWeekly(daily).ToList();
        var monthly = BarAggregation.ToMonthly(daily).ToList();

        var week = weekly.Single(w => w.Date == new DateOnly(2020, 12, 18));
        var rows = daily.Where(d => d.Date >= new DateOnly(2020, 12, 14) && d.Date <= new DateOnly(2020, 12, 18)).ToList();
        Assert.Equal(5, rows.Count);
        Assert.Equal(new DatedBar(week.Date, rows[0].Open, rows.Max(r => r.High), rows.Min(r => r.Low), rows[^1].Close, rows.Sum(r => r.Volume)), week);

        // Thanksgiving week 2020: 4 sessions, keyed by Friday 11-27.
        Assert.Contains(weekly, w => w.Date == new DateOnly(2020, 11, 27));
        Assert.All(weekly, w => Assert.Equal(DayOfWeek.Friday, w.Date.DayOfWeek));
        Assert.Equal([9, 10, 11, 12, 1], monthly.Select(m => m.Date.Month));
        Assert.Equal(new DateOnly(2021, 1, 31), monthly[^1].Date); // partial month keyed by its last day
        Assert.Equal(weekly.Count, weekly.Select(w => w.Date).Distinct().Count());

        // Each period equals the recompute of the stored rows.
        foreach (var w in weekly)
        {
            Assert.Equal(w, BarAggregation.RecomputeWeek(w.Date, daily));
        }

        foreach (var m in monthly)
        {
            Assert.Equal(m, BarAggregation.RecomputeMonth(m.Date, daily));
        }
    }

    [Fact]
    public void A_partial_week_is_completed_by_recomputing_from_all_stored_rows()
    {
        var daily = SpyFiles.Daily().Where(d => d.Date >= new DateOnly(2020, 12, 14) && d.Date <= new DateOnly(2020, 12, 18)).ToList();
        var friday = new DateOnly(2020, 12, 18);

        // First load: Monday–Tuesday only → a partial week.
        var partial = BarAggregation.RecomputeWeek(friday, daily.Take(2))!.Value;
        Assert.Equal(daily[1].Close, partial.Close);

        // A later 1-day load touches Friday; recomputing from ALL stored rows restores the whole week.
        var touched = new TouchedPeriods();
        foreach (var row in touched.TrackDaily(daily.Skip(4)))
        {
            Assert.Equal(friday, row.Date);
        }

        Assert.Equal([friday], touched.WeekEndings);
        Assert.Equal([new DateOnly(2020, 12, 31)], touched.MonthEndings);
        var full = BarAggregation.RecomputeWeek(friday, daily)!.Value;
        Assert.Equal(daily.Sum(d => d.Volume), full.Volume);
        Assert.Equal(daily[0].Open, full.Open);
        Assert.Null(BarAggregation.RecomputeWeek(new DateOnly(2020, 12, 25), daily));
    }

    [Fact]
    public void Touched_hours_come_from_session_minutes_only()
    {
        var touched = new TouchedPeriods();
        foreach (var m in touched.TrackMinutes(SpyFiles.Minutes()))
        {
            _ = m;
        }

        Assert.Equal(28, touched.HourBuckets.Count);
    }
}
