using TickStock.Actors.MarketData;
using TickStock.Actors.Symbols;
using TickStock.Core.Bars;
using TickStock.Core.Detectors;
using TickStock.Core.Symbols;

namespace TickStock.Actors.Tests.MarketData;

/// <summary>The synthetic demo market: history, minute bars, and patterns of every tier soon after the start.</summary>
public class SyntheticFeedTests
{
    private static readonly string[] Symbols = ["AAA", "BBB", "CCC", "DDD", "EEE", "FFF", "GGG", "HHH", "III", "JJJ"];

    [Fact]
    public void History_is_300_daily_bars_per_symbol_ending_before_the_first_session()
    {
        var feed = new SyntheticFeed(Symbols, new DateOnly(2026, 3, 2));
        var history = feed.DailyHistory().ToList();
        Assert.Equal(Symbols, history.Select(h => h.Symbol));
        Assert.All(history, h =>
        {
            Assert.Equal(300, h.Bars.Count);
            Assert.True(h.Bars[^1].SessionDate < 20260302);
            Assert.All(h.Bars.Zip(h.Bars.Skip(1)), p => Assert.True(p.Second.SessionDate > p.First.SessionDate));
            Assert.All(h.Bars, b => Assert.True(b.Low <= Math.Min(b.Open, b.Close) && b.High >= Math.Max(b.Open, b.Close) && b.Volume > 0));
        });
    }

    [Fact]
    public void Minutes_advance_in_exchange_time_one_bar_per_symbol()
    {
        var feed = new SyntheticFeed(Symbols, new DateOnly(2026, 3, 2));
        var first = feed.Minutes().Take(Symbols.Length * 391).ToList();
        Assert.Equal(Symbols, first.Take(Symbols.Length).Select(m => m.Symbol));
        Assert.All(first.Take(Symbols.Length), m => Assert.Equal(0, m.Bar.MinuteOfSession));
        Assert.Equal(20260302, first[0].Bar.SessionDate);
        Assert.Equal(new DateTime(2026, 3, 2, 14, 30, 0, DateTimeKind.Utc), first[0].Bar.TimeUtc); // 09:30 EST
        var nextSession = first[^1].Bar; // the 391st minute is the next trading day's open
        Assert.Equal(20260303, nextSession.SessionDate);
        Assert.Equal(0, nextSession.MinuteOfSession);
    }

    [Fact]
    public void The_reference_index_is_streamed_first_in_history_and_every_minute_without_changing_the_other_walks()
    {
        var plain = new SyntheticFeed(Symbols, new DateOnly(2026, 3, 2));
        var withSpy = new SyntheticFeed(Symbols, new DateOnly(2026, 3, 2), referenceIndex: "spy");

        Assert.Equal(["SPY", .. Symbols], withSpy.Symbols);
        Assert.Equal("SPY", withSpy.DailyHistory().First().Symbol);
        var minutes = withSpy.Minutes().Take((Symbols.Length + 1) * 3).ToList();
        Assert.Equal(["SPY", "SPY", "SPY"], minutes.Where((_, i) => i % (Symbols.Length + 1) == 0).Select(m => m.Symbol));
        var expected = plain.Minutes().Take(Symbols.Length * 3).Select(m => (m.Symbol, m.Bar)).ToList();
        Assert.Equal(expected, minutes.Where(m => m.Symbol != "SPY").Select(m => (m.Symbol, m.Bar)));
        Assert.Equal(Symbols.Length, new SyntheticFeed(Symbols, new DateOnly(2026, 3, 2), referenceIndex: "CCC").Symbols.Count); // already streamed
    }

    [Fact]
    public void Every_tier_is_published_within_two_sessions()
    {
        var feed = new SyntheticFeed(Symbols, new DateOnly(2026, 3, 2));
        var states = Symbols.ToDictionary(s => s, s => new SymbolState(s));
        foreach (SymbolCommands.SeedDailyBars seed in feed.DailyHistory())
        {
            foreach (Bar bar in seed.Bars) states[seed.Symbol].SeedDaily(bar);
        }

        var output = new List<Publication>();
        foreach (SymbolCommands.MinuteBar m in feed.Minutes().Take(Symbols.Length * 781))
        {
            states[m.Symbol].OnMinuteBar(m.Bar, output);
        }

        var tiers = output.Select(p => p.Detection.Tier).ToHashSet();
        Assert.Contains(Tier.Intraday, tiers);
        Assert.Contains(Tier.Daily, tiers);
        Assert.Contains(Tier.Combo, tiers);
        Assert.Contains(output, p => p.Detection.Kind == PatternKind.VolumeSpike);
        Assert.Contains(output, p => p.Detection.Kind == PatternKind.HighOfDay);
    }

    [Fact]
    public void A_count_takes_the_first_symbols_of_the_universe_and_a_list_is_used_as_given()
    {
        string data = Path.Combine(TickStock.Testing.LocalServices.RepositoryRoot, "data");
        var fifty = MarketDataSourceSettings.ResolveSymbols("50", data);
        Assert.Equal(50, fifty.Count);
        Assert.Equal("MMM", fifty[0]);
        Assert.Equal(["AAPL", "MSFT"], MarketDataSourceSettings.ResolveSymbols(" aapl, MSFT ,aapl", data));
    }
}
