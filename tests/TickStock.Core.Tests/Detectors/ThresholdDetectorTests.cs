using TickStock.Core.Bars;
using TickStock.Core.Detectors;
using Xunit;

namespace TickStock.Core.Tests.Detectors;

public sealed class ThresholdDetectorTests
{
    private static Detection? Last(IReadOnlyList<Bar> bars, DetectorOptions options, PatternKind kind)
    {
        List<Detection>[] perBar = BarBuilder.Run(bars, options);
        return perBar[^1].Where(d => d.Kind == kind).Select(d => (Detection?)d).FirstOrDefault();
    }

    [Theory]
    [InlineData(2999, false, 0)]
    [InlineData(3000, true, 0.6)]
    [InlineData(6000, true, 0.9)]
    [InlineData(9000, true, 1.0)]
    public void Volume_spike_fires_from_three_times_the_previous_20_bar_mean(double volume, bool fires, double confidence)
    {
        var b = new BarBuilder().Flat(10, 20, volume: 1000).Daily(10, 10.5, 9.5, 10.2, volume);
        Detection? d = Last(b.Bars, BarBuilder.Only(PatternKind.VolumeSpike), PatternKind.VolumeSpike);
        Assert.Equal(fires, d is not null);
        if (fires)
        {
            Assert.Equal(confidence, d!.Value.Confidence, 3);
            Assert.Equal("Volume_Spike", d.Value.Pattern);
            Assert.Equal(Direction.Bullish, d.Value.Direction);
        }
    }

    [Fact]
    public void Volume_spike_needs_a_full_window_and_a_nonzero_mean_and_the_minimum_volume()
    {
        var tooShort = new BarBuilder().Flat(10, 19).Daily(10, 10.5, 9.5, 10, 100_000);
        Assert.Null(Last(tooShort.Bars, BarBuilder.Only(PatternKind.VolumeSpike), PatternKind.VolumeSpike));

        var zeroVolume = new BarBuilder().Flat(10, 20, volume: 0).Daily(10, 10.5, 9.5, 10, 0);
        Assert.Null(Last(zeroVolume.Bars, BarBuilder.Only(PatternKind.VolumeSpike), PatternKind.VolumeSpike));

        var options = BarBuilder.Only(PatternKind.VolumeSpike) with { VolumeSpike = new VolumeSpikeOptions { MinVolume = 5000 } };
        var belowMinimum = new BarBuilder().Flat(10, 20, volume: 1000).Daily(10, 10.5, 9.5, 10, 4999);
        Assert.Null(Last(belowMinimum.Bars, options, PatternKind.VolumeSpike));
        var atMinimum = new BarBuilder().Flat(10, 20, volume: 1000).Daily(10, 10.5, 9.5, 10, 5000);
        Assert.NotNull(Last(atMinimum.Bars, options, PatternKind.VolumeSpike));
    }

    [Theory]
    [InlineData(10.5, false)] // equal to the 20-bar high: not above it
    [InlineData(10.51, true)]
    public void Price_breakout_fires_when_the_close_exceeds_the_previous_20_highs(double close, bool fires)
    {
        var b = new BarBuilder().Flat(10, 20).Daily(10, close + 0.1, 9.8, close);
        var options = BarBuilder.Only(Timeframe.OneMinute, PatternKind.PriceBreakout, PatternKind.PriceBreakdown);
        Detection? d = Last(b.Bars, options, PatternKind.PriceBreakout);
        Assert.Equal(fires, d is not null);
        if (fires)
        {
            Assert.Equal(10.5, d!.Value.Level);
            Assert.Equal(Tier.Intraday, d.Value.Tier);
        }
    }

    [Theory]
    [InlineData(9.5, false)]
    [InlineData(9.49, true)]
    public void Price_breakdown_fires_when_the_close_undercuts_the_previous_20_lows(double close, bool fires)
    {
        var b = new BarBuilder().Flat(10, 20).Daily(10, 10.2, close - 0.1, close);
        var options = BarBuilder.Only(Timeframe.OneMinute, PatternKind.PriceBreakout, PatternKind.PriceBreakdown);
        Assert.Equal(fires, Last(b.Bars, options, PatternKind.PriceBreakdown) is not null);
    }

