using TickStock.Core.Bars;
using TickStock.Core.Detectors;
using TickStock.Core.Symbols;

namespace TickStock.Actors.Tests.Symbols;

/// <summary>Relative strength against the reference index: the close store and SymbolState's publication context.</summary>
public class RelativeStrengthTests
{
    private static Publication Spike(List<Publication> output) =>
        Assert.Single(output, p => p.Detection.Kind == PatternKind.VolumeSpike && p.Detection.Timeframe == Timeframe.OneMinute);

    /// <summary>SPY 1-minute closes 100, 100.5, … for minutes 0..<paramref name="last"/>.</summary>
    private static void FeedRisingReferenceIndex(ReferenceIndexCloses referenceIndex, int last, int skip = -1)
    {
        for (int m = 0; m <= last; m++)
        {
            if (m != skip) referenceIndex.AddMinute(MinuteBars.At(m).TimeMs, 100 + (0.5 * m));
        }
    }

    [Fact]
    public void Closes_arriving_out_of_order_are_kept_sorted_and_found_as_of_a_time()
    {
        var closes = new ReferenceIndexCloses();
        closes.AddMinute(3 * 60_000, 103);
        closes.AddMinute(1 * 60_000, 101);
        closes.AddMinute(2 * 60_000, 102);
        closes.AddMinute(2 * 60_000, 102.5); // replaced
        closes.AddMinute(4 * 60_000, double.NaN); // ignored

        Assert.Equal(3, closes.MinuteCount);
        Assert.True(closes.TryMinuteAsOf((2 * 60_000) + 30_000, 60_000, out double asOf));
        Assert.Equal(102.5, asOf);
        Assert.True(closes.TryMinuteAsOf(4 * 60_000, 60_000, out double latest));
        Assert.Equal(103, latest);
        Assert.False(closes.TryMinuteAsOf(5 * 60_000, 60_000, out _)); // two minutes stale
        Assert.False(closes.TryMinuteAsOf(30_000, 60_000, out _)); // before the first
        Assert.Equal([new KeyedClose(2 * 60_000, 102.5), new KeyedClose(3 * 60_000, 103)], closes.MinutesAfter(60_000));
    }

    [Fact]
    public void Daily_closes_match_the_session_date_exactly_and_old_ones_are_dropped_past_capacity()
    {
        var closes = new ReferenceIndexCloses(minuteCapacity: 16, dailyCapacity: 10);
        for (int d = 1; d <= 40; d++) closes.AddDaily(20260100 + d, d);

        Assert.True(closes.TryDaily(20260140, out double last));
        Assert.Equal(40, last);
        Assert.False(closes.TryDaily(20260141, out _));
        Assert.False(closes.TryDaily(20260101, out _)); // dropped
        Assert.InRange(closes.DailyCount, 10, 26);
    }

    [Fact]
    public void Symbols_sharing_one_store_see_the_closes_the_reference_index_state_added_held_once()
    {
        var shared = new ReferenceIndexCloses();
        var referenceIndex = new SymbolState("SPY", referenceIndexCloses: shared);
        var symbol = new SymbolState("RSX", referenceIndexCloses: shared);
        var output = new List<Publication>();
        for (int m = 0; m <= 20; m++)
        {
            referenceIndex.OnMinuteBar(MinuteBars.At(m, close: 100 + (0.5 * m)), output);
        }

        Assert.Same(shared, symbol.ReferenceIndexCloses);
        Assert.Equal(21, shared.MinuteCount);
        output.Clear();
        foreach (Bar bar in MinuteBars.QuietThenSpike()) symbol.OnMinuteBar(bar, output);

        Assert.Equal(1 / (110.0 / 100.0), Spike(output).RelativeStrength, 9);
    }

    [Fact]
    public async Task Concurrent_writers_and_readers_of_one_store_keep_it_sorted_and_complete()
    {
        var closes = new ReferenceIndexCloses(minuteCapacity: 4096);
        // Four writers add the same 2,000 minutes in different orders (the node's feed and the reference index's own
        // actor may both write a close), a fifth thread reads meanwhile (as the node's SymbolActors do).
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(() =>
        {
            for (int i = 0; i < 2000; i++)
            {
                int m = w % 2 == 0 ? i : 1999 - i;
                closes.AddMinute(m * 60_000L, 100 + m);
            }
        }));
        var reader = Task.Run(() =>
        {
            for (int i = 0; i < 2000; i++)
            {
                if (closes.TryMinuteAsOf(i * 60_000L, 0, out double close))
                {
                    Assert.Equal(100 + i, close);
                }
            }
        });
        await Task.WhenAll(writers.Append(reader)).WaitAsync(TimeSpan.FromSeconds(30));

