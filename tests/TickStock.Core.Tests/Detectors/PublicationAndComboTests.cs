using TickStock.Core.Bars;
using TickStock.Core.Detectors;
using Xunit;

namespace TickStock.Core.Tests.Detectors;


public sealed class PublicationDeduplicatorTests
{
    private static Detection At(long bar, PatternKind kind = PatternKind.Doji, Timeframe timeframe = Timeframe.Daily) =>
        new(kind, Direction.Neutral, 0.7, PatternCatalog.TierFor(kind, timeframe), timeframe, bar, 0, 10, double.NaN);

    [Fact]
    public void Daily_cooldown_of_3_bars_suppresses_the_next_three_bars()
    {
        var stage = new PublicationDeduplicator();
        Assert.True(stage.TryPublish("AAPL", At(10)));
        Assert.False(stage.TryPublish("AAPL", At(10))); // same bar twice
        Assert.False(stage.TryPublish("AAPL", At(11)));
        Assert.False(stage.TryPublish("AAPL", At(13)));
        Assert.True(stage.TryPublish("AAPL", At(14)));
    }

    [Fact]
    public void Intraday_cooldown_is_15_bars()
    {
        var stage = new PublicationDeduplicator();
        Assert.True(stage.TryPublish("AAPL", At(100, PatternKind.VolumeSpike, Timeframe.OneMinute)));
        Assert.False(stage.TryPublish("AAPL", At(115, PatternKind.VolumeSpike, Timeframe.OneMinute)));
        Assert.True(stage.TryPublish("AAPL", At(116, PatternKind.VolumeSpike, Timeframe.OneMinute)));
    }

    [Fact]
    public void Keys_are_symbol_pattern_and_timeframe()
    {
        var stage = new PublicationDeduplicator();
        Assert.True(stage.TryPublish("AAPL", At(10)));
        Assert.True(stage.TryPublish("MSFT", At(10)));
        Assert.True(stage.TryPublish("AAPL", At(10, PatternKind.Hammer)));
        Assert.True(stage.TryPublish("AAPL", At(10, PatternKind.Doji, Timeframe.FiveMinutes)));
    }

    [Fact]
    public void Scan_cooldown_zero_only_removes_same_bar_duplicates()
    {
        var stage = PublicationDeduplicator.WithCooldown(0);
        var output = new List<Detection>();
        stage.Filter("X", [At(1), At(1), At(2), At(3)], output);
        Assert.Equal([1L, 2L, 3L], output.Select(d => d.BarIndex));
    }
}

