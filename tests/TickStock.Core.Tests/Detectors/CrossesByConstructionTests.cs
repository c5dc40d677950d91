using TickStock.Core.Bars;
using TickStock.Core.Detectors;
using Xunit;

namespace TickStock.Core.Tests.Detectors;

/// <summary>
/// Moving-average crosses, RSI thresholds and Bollinger breakouts on hand-built bars whose crossing bar is known
/// by construction, with the confidence worked out by hand from the formulas of docs/patterns.md. Nothing here
/// recomputes an indicator with the library's own code. Every bar's true range is 1.00 until the bar checked
/// (flat bars are ±0.50 around an unchanged close), so ATR(14) = 1 wherever a score uses it unclamped, and
/// volume is constant, so the relative-volume context (+0.10) never applies.
/// </summary>
public sealed class CrossesByConstructionTests
{
    private static List<(int Index, Detection Detection)> All(BarBuilder b, DetectorOptions options) =>
        BarBuilder.Run(b.Bars, options).SelectMany((list, i) => list.Select(d => (i, d))).ToList();

    [Fact]
    public void MACrossover_fires_on_the_bar_that_lifts_the_close_off_a_flat_line_and_on_the_bar_that_drops_it()
    {
        // Bars 0–39 close at 100: EMA(12) = EMA(26) = 100 exactly, fast − slow = 0.
        // Bar 40 closes at 101 (high 101, low 100: true range 1). fast = 100 + 2/13, slow = 100 + 2/27:
        // fast − slow = 2/13 − 2/27 = 28/351 = 0.0797721 > 0, from 0 → bullish on bar 40.
        // Bars 41–59 close at 101: both averages approach 101 from below, the fast one faster: fast − slow stays > 0.
        // Bar 60 closes at 90: the fast average falls 2/13 of the ~11 gap, the slow one 2/27 of it → fast − slow < 0.
        var b = new BarBuilder().Flat(100, 40).Daily(100, 101, 100, 101).Flat(101, 19).Daily(101, 101, 89.5, 90);
        var found = All(b, BarBuilder.Only(Timeframe.Daily, PatternKind.MACrossoverBullish, PatternKind.MACrossoverBearish));

        Assert.Equal([(40, PatternKind.MACrossoverBullish), (60, PatternKind.MACrossoverBearish)], found.Select(f => (f.Index, f.Detection.Kind)));

        // Bullish: 0.6 + 0.3 × min(1, |Δ(fast − slow)| / (0.25 × ATR)) = 0.6 + 0.3 × 0.0797721 / 0.25 = 0.6957 → 0.696.
        Assert.Equal(0.696, found[0].Detection.Confidence, 3);
        Assert.Equal("MACrossover_Bullish", found[0].Detection.Pattern);

        // Bearish: fast − slow goes from (25/27)^20 − (11/13)^20 = 0.179 to about −0.709, |Δ| ≈ 0.89, while
        // 0.25 × ATR ≤ 0.25 × (13 × 1 + 11.5) / 14 = 0.44: the ratio is past 1 → 0.6 + 0.3 = 0.9.
        Assert.Equal(0.9, found[1].Detection.Confidence, 3);
        Assert.Equal(Direction.Bearish, found[1].Detection.Direction);
    }

    [Fact]
    public void Golden_and_death_cross_fire_on_the_bars_where_sma50_passes_sma200_by_construction()
    {
        // Bars 0–199 at 100: SMA(50) = SMA(200) = 100. Bar 200 closes at 101 (true range 1):
        // SMA50 = 100 + 1/50 = 100.02, SMA200 = 100 + 1/200 = 100.005, difference 0 → 0.015 → golden cross.
        // Bars 201–220 at 101: after n bars at 101 the difference is n/50 − n/200 > 0 (0.315 at n = 21).
        // Bar 221 closes at x: SMA50 = (28·100 + 21·101 + x)/50, SMA200 = (178·100 + 21·101 + x)/200, so
        // SMA50 − SMA200 = (3x − 237)/200, negative for x < 79; x = 75 gives −0.06 → death cross.
        var b = new BarBuilder().Flat(100, 200).Daily(100, 101, 100, 101).Flat(101, 20).Daily(101, 101, 74.5, 75);
        var found = All(b, BarBuilder.Only(Timeframe.Daily, PatternKind.GoldenCross, PatternKind.DeathCross));

        Assert.Equal([(200, PatternKind.GoldenCross), (221, PatternKind.DeathCross)], found.Select(f => (f.Index, f.Detection.Kind)));

        // Golden: 0.6 + 0.3 × min(1, 0.015 / (0.05 × 1)) = 0.6 + 0.09 = 0.69.
        Assert.Equal(0.69, found[0].Detection.Confidence, 3);

        // Death: |Δ| = 0.315 + 0.06 = 0.375 against 0.05 × ATR ≤ 0.05 × (13 + 26.5) / 14 = 0.14 → capped, 0.9.
        Assert.Equal(0.9, found[1].Detection.Confidence, 3);
    }