    [Fact]
    public void Price_breakout_needs_20_previous_bars()
    {
        var b = new BarBuilder().Flat(10, 19).Daily(10, 12, 9.8, 11.9);
        Assert.Null(Last(b.Bars, BarBuilder.Only(PatternKind.PriceBreakout, Timeframe.OneMinute), PatternKind.PriceBreakout));
    }

    [Fact]
    public void High_and_low_of_day_fire_only_from_minute_30_and_only_on_new_extremes()
    {
        var b = new BarBuilder();
        for (int m = 0; m < 29; m++)
        {
            b.Minute(10, 10.2, 9.8, 10);
        }

        b.Minute(10, 10.5, 9.5, 10);   // minute 29: a new high inside the opening window → silent
        b.Minute(10, 10.5, 9.5, 10);   // minute 30: equal to the session high/low → silent
        b.Minute(10, 10.51, 9.7, 10);  // minute 31: new high
        b.Minute(10, 10.3, 9.49, 10);  // minute 32: new low
        var options = BarBuilder.Only(Timeframe.OneMinute, PatternKind.HighOfDay, PatternKind.LowOfDay);
        List<Detection>[] perBar = BarBuilder.Run(b.Bars, options);
        Assert.Empty(perBar[29]);
        Assert.Empty(perBar[30]);
        Assert.Equal([PatternKind.HighOfDay], perBar[31].Select(d => d.Kind));
        Assert.Equal(10.5, perBar[31][0].Level);
        Assert.Equal([PatternKind.LowOfDay], perBar[32].Select(d => d.Kind));
    }

    [Fact]
    public void Session_extremes_restart_with_a_new_session()
    {
        var b = new BarBuilder();
        for (int m = 0; m < 40; m++)
        {
            b.Minute(10, 11, 9, 10);
        }

        b.NewSession();
        for (int m = 0; m < 31; m++)
        {
            b.Minute(5, 5.1, 4.9, 5, session: 20240103);
        }

        b.Minute(5, 5.2, 4.95, 5.1, session: 20240103); // minute 31 of day 2: above day 2's high, far below day 1's
        List<Detection>[] perBar = BarBuilder.Run(b.Bars, BarBuilder.Only(PatternKind.HighOfDay, Timeframe.OneMinute));
        Assert.Single(perBar[^1]);
    }

    [Theory]
    [InlineData(10.6, 1500, true)]
    [InlineData(10.6, 1499, false)] // relative volume below 1.5
    [InlineData(10.5, 3000, false)] // close only equal to the 20-day high
    public void DailyBO_needs_a_close_above_the_20_day_high_on_relative_volume_1_5(double close, double volume, bool fires)
    {
        var b = new BarBuilder().Flat(10, 20, volume: 1000).Daily(10.2, close + 0.1, 10.1, close, volume);
        Detection? d = Last(b.Bars, BarBuilder.Only(PatternKind.DailyBreakout), PatternKind.DailyBreakout);
        Assert.Equal(fires, d is not null);
        if (fires)
        {
            Assert.Equal("DailyBO", d!.Value.Pattern);
            Assert.Equal(10.5, d.Value.Level);
        }
    }

    [Theory]
    [InlineData(52, 12.0, false)] // equal to the 52-week high
    [InlineData(52, 12.01, true)]
    [InlineData(51, 12.01, false)] // only 51 completed weeks
    public void WeeklyBO_compares_with_the_previous_52_completed_weeks(int weeks, double close, bool fires)
    {
        var b = new BarBuilder();
        for (int w = 0; w < weeks; w++)
        {
            b.NextWeek();
            double high = w == 3 ? 12 : 10.5; // week 3's high is the 52-week high
            b.Daily(10, high, 9.5, 10).Flat(10, 4);
        }

        b.NextWeek().Daily(10, close + 0.05, 9.9, close);
        Assert.Equal(fires, Last(b.Bars, BarBuilder.Only(PatternKind.WeeklyBreakout), PatternKind.WeeklyBreakout) is not null);
    }

