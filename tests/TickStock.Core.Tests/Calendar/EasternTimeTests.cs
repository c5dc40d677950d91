using System.Globalization;
using TickStock.Core.Calendar;
using Xunit;

namespace TickStock.Core.Tests.Calendar;

public sealed class EasternTimeTests
{
    private static DateTimeOffset Utc(string s) => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    [Theory]
    [InlineData("2024-03-10T06:59:00Z", "2024-03-10 01:59")] // last EST minute
    [InlineData("2024-03-10T07:00:00Z", "2024-03-10 03:00")] // spring forward
    [InlineData("2024-11-03T05:59:00Z", "2024-11-03 01:59")] // EDT, first 01:59
    [InlineData("2024-11-03T06:00:00Z", "2024-11-03 01:00")] // fall back: second 01:00 (EST)
    [InlineData("2006-04-02T07:00:00Z", "2006-04-02 03:00")] // pre-2007 rule: first Sunday of April
    [InlineData("2006-10-29T06:00:00Z", "2006-10-29 01:00")] // pre-2007 rule: last Sunday of October
    [InlineData("2006-03-12T07:00:00Z", "2006-03-12 02:00")] // 2007 rule date, still EST in 2006
    [InlineData("2020-12-15T14:30:00Z", "2020-12-15 09:30")]
    [InlineData("2020-07-01T13:30:00Z", "2020-07-01 09:30")]
    public void Utc_to_eastern_at_dst_boundaries(string utc, string eastern)
    {
        Assert.Equal(DateTime.ParseExact(eastern, "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), EasternTime.ToEastern(Utc(utc)));
    }

    [Theory]
    [InlineData("2024-03-10 01:59", "2024-03-10T06:59:00Z")]
    [InlineData("2024-03-10 03:00", "2024-03-10T07:00:00Z")]
    [InlineData("2024-11-03 00:59", "2024-11-03T04:59:00Z")]
    [InlineData("2024-11-03 01:30", "2024-11-03T05:30:00Z")] // ambiguous → first (EDT) occurrence
    [InlineData("2024-11-03 02:00", "2024-11-03T07:00:00Z")]
    [InlineData("2024-03-10 02:30", "2024-03-10T07:30:00Z")] // gap → read as EST
    public void Eastern_to_utc_at_dst_boundaries(string eastern, string utc)
    {
        Assert.Equal(Utc(utc), EasternTime.FromEastern(DateTime.ParseExact(eastern, "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)));
    }

    [Theory]
    [InlineData(2005, 4, 1, 1112331600000)] // recorded provider day bars
    [InlineData(2005, 4, 4, 1112587200000)]
    [InlineData(2023, 1, 3, 1672722000000)]
    [InlineData(2023, 1, 10, 1673326800000)]
    public void Start_of_day_matches_recorded_day_bar_stamps(int y, int m, int d, long unixMs)
    {
        Assert.Equal(unixMs, EasternTime.StartOfDay(new DateOnly(y, m, d)).ToUnixTimeMilliseconds());
        Assert.Equal(new DateOnly(y, m, d), EasternTime.EasternDate(DateTimeOffset.FromUnixTimeMilliseconds(unixMs)));
    }

    [Fact]
    public void Round_trips_every_quarter_hour_of_two_years()
    {
        for (var t = Utc("2023-01-01T00:00:00Z"); t < Utc("2025-01-01T00:00:00Z"); t = t.AddMinutes(15))
        {
            var et = EasternTime.ToEastern(t);
            var back = EasternTime.FromEastern(et);
            // Only the repeated autumn hour may map back to its first occurrence.
            Assert.True(back == t || back == t.AddHours(-1), t.ToString("O", CultureInfo.InvariantCulture));
        }
    }
}
