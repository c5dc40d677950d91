using TickStock.Core.Bars;
using TickStock.Core.Detectors;
using TickStock.Core.Detectors.Candles;
using TickStock.Core.Tests.Golden;
using Xunit;

namespace TickStock.Core.Tests.Engine;


public sealed class DetectorEngineTests
{
    [Fact]
    public void Full_daily_catalog_reports_talib_candles_unchanged_and_scores_everything_in_range()
    {
        IReadOnlyList<Bar> bars = GoldenData.LoadBars("SPY");
        Dictionary<string, double?[]> golden = GoldenData.LoadTable("SPY.cdl.csv");
        int expectedCandles = golden.Where(c => c.Key != "i").Sum(c => c.Value.Count(v => v is not null && v != 0));

        var engine = new DetectorEngine();
        var output = new List<Detection>();
        foreach (Bar bar in bars)
        {
            engine.OnBar(bar, output);
        }

        Assert.Equal(expectedCandles, output.Count(d => PatternCatalog.IsCandlestick(d.Kind)));
        Assert.All(output, d => Assert.InRange(d.Confidence, 0.5, 1.0));
        Assert.All(output, d => Assert.Equal(Math.Round(d.Confidence, 3), d.Confidence));
        var kinds = output.Select(d => d.Kind).ToHashSet();
        foreach (PatternKind kind in new[]
                 {
                     PatternKind.VolumeSpike, PatternKind.DailyBreakout, PatternKind.WeeklyBreakout, PatternKind.ResistanceBreak,
                     PatternKind.SupportTest, PatternKind.GapUp, PatternKind.GapDown, PatternKind.MACrossoverBullish,
                     PatternKind.MACrossoverBearish, PatternKind.GoldenCross, PatternKind.DeathCross, PatternKind.RsiOverbought,
                     PatternKind.RsiOversold, PatternKind.BollingerBreakout, PatternKind.ClosedTop10, PatternKind.ClosedBottom10,
                 })
        {
            Assert.Contains(kind, kinds);
        }
    }

    [Fact]
    public void Hot_path_does_not_allocate()
    {
        IReadOnlyList<Bar> bars = GoldenData.LoadBars("gen_templates");
        var engine = new DetectorEngine();
        var output = new List<Detection>(100_000);
        // warm up (JIT, tiering) on the first half, measure the second
        int half = bars.Count / 2;
        for (int i = 0; i < half; i++)
        {
            engine.OnBar(bars[i], output);
        }

        Bar[] rest = bars.Skip(half).ToArray();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < rest.Length; i++)
        {
            engine.OnBar(rest[i], output);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated == 0, $"{allocated} bytes allocated over {rest.Length} bars");
        Assert.NotEmpty(output);
    }

    [Fact]
    public void Intraday_engine_reports_intraday_tier_and_patterns()
    {
        var engine = new DetectorEngine(new DetectorOptions { Timeframe = Timeframe.OneMinute });
        var output = new List<Detection>();
        double price = 100;
        for (int i = 0; i < 390; i++)
        {
            price += Math.Sin(i / 20.0) * 0.1;
            var bar = new Bar(i * 60_000L, price, price + 0.05, price - 0.05, price + 0.01, i == 200 ? 50_000 : 1000)
            {
                SessionDate = 20240102,
                MinuteOfSession = i,
            };
            engine.OnBar(bar, output);
        }

        Assert.All(output, d => Assert.Equal(Tier.Intraday, d.Tier));
        Assert.All(output, d => Assert.Equal(Timeframe.OneMinute, d.Timeframe));
        Assert.Contains(output, d => d.Kind == PatternKind.VolumeSpike && d.BarIndex == 200);
        Assert.Contains(output, d => d.Kind == PatternKind.HighOfDay);
        Assert.DoesNotContain(output, d => d.Kind == PatternKind.DailyBreakout);
    }

    [Fact]
    public void Pattern_filter_limits_the_output()
    {
        IReadOnlyList<Bar> bars = GoldenData.LoadBars("TSLA_2017-2018");
        var engine = new DetectorEngine(new DetectorOptions { Patterns = [PatternKind.BullishEngulfing] });
        var output = new List<Detection>();
        foreach (Bar bar in bars)
        {
            engine.OnBar(bar, output);
        }

        Assert.NotEmpty(output);
        Assert.All(output, d => Assert.Equal(PatternKind.BullishEngulfing, d.Kind));
    }

    [Theory]
    [InlineData("Engulfing", 2)]
    [InlineData("bullish_engulfing", 1)]
    [InlineData("DailyBO", 1)]
    [InlineData("MACrossover", 2)]
    [InlineData("Volume_Spike", 1)]
    [InlineData("PiercingLine", 1)]
    public void Catalog_resolves_names_and_groups(string name, int count)
    {
        Assert.True(PatternCatalog.TryResolve(name, out IReadOnlyList<PatternKind> kinds));
        Assert.Equal(count, kinds.Count);
    }

    [Fact]
    public void Published_names_follow_the_catalog()
    {
        Assert.Equal("Bearish_Engulfing", PatternCatalog.Name(PatternKind.BearishEngulfing));
        Assert.Equal("Closed_Top_10", PatternCatalog.Name(PatternKind.ClosedTop10));
        Assert.Equal("RSI_Oversold", PatternCatalog.Name(PatternKind.RsiOversold));
        Assert.Equal("WeeklyBO", PatternCatalog.Name(PatternKind.WeeklyBreakout));
        Assert.Equal("ThreeWhiteSoldiers", PatternCatalog.Name(PatternKind.ThreeWhiteSoldiers));
        Assert.Equal(14, PatternCatalog.Candlesticks.Count);
        Assert.All(PatternCatalog.All, k => Assert.InRange(PatternCatalog.Name(k).Length, 1, 50));
    }

    [Fact]
    public void Candle_lookbacks_match_talib()
    {
        var scanner = new CandlestickScanner();
        Assert.Equal(10, scanner.Lookback(CandleFunction.Doji));
        Assert.Equal(11, scanner.Lookback(CandleFunction.Hammer));
        Assert.Equal(2, scanner.Lookback(CandleFunction.Engulfing));
        Assert.Equal(12, scanner.Lookback(CandleFunction.MorningStar));
        Assert.Equal(13, scanner.Lookback(CandleFunction.ThreeBlackCrows));
    }
}
