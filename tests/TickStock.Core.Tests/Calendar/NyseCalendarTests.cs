using TickStock.Core.Calendar;
using Xunit;

namespace TickStock.Core.Tests.Calendar;

public sealed class NyseCalendarTests
{
    [Theory]
    [InlineData("2000-01-17")] // MLK
    [InlineData("2000-04-21")] // Good Friday
    [InlineData("2001-09-11")]
    [InlineData("2001-09-14")]
    [InlineData("2004-06-11")] // Reagan
    [InlineData("2005-12-26")] // Christmas on Sunday → Monday
    [InlineData("2006-01-02")] // New Year on Sunday → Monday
    [InlineData("2007-01-02")] // Ford
    [InlineData("2010-12-24")] // Christmas on Saturday → Friday
    [InlineData("2012-10-29")] // Sandy
    [InlineData("2012-10-30")]
    [InlineData("2015-07-03")] // Independence Day on Saturday → Friday
    [InlineData("2018-12-05")] // G.H.W. Bush
    [InlineData("2020-07-03")]
    [InlineData("2021-12-24")]
    [InlineData("2022-06-20")] // first Juneteenth, Sunday → Monday
    [InlineData("2023-01-02")]
    [InlineData("2024-03-29")]
    [InlineData("2024-06-19")]
    [InlineData("2024-11-28")]
    [InlineData("2025-01-09")] // Carter
    [InlineData("2025-04-18")]
    [InlineData("2026-04-03")]
    [InlineData("2026-07-03")]
    [InlineData("2027-03-26")]
    [InlineData("2027-06-18")]
    [InlineData("2027-07-05")]
    [InlineData("2027-12-24")]
    [InlineData("2028-04-14")]
    [InlineData("2030-04-19")]
    public void Holidays_and_special_closures_are_closed(string date)
    {
        var d = DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(NyseCalendar.IsHoliday(d), date);
        Assert.False(NyseCalendar.IsTradingDay(d), date);
        Assert.Null(NyseCalendar.GetSession(d));
    }

    [Theory]
    [InlineData("1999-12-31")] // New Year 2000 on Saturday: no Friday closure
    [InlineData("2010-12-31")]
    [InlineData("2021-12-31")]
    [InlineData("2027-12-31")]
    [InlineData("2021-06-18")] // Juneteenth not yet a market holiday
    [InlineData("2021-06-21")]
    [InlineData("2025-01-08")]
    [InlineData("2025-01-10")]
    [InlineData("2024-10-14")] // Columbus Day
    [InlineData("2024-11-11")] // Veterans Day
    [InlineData("2012-10-31")]
    public void Ordinary_weekdays_are_open(string date)
    {
        var d = DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(NyseCalendar.IsTradingDay(d), date);
        Assert.False(NyseCalendar.IsEarlyClose(d), date);
        Assert.Equal(new TimeOnly(16, 0), NyseCalendar.GetSession(d)!.Close);
    }

    [Theory]
    [InlineData("2019-07-03")]
    [InlineData("2020-11-27")]
    [InlineData("2020-12-24")]
    [InlineData("2024-07-03")]
    [InlineData("2024-11-29")]
    [InlineData("2024-12-24")]
    [InlineData("2025-07-03")]
    [InlineData("2025-11-28")]
    [InlineData("2025-12-24")]
    [InlineData("2026-11-27")]
    [InlineData("2026-12-24")]
    public void Early_closes_end_at_13_00(string date)
    {
        var d = DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(NyseCalendar.IsTradingDay(d));
        Assert.True(NyseCalendar.IsEarlyClose(d));
        var session = NyseCalendar.GetSession(d)!;
        Assert.Equal(new TimeOnly(13, 0), session.Close);
        Assert.True(session.IsEarlyClose);
    }

    [Theory]
    [InlineData("2020-07-02")] // July 3 2020 was the holiday itself
    [InlineData("2026-07-02")]
    [InlineData("2021-12-23")] // Christmas Eve 2021 was the observed holiday
    public void Days_before_observed_holidays_are_full_days(string date)
    {
        var d = DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(NyseCalendar.IsTradingDay(d));
        Assert.False(NyseCalendar.IsEarlyClose(d));
    }

