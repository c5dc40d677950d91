using TickStock.Core.Bars;
using TickStock.Core.Detectors;
using TickStock.Core.Symbols;

namespace TickStock.Actors.Tests.Symbols;

/// <summary>The pure per-symbol state behind SymbolActor.</summary>
public class SymbolStateTests
{
    [Fact]
    public void A_volume_spike_minute_is_published_once_with_its_context()
    {
        var state = new SymbolState("TEST");
        var output = new List<Publication>();
        foreach (Bar bar in MinuteBars.QuietThenSpike()) state.OnMinuteBar(bar, output);

        var spike = Assert.Single(output, p => p.Detection.Kind == PatternKind.VolumeSpike && p.Detection.Timeframe == Timeframe.OneMinute);
        Assert.Equal(6000, spike.Volume);
        Assert.Equal(0.9, spike.Detection.Confidence, 3);
        Assert.Equal(Tier.Intraday, spike.Detection.Tier);
        Assert.Equal(20, spike.Detection.BarIndex);
        Assert.Equal(21, state.MinuteBars);
    }

    [Fact]
    public void The_cooldown_suppresses_a_repeat_within_15_bars_and_allows_it_after()
    {
        var state = new SymbolState("TEST");
        var output = new List<Publication>();
        int minute = 0;
        void Feed(double volume) => state.OnMinuteBar(MinuteBars.At(minute++, volume), output);
        for (int i = 0; i < 20; i++) Feed(1000);
        Feed(20000); // spike at bar 20
        Feed(60000); // spike again at bar 21: within cooldown
        for (int i = 0; i < 14; i++) Feed(1000);
        Feed(1_000_000); // bar 36: 16 bars after the first publication

        var spikes = output.Where(p => p.Detection.Kind == PatternKind.VolumeSpike && p.Detection.Timeframe == Timeframe.OneMinute)
            .Select(p => p.Detection.BarIndex).ToList();
        Assert.Equal([20L, 36L], spikes);
    }

    [Fact]
    public void Five_and_fifteen_minute_bars_roll_up_aligned_to_the_open()
    {
        var state = new SymbolState("TEST", new SymbolStateOptions { IntradayCooldown = 0 });
        var output = new List<Publication>();
        // 300 quiet minutes (60 five-minute and 20 fifteen-minute buckets of 1000 per minute), then the 15 minutes
        // 14:30–14:44 ET at 6000 each: the first 5-minute bucket (30000 against a mean of 5000) and the 15-minute
        // bucket (90000 against a mean of 15000) are both 6× spikes, Volume_Spike confidence 0.9.
        for (int m = 0; m < 300; m++) state.OnMinuteBar(MinuteBars.At(m), output);
        output.Clear();
        for (int m = 300; m < 314; m++) state.OnMinuteBar(MinuteBars.At(m, volume: 6000), output);
        Assert.DoesNotContain(output, p => p.Detection.Timeframe == Timeframe.FifteenMinutes);

        state.OnMinuteBar(MinuteBars.At(314, volume: 6000), output);

        var five = output.First(p => p.Detection.Timeframe == Timeframe.FiveMinutes && p.Detection.Kind == PatternKind.VolumeSpike);
        Assert.Equal(30000, five.Volume); // 5 minutes summed
        Assert.Equal(MinuteBars.At(300).TimeMs, five.Detection.TimeMs); // bucket starts at 14:30 ET
        Assert.Equal(60, five.Detection.BarIndex); // completed on its last minute, not when the next bucket starts
        Assert.Equal(0.9, five.Detection.Confidence, 3);

        var fifteen = Assert.Single(output, p => p.Detection.Timeframe == Timeframe.FifteenMinutes && p.Detection.Kind == PatternKind.VolumeSpike);
        Assert.Equal(90000, fifteen.Volume); // 15 minutes summed
        Assert.Equal(MinuteBars.At(300).TimeMs, fifteen.Detection.TimeMs); // 14:30 ET: the 21st bucket from 09:30
        Assert.Equal(20, fifteen.Detection.BarIndex); // published on minute 314, its last minute
        Assert.Equal(0.9, fifteen.Detection.Confidence, 3);
        Assert.Equal(100.5, fifteen.Detection.Price); // the close of its last minute
        Assert.Equal(6.0, fifteen.RelativeVolume, 9);
    }

