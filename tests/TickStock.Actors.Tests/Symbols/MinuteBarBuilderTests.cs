using TickStock.Core.Bars;
using TickStock.Core.Calendar;
using TickStock.Core.Symbols;

namespace TickStock.Actors.Tests.Symbols;

/// <summary>Ticks → 1-minute bars on exchange-time minute boundaries.</summary>
public class MinuteBarBuilderTests
{
    private static long Et(int year, int month, int day, int hour, int minute, int second, int ms = 0) =>
        EasternTime.FromEastern(new DateTime(year, month, day, hour, minute, second, ms)).ToUnixTimeMilliseconds();

    [Fact]
    public void A_tick_of_the_next_minute_completes_the_previous_one_with_its_OHLCV()
    {
        var builder = new MinuteBarBuilder();
        Assert.False(builder.OnTick(Et(2026, 7, 1, 9, 30, 0), 10, 100, out _));
        Assert.False(builder.OnTick(Et(2026, 7, 1, 9, 30, 20), 12, 50, out _));
        Assert.False(builder.OnTick(Et(2026, 7, 1, 9, 30, 40), 9, 25, out _));
        Assert.False(builder.OnTick(Et(2026, 7, 1, 9, 30, 59, 999), 11, 5, out _));
        Assert.True(builder.OnTick(Et(2026, 7, 1, 9, 31, 0), 11.5, 1, out Bar bar));

        Assert.Equal(new Bar(Et(2026, 7, 1, 9, 30, 0), 10, 12, 9, 11, 180), bar with { SessionDate = 0, MinuteOfSession = -1 });
        Assert.Equal(20260701, bar.SessionDate);
        Assert.Equal(0, bar.MinuteOfSession);
    }

    [Fact]
    public void Session_date_and_minute_are_exchange_time_also_when_the_UTC_date_differs()
    {
        // 19:59 ET in January is 00:59 UTC on the next day; the session date stays the New York date.
        var builder = new MinuteBarBuilder();
        builder.OnTick(Et(2026, 1, 15, 19, 59, 30), 10, 1, out _);
        Assert.True(builder.OnTick(Et(2026, 1, 15, 20, 0, 1), 10, 1, out Bar bar));
        Assert.Equal(20260115, bar.SessionDate);
        Assert.Equal((19 * 60) + 59 - 570, bar.MinuteOfSession);
        Assert.Equal(16, bar.TimeUtc.Day);
    }

    [Fact]
    public void Flush_completes_a_minute_only_after_it_ended_and_late_ticks_are_dropped()
    {
        var builder = new MinuteBarBuilder();
        long start = Et(2026, 3, 9, 10, 0, 0); // the Monday after the spring DST change
        builder.OnTick(start + 5_000, 20, 10, out _);
        Assert.False(builder.TryFlush(start + 59_999, out _));
        Assert.True(builder.TryFlush(start + 60_000, out Bar bar));
        Assert.Equal(30, bar.MinuteOfSession);
        Assert.Equal(start, bar.TimeMs);

        Assert.False(builder.OnTick(start + 30_000, 21, 1, out _));
        Assert.Equal(1, builder.LateTicks);
        Assert.False(builder.HasOpenMinute);
    }
}