        List<KeyedClose> all = closes.MinutesAfter(long.MinValue);
        Assert.Equal(Enumerable.Range(0, 2000).Select(m => new KeyedClose(m * 60_000L, 100 + m)), all);
    }

    [Fact]
    public void A_publication_carries_relative_strength_against_the_reference_index_closes_of_the_same_minutes()
    {
        var state = new SymbolState("RSX");
        FeedRisingReferenceIndex(state.ReferenceIndexCloses, 20);
        var output = new List<Publication>();
        foreach (Bar bar in MinuteBars.QuietThenSpike()) state.OnMinuteBar(bar, output); // flat at 100.5

        Publication spike = Spike(output);
        Assert.Equal(1 / (110.0 / 100.0), spike.RelativeStrength, 9);
        Assert.Equal(0.909, spike.Indicators()["relative_strength"]);
    }

    [Fact]
    public void A_reference_index_minute_not_there_yet_uses_the_latest_earlier_one()
    {
        var state = new SymbolState("RSX");
        FeedRisingReferenceIndex(state.ReferenceIndexCloses, 19); // minute 20 of SPY not yet received
        var output = new List<Publication>();
        foreach (Bar bar in MinuteBars.QuietThenSpike()) state.OnMinuteBar(bar, output);

        Assert.Equal(1 / (109.5 / 100.0), Spike(output).RelativeStrength, 9);
    }

    [Fact]
    public void Without_reference_index_closes_or_with_stale_ones_there_is_no_relative_strength()
    {
        var none = new SymbolState("RSX");
        var stale = new SymbolState("RSX2", new SymbolStateOptions { ReferenceIndexMaxAge = TimeSpan.FromMinutes(5) });
        FeedRisingReferenceIndex(stale.ReferenceIndexCloses, 10); // last SPY close 10 minutes before the spike
        var outNone = new List<Publication>();
        var outStale = new List<Publication>();
        foreach (Bar bar in MinuteBars.QuietThenSpike())
        {
            none.OnMinuteBar(bar, outNone);
            stale.OnMinuteBar(bar, outStale);
        }

        Assert.True(double.IsNaN(Spike(outNone).RelativeStrength));
        Assert.DoesNotContain("relative_strength", Spike(outNone).Indicators().Keys);
        Assert.True(double.IsNaN(Spike(outStale).RelativeStrength));
        Assert.Contains("relative_volume", Spike(outStale).Indicators().Keys);
    }

    [Fact]
    public void Daily_publications_use_the_reference_index_daily_closes_of_the_same_dates()
    {
        var state = new SymbolState("RSX");
        var start = new DateOnly(2026, 1, 1);
        for (int i = 0; i < 40; i++)
        {
            Bar day = Bar.Daily(start.AddDays(i), 50, 51, 49, 50 + (i % 2), 1e6);
            state.ReferenceIndexCloses.AddDaily(day.SessionDate, 200 + i);
            if (i < 39) state.SeedDaily(day);
        }

        var output = new List<Publication>();
        Bar spikeDay = Bar.Daily(start.AddDays(39), 50, 60, 49, 59, 8e6);
        Assert.True(state.OnDailyBar(spikeDay, output));

        Publication daily = Assert.Single(output, p => p.Detection.Kind == PatternKind.VolumeSpike);
        double symbolClose20Ago = 50 + (19 % 2);
        Assert.Equal(59 / symbolClose20Ago / ((200.0 + 39) / (200 + 19)), daily.RelativeStrength, 9);
    }

    [Fact]
    public void The_reference_index_records_its_own_closes_to_share_and_has_no_relative_strength_itself()
    {
        var spy = new SymbolState("spy");
        var output = new List<Publication>();
        foreach (Bar bar in MinuteBars.QuietThenSpike()) spy.OnMinuteBar(bar, output);

        Assert.True(spy.IsReferenceIndex);
        Assert.Equal(21, spy.ReferenceIndexCloses.MinuteCount);
        Assert.True(double.IsNaN(Spike(output).RelativeStrength));
        Assert.False(new SymbolState("RSX").IsReferenceIndex);
        Assert.False(new SymbolState("SPY", new SymbolStateOptions { ReferenceIndex = null }).IsReferenceIndex);
    }
}
