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
        // 25 quiet 5-minute buckets (125 minutes), then one bucket whose minutes carry 6× volume.
        for (int m = 0; m < 125; m++) state.OnMinuteBar(MinuteBars.At(m), output);
        output.Clear();
        for (int m = 125; m < 130; m++) state.OnMinuteBar(MinuteBars.At(m, volume: 6000), output);

        var five = Assert.Single(output, p => p.Detection.Timeframe == Timeframe.FiveMinutes && p.Detection.Kind == PatternKind.VolumeSpike);
        Assert.Equal(30000, five.Volume); // 5 minutes summed
        Assert.Equal(MinuteBars.At(125).TimeMs, five.Detection.TimeMs); // bucket starts at 11:35 ET
        Assert.Equal(25, five.Detection.BarIndex); // completed on its last minute, not when the next bucket starts
    }

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
