using System.Globalization;
using TickStock.Core.Loading;
using Xunit;

namespace TickStock.Core.Tests.Loading;

public sealed class JobWindowTests
{
    private static DateTimeOffset Utc(string s) => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    [Fact]
    public void A_tiny_window_on_a_sunday_loads_friday()
    {
        var w = JobWindowCalculator.Compute(Utc("2024-06-09T16:00:00Z"), 0.003);
        Assert.Equal(new DateOnly(2024, 6, 7), w.Daily.FirstDate);
        Assert.Equal([new DateOnly(2024, 6, 7)], w.Daily.TradingDates());
        Assert.Equal(w.Daily, w.Intraday);
        Assert.Equal(Utc("2024-06-07T04:00:00Z"), w.Daily.StartUtc); // 00:00 EDT
    }

    [Fact]
    public void A_tiny_window_before_monday_open_loads_friday()
    {
        var w = JobWindowCalculator.Compute(Utc("2024-06-10T12:00:00Z"), 0.003); // 08:00 EDT Monday
        Assert.Equal(new DateOnly(2024, 6, 7), w.Daily.FirstDate);
        Assert.Equal([new DateOnly(2024, 6, 7), new DateOnly(2024, 6, 10)], w.Daily.TradingDates());
    }

    [Fact]
    public void A_tiny_window_after_a_holiday_weekend_skips_the_holiday()
    {
        // Sunday 2025-01-12: Thursday 01-09 was the Carter closure; Friday 01-10 is loaded.
        var w = JobWindowCalculator.Compute(Utc("2025-01-12T15:00:00Z"), 0.003);
        Assert.Equal([new DateOnly(2025, 1, 10)], w.Daily.TradingDates());
    }

    [Fact]
    public void Two_percent_of_a_year_is_about_a_week()
    {
        var w = JobWindowCalculator.Compute(Utc("2024-06-12T22:00:00Z"), 0.02); // Wed 18:00 EDT
        Assert.Equal(new DateOnly(2024, 6, 5), w.Daily.FirstDate);
        Assert.Equal(6, w.Daily.TradingDates().Count());
        Assert.Equal(new DateOnly(2024, 6, 12), w.Daily.LastDate);
    }

    [Fact]
    public void Intraday_rows_are_capped_at_a_year_by_default()
    {
        var now = Utc("2024-06-12T22:00:00Z");
        var w = JobWindowCalculator.Compute(now, 5);
        Assert.Equal(new DateOnly(2019, 6, 13), w.Daily.FirstDate); // 5 × 365.25 days back = 00:00 EDT 2019-06-13
        Assert.Equal(new DateOnly(2023, 6, 13), w.Intraday.FirstDate); // 2023-06-12 18:00 ET → next session
        var days = w.Intraday.TradingDates().Count();
        Assert.InRange(days, 250, 254);
        Assert.Equal(new DateOnly(2022, 6, 13), JobWindowCalculator.Compute(now, 5, intradayCapYears: 2).Intraday.FirstDate);
    }

    [Fact]
    public void Window_membership()
    {
        var now = Utc("2024-06-12T15:00:00Z");
        var w = JobWindowCalculator.ComputeWindow(now, 0.02);
        Assert.True(w.Contains(w.StartUtc));
        Assert.False(w.Contains(w.StartUtc.AddMinutes(-1)));
        Assert.False(w.Contains(now));
        Assert.Equal(("2024-06-05", "2024-06-12"), w.ProviderRange());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(30.01)]
    [InlineData(double.NaN)]
    public void Years_out_of_range_throw(double years) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => JobWindowCalculator.Compute(Utc("2024-06-12T15:00:00Z"), years));
}
