using System.Globalization;
using System.Text;
using TickStock.Core.Bars;
using TickStock.Core.Detectors;
using TickStock.Core.Detectors.Candles;
using Xunit;

namespace TickStock.Core.Tests.Golden;


/// <summary>The 12 candlesticks fire on exactly TA-Lib's bars with TA-Lib's sign (and value).</summary>
public sealed class CandlestickGoldenTests
{
    private static readonly (CandleFunction Function, string Column)[] Columns =
    [
        (CandleFunction.Doji, "doji"),
        (CandleFunction.Hammer, "hammer"),
        (CandleFunction.HangingMan, "hangingman"),
        (CandleFunction.ShootingStar, "shootingstar"),
        (CandleFunction.Engulfing, "engulfing"),
        (CandleFunction.Harami, "harami"),
        (CandleFunction.MorningStar, "morningstar"),
        (CandleFunction.EveningStar, "eveningstar"),
        (CandleFunction.ThreeWhiteSoldiers, "threewhitesoldiers"),
        (CandleFunction.ThreeBlackCrows, "threeblackcrows"),
        (CandleFunction.Piercing, "piercing"),
        (CandleFunction.DarkCloudCover, "darkcloudcover"),
    ];

    public static TheoryData<string> Files() => new(GoldenData.CandleFiles);

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_candle_function_matches_talib_bar_for_bar(string file)
    {
        IReadOnlyList<Bar> bars = GoldenData.LoadBars(file);
        Dictionary<string, double?[]> expected = GoldenData.LoadTable(file + ".cdl.csv");
        Assert.Equal(bars.Count, expected["i"].Length);

        var scanner = new CandlestickScanner();
        var mismatches = new StringBuilder();
        int mismatchCount = 0;
        var fires = new int[Columns.Length];
        for (int i = 0; i < bars.Count; i++)
        {
            scanner.OnBar(bars[i]);
            for (int k = 0; k < Columns.Length; k++)
            {
                int want = (int)(expected[Columns[k].Column][i] ?? 0);
                int got = scanner.Value(Columns[k].Function);
                if (got != 0)
                {
                    fires[k]++;
                    double confidence = scanner.Confidence(Columns[k].Function);
                    Assert.InRange(confidence, 0.5, 1.0);
                }

                if (got != want && ++mismatchCount <= 30)
                {
                    Bar b = bars[i];
                    mismatches.AppendLine(string.Create(CultureInfo.InvariantCulture,
                        $"{file} bar {i} {Columns[k].Column}: talib={want} ours={got} (o={b.Open} h={b.High} l={b.Low} c={b.Close})"));
                }
            }
        }

        Assert.True(mismatchCount == 0, $"{mismatchCount} mismatches:\n{mismatches}");
    }

    [Fact]
    public void Generated_series_make_every_function_fire_at_least_ten_times()
    {
        var counts = new int[Columns.Length];
        foreach (string file in new[] { "gen_templates", "gen_ties" })
        {
            Dictionary<string, double?[]> expected = GoldenData.LoadTable(file + ".cdl.csv");
            for (int k = 0; k < Columns.Length; k++)
            {
                counts[k] += expected[Columns[k].Column].Count(v => v is not null && v != 0);
            }
        }

        for (int k = 0; k < Columns.Length; k++)
        {
            Assert.True(counts[k] >= 10, $"{Columns[k].Column} fires {counts[k]} times");
        }
    }

    [Fact]
    public void Detections_carry_published_names_and_directions()
    {
        IReadOnlyList<Bar> bars = GoldenData.LoadBars("gen_templates");
        var scanner = new CandlestickScanner();
        var output = new List<Detection>();
        foreach (Bar bar in bars)
        {
            scanner.OnBar(bar, Timeframe.Daily, output);
        }

        Assert.Contains(output, d => d.Pattern == "Bullish_Engulfing" && d.Direction == Direction.Bullish);
        Assert.Contains(output, d => d.Pattern == "Bearish_Harami" && d.Direction == Direction.Bearish);
        Assert.Contains(output, d => d.Pattern == "Doji" && d.Direction == Direction.Neutral);
        Assert.All(output, d => Assert.InRange(d.Confidence, 0.5, 1.0));
        Assert.All(output, d => Assert.Equal(Tier.Daily, d.Tier));
    }
}