    [Fact]
    public void WeeklyBO_ignores_the_current_week_high()
    {
        var b = new BarBuilder();
        for (int w = 0; w < 52; w++)
        {
            b.NextWeek().Flat(10, 5);
        }

        b.NextWeek().Daily(10, 15, 9.9, 10.4).Daily(10, 11, 9.9, 10.6); // Tuesday closes above the 52-week 10.5 high, below Monday's 15
        Assert.NotNull(Last(b.Bars, BarBuilder.Only(PatternKind.WeeklyBreakout), PatternKind.WeeklyBreakout));
    }

    [Theory]
    [InlineData(102.0, true, 0.6)]
    [InlineData(101.99, false, 0)]
    [InlineData(106.0, true, 0.9)]
    public void Gap_up_needs_an_open_2_percent_above_the_previous_high(double open, bool fires, double confidence)
    {
        var b = new BarBuilder().Daily(99, 100, 98, 99.5).Daily(open, open + 1, open - 0.5, open + 0.5);
        Detection? d = Last(b.Bars, BarBuilder.Only(PatternKind.GapUp), PatternKind.GapUp);
        Assert.Equal(fires, d is not null);
        if (fires)
        {
            Assert.Equal(confidence, d!.Value.Confidence, 3);
        }
    }

    [Theory]
    [InlineData(98.0, true)]
    [InlineData(98.01, false)]
    public void Gap_down_needs_an_open_2_percent_below_the_previous_low(double open, bool fires)
    {
        var b = new BarBuilder().Daily(101, 102, 100, 101).Daily(open, open + 0.5, open - 1, open - 0.5);
        Assert.Equal(fires, Last(b.Bars, BarBuilder.Only(PatternKind.GapDown), PatternKind.GapDown) is not null);
    }

    [Theory]
    [InlineData(11.0, PatternKind.ClosedTop10)]
    [InlineData(10.99, null)]
    [InlineData(9.0, PatternKind.ClosedBottom10)]
    [InlineData(9.01, null)]
    public void Close_position_boundaries(double close, PatternKind? expected)
    {
        // range 8..12 with a 25 % zone keeps the boundary exactly representable: top zone from 11, bottom zone to 9
        var options = BarBuilder.Only(Timeframe.Daily, PatternKind.ClosedTop10, PatternKind.ClosedBottom10)
            with { ClosePosition = new ClosePositionOptions { Fraction = 0.25 } };
        var b = new BarBuilder().Daily(10, 12, 8, close);
        List<Detection> detections = BarBuilder.Run(b.Bars, options)[0];
        Assert.Equal(expected is null ? [] : new[] { expected.Value }, detections.Select(d => d.Kind));
    }

    [Fact]
    public void Closed_top_10_scores_0_9_for_a_close_at_the_high()
    {
        var b = new BarBuilder().Daily(10, 12, 8, 12);
        Detection d = BarBuilder.Run(b.Bars, BarBuilder.Only(PatternKind.ClosedTop10))[0].Single();
        Assert.Equal(0.9, d.Confidence, 3);
    }

    [Fact]
    public void Flat_bar_is_neither_top_nor_bottom()
    {
        var b = new BarBuilder().Daily(10, 10, 10, 10);
        Assert.Empty(BarBuilder.Run(b.Bars, BarBuilder.Only(Timeframe.Daily, PatternKind.ClosedTop10, PatternKind.ClosedBottom10))[0]);
    }

    [Fact]
    public void RSI_overbought_boundary_is_strictly_above_70()
    {
        // 14 moves of +1: RSI = 100 on bar 14 (crossing from nothing: no previous value → silent); then a steady
        // decline and a sharp rally cross 70 from below exactly once.
        var b = new BarBuilder();
        double p = 50;
        b.Flat(p, 1);
        for (int i = 0; i < 30; i++)
        {
            p += i % 2 == 0 ? 1 : -1; // RSI ≈ 50
            b.Flat(p, 1);
        }

        b.Flat(p + 20, 1);
        List<Detection>[] perBar = BarBuilder.Run(b.Bars, BarBuilder.Only(PatternKind.RsiOverbought));
        Assert.Single(perBar.SelectMany(d => d));
        Assert.Single(perBar[^1]);
    }