    [Fact]
    public void Price_change_is_the_percent_move_from_the_previous_sessions_close()
    {
        var state = new SymbolState("TEST");
        var output = new List<Publication>();
        // Day 1 closes at 100.50 (every quiet minute closes there). Day 2: 20 quiet minutes, then a 6× volume
        // minute closing at 102.51: (102.51 − 100.50) / 100.50 × 100 = 2.01 / 100.5 × 100 = 2.0 %.
        for (int m = 0; m < 390; m++) state.OnMinuteBar(MinuteBars.At(m), output);
        output.Clear();
        var day2 = MinuteBars.Day.AddDays(1);
        foreach (Bar bar in MinuteBars.QuietThenSpike(day: day2).Take(20)) state.OnMinuteBar(bar, output);
        state.OnMinuteBar(MinuteBars.At(20, volume: 6000, close: 102.51, day: day2), output);

        var spike = Assert.Single(output, p => p.Detection.Kind == PatternKind.VolumeSpike && p.Detection.Timeframe == Timeframe.OneMinute);
        Assert.Equal(2.0, spike.PriceChangePercent, 9);
        Assert.Equal(102.51, spike.Detection.Price);
    }

    [Fact]
    public void Price_change_before_any_previous_session_is_against_the_previous_bar()
    {
        var state = new SymbolState("TEST");
        var output = new List<Publication>();
        // No earlier session: the move is taken from the previous minute's close, 100.50 → 101.505 = +1.0 %.
        foreach (Bar bar in MinuteBars.QuietThenSpike().Take(20)) state.OnMinuteBar(bar, output);
        state.OnMinuteBar(MinuteBars.At(20, volume: 6000, close: 101.505), output);

        var spike = Assert.Single(output, p => p.Detection.Kind == PatternKind.VolumeSpike);
        Assert.Equal(1.0, spike.PriceChangePercent, 9);
    }

    [Fact]
    public void Daily_price_change_is_against_the_previous_daily_close()
    {
        var state = new SymbolState("TEST");
        var output = new List<Publication>();
        // 20 daily bars closing at 80, then one closing at 90 on 6× volume: (90 − 80) / 80 × 100 = 12.5 %.
        var day = new DateOnly(2026, 10, 1);
        for (int i = 0; i < 20; i++, day = NextWeekday(day)) state.OnDailyBar(Bar.Daily(day, 80, 80.5, 79.5, 80, 1000), output);
        output.Clear();
        state.OnDailyBar(Bar.Daily(day, 80, 90.5, 79.5, 90, 6000), output);

        var spike = Assert.Single(output, p => p.Detection.Kind == PatternKind.VolumeSpike && p.Detection.Timeframe == Timeframe.Daily);
        Assert.Equal(12.5, spike.PriceChangePercent, 9);
    }

    private static DateOnly NextWeekday(DateOnly day) => day.AddDays(day.DayOfWeek == DayOfWeek.Friday ? 3 : 1);

    [Fact]
    public void A_new_session_turns_the_previous_sessions_minutes_into_a_daily_bar()
    {
        var state = new SymbolState("TEST");
        var output = new List<Publication>();
        for (int m = -10; m < 390; m++) state.OnMinuteBar(MinuteBars.At(m), output); // pre-market minutes are not part of the day
        Assert.Equal(0, state.DailyBars);

        state.OnMinuteBar(MinuteBars.At(0, day: MinuteBars.Day.AddDays(1)), output);
        Assert.Equal(1, state.DailyBars);
        Assert.Equal(20261124, state.LastDailyDate);
        Assert.Equal(390 * 1000, state.DailyState.Bar.Volume);

        // A daily bar for a session already completed is ignored.
        Assert.False(state.OnDailyBar(Bar.Daily(MinuteBars.Day, 1, 2, 0.5, 1.5, 10), output));
    }

    [Fact]
    public void Out_of_order_minutes_are_ignored_and_counted()
    {
        var state = new SymbolState("TEST");
        var output = new List<Publication>();
        state.OnMinuteBar(MinuteBars.At(5), output);
        state.OnMinuteBar(MinuteBars.At(4), output);
        state.OnMinuteBar(MinuteBars.At(5), output);
        Assert.Equal(1, state.MinuteBars);
        Assert.Equal(2, state.OutOfOrderBars);
    }
}