    /// <summary>Bars 0–14: 100, 101, 100, … — seven +1 and seven −1 moves, so Wilder's first averages are 0.5 and 0.5 (RSI 50).</summary>
    private static BarBuilder SevenUpsSevenDowns()
    {
        var b = new BarBuilder();
        for (int i = 0; i <= 14; i++)
        {
            b.Flat(i % 2 == 0 ? 100 : 101, 1);
        }

        return b;
    }

    [Fact]
    public void RSI_crosses_70_and_then_30_on_the_bars_computed_by_hand()
    {
        // Bar 15: +10 → gain = (13 × 0.5 + 10)/14 = 16.5/14, loss = 6.5/14 → RSI = 100 × 16.5/23 = 71.739 (> 70).
        // Bar 16: −40 → gain = 13/14 × 16.5/14 = 214.5/196, loss = (13 × 6.5/14 + 40)/14 = 644.5/196
        //          → RSI = 100 × 214.5/859 = 24.971 (< 30).
        var b = SevenUpsSevenDowns().Flat(110, 1).Flat(70, 1);
        var found = All(b, BarBuilder.Only(Timeframe.Daily, PatternKind.RsiOverbought, PatternKind.RsiOversold));

        Assert.Equal([(15, PatternKind.RsiOverbought), (16, PatternKind.RsiOversold)], found.Select(f => (f.Index, f.Detection.Kind)));

        // 0.6 + 0.3 × min(1, points past the threshold / 10): 1.739 points → 0.652; 5.029 points → 0.751.
        Assert.Equal(0.652, found[0].Detection.Confidence, 3);
        Assert.Equal(0.751, found[1].Detection.Confidence, 3);
        Assert.Equal(70, found[0].Detection.Level);
        Assert.Equal(30, found[1].Detection.Level);
    }

    [Fact]
    public void RSI_just_under_70_does_not_fire()
    {
        // Bar 15: +8 → gain = 14.5/14, loss = 6.5/14 → RSI = 100 × 14.5/21 = 69.05: not above 70.
        var b = SevenUpsSevenDowns().Flat(108, 1);
        Assert.Empty(All(b, BarBuilder.Only(Timeframe.Daily, PatternKind.RsiOverbought, PatternKind.RsiOversold)));
    }

    /// <summary>20 closes alternating between <paramref name="first"/> and the other of 99/101: mean 100, σ = 1, bands 98–102.</summary>
    private static BarBuilder Alternating(double first)
    {
        var b = new BarBuilder();
        for (int i = 0; i < 20; i++)
        {
            b.Flat(i % 2 == 0 ? first : 200 - first, 1);
        }

        return b;
    }

    [Fact]
    public void Bollinger_breakout_up_fires_on_the_one_close_outside_the_band()
    {
        // Closes 99, 101, …, 101 (bars 0–19) stay inside 98–102. Bar 20 closes at 103.5; the window is then
        // 10 × 101, 9 × 99 and 103.5: mean = 2004.5/20 = 100.225, mean of squares = 200931.25/20 = 10046.5625,
        // σ² = 10046.5625 − 100.225² = 1.511875, σ = 1.2295833, upper = 100.225 + 2σ = 102.6841665.
        // The previous close 101 was under the previous upper band 102 → bullish on bar 20.
        var b = Alternating(99).Flat(103.5, 1);
        var found = All(b, BarBuilder.Only(PatternKind.BollingerBreakout));

        var (index, d) = Assert.Single(found);
        Assert.Equal(20, index);
        Assert.Equal(Direction.Bullish, d.Direction);
        Assert.Equal(102.6841665, d.Level, 1e-6);

        // 0.6 + 0.3 × min(1, (103.5 − 102.6841665) / 1.2295833) = 0.6 + 0.3 × 0.663504 = 0.79905 → 0.799.
        Assert.Equal(0.799, d.Confidence, 3);
    }

    [Fact]
    public void Bollinger_breakout_down_is_the_mirror_image()
    {
        // Mirror of the test above around 100: closes 101, 99, …, 99, then 96.5; lower band = 99.775 − 2σ = 97.3158335.
        var b = Alternating(101).Flat(96.5, 1);
        var (index, d) = Assert.Single(All(b, BarBuilder.Only(PatternKind.BollingerBreakout)));
        Assert.Equal(20, index);
        Assert.Equal(Direction.Bearish, d.Direction);
        Assert.Equal(97.3158335, d.Level, 1e-6);
        Assert.Equal(0.799, d.Confidence, 3);
    }

    [Fact]
    public void Bollinger_close_back_inside_or_on_the_band_is_silent()
    {
        // 102 equals the band before it and lies inside the widened band after it (σ grows, upper > 102).
        var b = Alternating(99).Flat(102, 1);
        Assert.Empty(All(b, BarBuilder.Only(PatternKind.BollingerBreakout)));
    }
}