    [Fact]
    public void Resistance_break_needs_two_touches_and_a_close_crossing_the_level()
    {
        var b = new BarBuilder().Flat(10, 5);
        b.Daily(10, 11.0, 9.9, 10.5).Flat(10, 5);  // swing high 11.00
        b.Daily(10, 11.05, 9.9, 10.5).Flat(10, 5); // swing high 11.05: within 1 % → both are levels
        b.Daily(10, 10.9, 9.9, 11.0);               // close 11.00 = level, not above → silent
        b.Daily(10.9, 11.2, 10.8, 11.03);           // crosses 11.00 (prev close 11.00 ≤ 11.00 < 11.03), not 11.05
        List<Detection>[] perBar = BarBuilder.Run(b.Bars, BarBuilder.Only(PatternKind.ResistanceBreak));
        Assert.Empty(perBar[^2]);
        Detection d = Assert.Single(perBar[^1]);
        Assert.Equal(11.0, d.Level);
        Assert.Equal("Resistance_Break", d.Pattern);
    }

    [Fact]
    public void A_single_swing_high_is_not_resistance()
    {
        var b = new BarBuilder().Flat(10, 5).Daily(10, 11.0, 9.9, 10.5).Flat(10, 5).Daily(10.9, 11.3, 10.8, 11.2);
        Assert.Empty(BarBuilder.Run(b.Bars, BarBuilder.Only(PatternKind.ResistanceBreak)).SelectMany(d => d));
    }

    [Fact]
    public void Swing_levels_expire_after_the_window()
    {
        var b = new BarBuilder().Flat(10, 5);
        b.Daily(10, 11.0, 9.9, 10.5).Flat(10, 5);
        b.Daily(10, 11.05, 9.9, 10.5).Flat(10, 70); // both swings older than 60 bars by the end
        b.Daily(10.9, 11.2, 10.8, 11.03);
        Assert.Empty(BarBuilder.Run(b.Bars, BarBuilder.Only(PatternKind.ResistanceBreak)).SelectMany(d => d));
    }

    [Fact]
    public void More_swings_than_the_initial_arrays_hold_are_kept_in_price_and_age_order()
    {
        // 19 swing highs three bars apart (more than the 16 the swing arrays start with), all within 1 % of each other.
        var b = new BarBuilder().Flat(10, 5);
        for (int i = 0; i < 19; i++)
        {
            b.Daily(10, 11.0 + (0.001 * i), 9.9, 10.5).Flat(10, 2);
        }

        b.Daily(10.9, 11.1, 10.8, 11.0185);  // crosses every level: the highest one below the close is reported
        int firstBreak = b.Bars.Count - 1;
        b.Flat(10, 40);                        // the 13 oldest swings expire, the 6 newest (11.013–11.018) remain
        b.Daily(10.9, 11.1, 10.8, 11.0125);  // above 11.012 (expired) but below every remaining level
        int expiredBreak = b.Bars.Count - 1;
        b.Daily(10.9, 11.1, 10.8, 11.0185);  // previous close 11.0125 ≤ 11.018 < 11.0185
        List<Detection>[] perBar = BarBuilder.Run(b.Bars, BarBuilder.Only(PatternKind.ResistanceBreak));
        Assert.Equal(11.018, Assert.Single(perBar[firstBreak]).Level, 9);
        Assert.Empty(perBar[expiredBreak]);
        Assert.Equal(11.018, Assert.Single(perBar[^1]).Level, 9);
    }

    [Theory]
    [InlineData(9.09, 9.5, true)]   // 1 % above the 9.00 level
    [InlineData(9.091, 9.5, false)] // just over 1 %
    [InlineData(8.91, 9.5, true)]   // 1 % below, close back above
    [InlineData(9.05, 8.99, false)] // close below the level
    public void Support_test_needs_a_low_within_1_percent_and_a_close_above(double low, double close, bool fires)
    {
        var b = new BarBuilder().Flat(10, 5);
        b.Daily(10, 10.1, 9.0, 9.5).Flat(10, 5);  // swing low 9.00
        b.Daily(10, 10.1, 9.0, 9.5).Flat(10, 5);  // swing low 9.00 again: two touches
        b.Daily(9.6, Math.Max(close, 9.6) + 0.1, low, close);
        List<Detection>[] perBar = BarBuilder.Run(b.Bars, BarBuilder.Only(PatternKind.SupportTest));
        Assert.Equal(fires, perBar[^1].Count == 1);
    }
}