public sealed class ComboTrackerTests
{
    private static Bar Daily(int date, double close) =>
        Bar.Daily(DateOnly.ParseExact(date.ToString(System.Globalization.CultureInfo.InvariantCulture), "yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture),
            close - 0.5, close + 0.5, close - 1, close, 1000);

    private static Bar Minute(int session, int minute, double close, double low = double.NaN) =>
        new(0, close, close + 0.05, double.IsNaN(low) ? close - 0.05 : low, close, 1000) { SessionDate = session, MinuteOfSession = minute };

    private static Detection Daily(PatternKind kind, double level, double confidence = 0.7) =>
        new(kind, Direction.Bullish, confidence, Tier.Daily, Timeframe.Daily, 0, 0, level, level);

    private static Detection Intraday(PatternKind kind, double confidence = 0.8, Timeframe timeframe = Timeframe.OneMinute) =>
        new(kind, Direction.Bullish, confidence, Tier.Intraday, timeframe, 0, 0, 0, double.NaN);

    [Fact]
    public void Breakout_confirmed_needs_a_next_session_1min_close_above_the_level_with_a_volume_spike()
    {
        var combos = new ComboTracker();
        var output = new List<Detection>();
        combos.OnDailyBar(Daily(20240102, 50.5), [Daily(PatternKind.DailyBreakout, 50.0)]);

        // same session as the set-up: too early
        combos.OnIntradayBar(Minute(20240102, 40, 50.6), Timeframe.OneMinute, [Intraday(PatternKind.VolumeSpike)], null, output);
        Assert.Empty(output);
        // next session: close above the level but no spike
        combos.OnIntradayBar(Minute(20240103, 5, 50.6), Timeframe.OneMinute, [], null, output);
        // spike but close at the level, not above
        combos.OnIntradayBar(Minute(20240103, 6, 50.0), Timeframe.OneMinute, [Intraday(PatternKind.VolumeSpike)], null, output);
        Assert.Empty(output);
        // both
        combos.OnIntradayBar(Minute(20240103, 7, 50.01), Timeframe.OneMinute, [Intraday(PatternKind.VolumeSpike, 0.9)], null, output);
        Detection d = Assert.Single(output);
        Assert.Equal("Breakout_Confirmed", d.Pattern);
        Assert.Equal(Tier.Combo, d.Tier);
        Assert.Equal("combo", d.TierName);
        Assert.Equal(50.0, d.Level);
        Assert.Equal(0.9, d.Confidence, 3); // (0.7 + 0.9) / 2 + 0.1
        // fires once per set-up
        combos.OnIntradayBar(Minute(20240103, 8, 50.2), Timeframe.OneMinute, [Intraday(PatternKind.VolumeSpike)], null, output);
        Assert.Single(output);
    }

    [Fact]
    public void Breakout_set_up_expires_after_its_session()
    {
        var combos = new ComboTracker();
        var output = new List<Detection>();
        combos.OnDailyBar(Daily(20240102, 50.5), [Daily(PatternKind.ResistanceBreak, 50.0)]);
        combos.OnIntradayBar(Minute(20240103, 5, 49), Timeframe.OneMinute, [], null, output);
        combos.OnIntradayBar(Minute(20240104, 5, 51), Timeframe.OneMinute, [Intraday(PatternKind.VolumeSpike)], null, output);
        Assert.Empty(output);
        Assert.Equal(0, combos.SetupCount);
    }

    [Fact]
    public void Reversal_confirmed_needs_an_intraday_breakout_in_the_same_direction()
    {
        var combos = new ComboTracker();
        var output = new List<Detection>();
        var hammer = new Detection(PatternKind.Hammer, Direction.Bullish, 0.75, Tier.Daily, Timeframe.Daily, 0, 0, 20, double.NaN);
        combos.OnDailyBar(Daily(20240102, 20), [hammer]);
        combos.OnIntradayBar(Minute(20240103, 3, 19.5), Timeframe.OneMinute, [Intraday(PatternKind.PriceBreakdown)], null, output);
        Assert.Empty(output);
        combos.OnIntradayBar(Minute(20240103, 4, 20.5), Timeframe.OneMinute, [Intraday(PatternKind.PriceBreakout, 0.65)], null, output);
        Detection d = Assert.Single(output);
        Assert.Equal(PatternKind.ReversalConfirmed, d.Kind);
        Assert.Equal(Direction.Bullish, d.Direction);
        Assert.Equal(0.8, d.Confidence, 3);
    }

    [Fact]
    public void Bearish_reversal_is_confirmed_by_a_breakdown()
    {
        var combos = new ComboTracker();
        var output = new List<Detection>();
        var star = new Detection(PatternKind.EveningStar, Direction.Bearish, 0.7, Tier.Daily, Timeframe.Daily, 0, 0, 20, double.NaN);
        combos.OnDailyBar(Daily(20240102, 20), [star]);
        combos.OnIntradayBar(Minute(20240103, 4, 20.5), Timeframe.OneMinute, [Intraday(PatternKind.PriceBreakout)], null, output);
        Assert.Empty(output);
        combos.OnIntradayBar(Minute(20240103, 5, 19.5), Timeframe.OneMinute, [Intraday(PatternKind.PriceBreakdown)], null, output);
        Assert.Equal(Direction.Bearish, Assert.Single(output).Direction);
    }

    [Fact]
    public void Doji_is_not_a_reversal_set_up()
    {
        var combos = new ComboTracker();
        var doji = new Detection(PatternKind.Doji, Direction.Neutral, 0.7, Tier.Daily, Timeframe.Daily, 0, 0, 20, double.NaN);
        combos.OnDailyBar(Daily(20240102, 20), [doji]);
        Assert.Equal(0, combos.SetupCount);
    }

    [Fact]
    public void Support_bounce_needs_a_touch_then_a_5min_bullish_candle()
    {
        var combos = new ComboTracker();
        var output = new List<Detection>();
        combos.OnDailyBar(Daily(20240102, 31), [Daily(PatternKind.SupportTest, 30.0)]);
        // a 5-minute hammer before any touch: nothing
        combos.OnIntradayBar(Minute(20240103, 5, 31), Timeframe.FiveMinutes, [Intraday(PatternKind.Hammer, 0.7, Timeframe.FiveMinutes)], null, output);
        Assert.Empty(output);
        // 1-minute low within 0.5 % of 30 (30.15)
        combos.OnIntradayBar(Minute(20240103, 11, 30.5, low: 30.15), Timeframe.OneMinute, [], null, output);
        combos.OnIntradayBar(Minute(20240103, 15, 30.6), Timeframe.FiveMinutes, [Intraday(PatternKind.BullishEngulfing, 0.9, Timeframe.FiveMinutes)], null, output);
        Assert.Equal(PatternKind.SupportBounce, Assert.Single(output).Kind);
    }

    [Fact]
    public void Trend_continuation_needs_a_daily_uptrend_a_vwap_pullback_then_a_bullish_cross()
    {
        var combos = new ComboTracker();
        var output = new List<Detection>();
        // Build a real daily state in an up-trend.
        var daily = new DetectorEngine(new DetectorOptions { Patterns = [] });
        var scratch = new List<Detection>();
        Bar last = default;
        for (int i = 0; i < 80; i++)
        {
            last = Bar.Daily(new DateOnly(2023, 6, 1).AddDays(i), 50 + (i * 0.5), 51 + (i * 0.5), 49.5 + (i * 0.5), 50.5 + (i * 0.5), 1000);
            daily.OnBar(last, scratch);
        }

        last = last with { SessionDate = 20240102 };
        combos.OnDailyBar(last, [], daily.State);
        Assert.Equal(1, combos.SetupCount);

        var intraday = new DetectorEngine(new DetectorOptions { Timeframe = Timeframe.OneMinute, Patterns = [] });
        Bar m1 = Minute(20240103, 0, 90);
        intraday.OnBar(m1, scratch);
        // a cross before any pullback does not count
        combos.OnIntradayBar(m1, Timeframe.OneMinute, [Intraday(PatternKind.MACrossoverBullish)], intraday.State, output);
        Assert.Empty(output);
        Bar m2 = Minute(20240103, 1, 89.8, low: 89.0); // low under the session VWAP
        intraday.OnBar(m2, scratch);
        combos.OnIntradayBar(m2, Timeframe.OneMinute, [], intraday.State, output);
        Bar m3 = Minute(20240103, 2, 90.2);
        intraday.OnBar(m3, scratch);
        combos.OnIntradayBar(m3, Timeframe.OneMinute, [Intraday(PatternKind.MACrossoverBullish)], intraday.State, output);
        Assert.Equal(PatternKind.TrendContinuation, Assert.Single(output).Kind);
    }
}