    [Fact]
    public void Weekends_are_closed()
    {
        Assert.False(NyseCalendar.IsTradingDay(new DateOnly(2024, 6, 8)));
        Assert.False(NyseCalendar.IsTradingDay(new DateOnly(2024, 6, 9)));
        Assert.False(NyseCalendar.IsHoliday(new DateOnly(2024, 6, 9))); // closed, but not a "holiday"
    }

    [Theory]
    [InlineData(2000, 4, 23)]
    [InlineData(2005, 3, 27)]
    [InlineData(2019, 4, 21)]
    [InlineData(2024, 3, 31)]
    [InlineData(2025, 4, 20)]
    [InlineData(2038, 4, 25)]
    public void Easter_computus(int y, int m, int d) => Assert.Equal(new DateOnly(y, m, d), NyseCalendar.EasterSunday(y));

    [Fact]
    public void Full_years_have_the_expected_number_of_sessions()
    {
        // Published NYSE counts: 2023 had 250 sessions, 2024 252, 2025 250 (incl. the Carter closure).
        Assert.Equal(250, NyseCalendar.TradingDays(new DateOnly(2023, 1, 1), new DateOnly(2023, 12, 31)).Count());
        Assert.Equal(252, NyseCalendar.TradingDays(new DateOnly(2024, 1, 1), new DateOnly(2024, 12, 31)).Count());
        Assert.Equal(250, NyseCalendar.TradingDays(new DateOnly(2025, 1, 1), new DateOnly(2025, 12, 31)).Count());
    }

    [Fact]
    public void Session_instants_are_utc_with_the_right_offset()
    {
        var winter = NyseCalendar.GetSession(new DateOnly(2024, 1, 3))!;
        Assert.Equal(DateTimeOffset.Parse("2024-01-03T14:30:00Z", System.Globalization.CultureInfo.InvariantCulture), winter.OpenUtc);
        Assert.Equal(DateTimeOffset.Parse("2024-01-03T21:00:00Z", System.Globalization.CultureInfo.InvariantCulture), winter.CloseUtc);
        var summer = NyseCalendar.GetSession(new DateOnly(2024, 7, 3))!;
        Assert.Equal(DateTimeOffset.Parse("2024-07-03T13:30:00Z", System.Globalization.CultureInfo.InvariantCulture), summer.OpenUtc);
        Assert.Equal(DateTimeOffset.Parse("2024-07-03T17:00:00Z", System.Globalization.CultureInfo.InvariantCulture), summer.CloseUtc);
    }

    [Fact]
    public void Last_complete_session_respects_the_close()
    {
        var beforeClose = DateTimeOffset.Parse("2024-06-12T19:59:00Z", System.Globalization.CultureInfo.InvariantCulture); // 15:59 EDT
        Assert.Equal(new DateOnly(2024, 6, 11), NyseCalendar.LastCompleteSession(beforeClose).Date);
        var atClose = DateTimeOffset.Parse("2024-06-12T20:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(new DateOnly(2024, 6, 12), NyseCalendar.LastCompleteSession(atClose).Date);
        var earlyClose = DateTimeOffset.Parse("2024-11-29T18:00:00Z", System.Globalization.CultureInfo.InvariantCulture); // 13:00 EST
        Assert.Equal(new DateOnly(2024, 11, 29), NyseCalendar.LastCompleteSession(earlyClose).Date);
    }

    [Fact]
    public void Holidays_of_a_year_list_closures_and_early_closes()
    {
        var list = NyseCalendar.HolidaysOf(2025);
        Assert.Equal(11, list.Count(h => !h.IsEarlyClose)); // 10 regular + Carter
        Assert.Equal(3, list.Count(h => h.IsEarlyClose));
        Assert.Contains(list, h => h.Date == new DateOnly(2025, 1, 9) && !h.IsEarlyClose);
    }
}
