using TickStock.Core.Detectors;
using Xunit;

namespace TickStock.Core.Tests.Detectors;

/// <summary>
/// Candlestick confidences against the table of docs/patterns.md, on hand-built bars with the score worked out
/// by hand in each comment (start 0.6, add each bonus that holds, clamp to [0.5, 1], 3 decimals). The golden
/// tests prove which bars fire (TA-Lib); these prove what each one scores.
/// </summary>
public sealed class CandleConfidenceTests
{
    private static Detection LastBar(BarBuilder b, PatternKind kind) =>
        Assert.Single(BarBuilder.Run(b.Bars, BarBuilder.Only(kind))[^1], d => d.Kind == kind);

    /// <summary>Ten flat bars at 10 (range 1.00): the Doji limit is 0.1 × 1.00 = 0.10.</summary>
    private static BarBuilder TenFlat() => new BarBuilder().Flat(10, 10);

    /// <summary>15 identical white bars O 10, H 10.6, L 9.9, C 10.5: mean body 0.5, mean range 0.7.</summary>
    private static BarBuilder FifteenWhite() => new BarBuilder().Daily(10, 10.6, 9.9, 10.5, count: 15);

    [Fact]
    public void Doji_without_a_body_and_with_equal_shadows_scores_1()
    {
        // body 0 → + 0.25 × (1 − 0/0.10) = 0.25; shadows 0.3 and 0.3 → + 0.15 × (1 − 0/0.6) = 0.15; 0.6 + 0.4 = 1.0.
        Detection d = LastBar(TenFlat().Daily(10, 10.3, 9.7, 10), PatternKind.Doji);
        Assert.Equal(1.0, d.Confidence, 3);
        Assert.Equal(Direction.Neutral, d.Direction);
    }

    [Fact]
    public void Doji_with_a_small_body_and_uneven_shadows()
    {
        // O 10, C 10.04, H 10.5, L 9.7: body 0.04 → 0.25 × (1 − 0.04/0.10) = 0.15;
        // upper 0.46, lower 0.30 → 0.15 × (1 − 0.16/0.76) = 0.118421; 0.6 + 0.15 + 0.118421 = 0.868.
        Detection d = LastBar(TenFlat().Daily(10, 10.5, 9.7, 10.04), PatternKind.Doji);
        Assert.Equal(0.868, d.Confidence, 3);
    }

    [Fact]
    public void Hammer_with_every_bonus()
    {
        // O 9.9, H 10.02, L 9.4, C 10.0 (white), after bars with low 9.9: body 0.10, lower shadow 0.50, upper 0.02,
        // range 0.62. Lower ≥ 3 × body → + 0.15; upper 0.02 < 5 % × 0.62 = 0.031 → + 0.10; white → + 0.10: 0.95.
        Detection d = LastBar(FifteenWhite().Daily(9.9, 10.02, 9.4, 10.0), PatternKind.Hammer);
        Assert.Equal(0.95, d.Confidence, 3);
        Assert.Equal(Direction.Bullish, d.Direction);
    }

    [Fact]
    public void Black_hammer_with_a_visible_upper_shadow_gets_only_the_shadow_bonus()
    {
        // O 10.0, H 10.05, L 9.4, C 9.9 (black): body 0.10, lower 0.50 ≥ 0.30 → + 0.15; upper 0.05 is not under
        // 5 % × 0.65 = 0.0325 → 0; black → 0: 0.75.
        Detection d = LastBar(FifteenWhite().Daily(10.0, 10.05, 9.4, 9.9), PatternKind.Hammer);
        Assert.Equal(0.75, d.Confidence, 3);
    }

    [Fact]
    public void Bullish_engulfing_with_every_bonus()
    {
        // Previous: O 10, H 10.2, L 8.9, C 9 (black, body 1.0), volume 1000.
        // Current:  O 8.8, H 10.7, L 8.7, C 10.6 (white, body 1.8), volume 1500.
        // 1.8 ≥ 1.5 × 1.0 → + 0.15; body 8.8–10.6 covers 8.9–10.2 → + 0.10; volume rose → + 0.10;
        // opposite colours → + 0.05: 0.6 + 0.4 = 1.0.
        var b = new BarBuilder().Flat(10, 3).Daily(10, 10.2, 8.9, 9, 1000).Daily(8.8, 10.7, 8.7, 10.6, 1500);
        Detection d = LastBar(b, PatternKind.BullishEngulfing);
        Assert.Equal(1.0, d.Confidence, 3);
        Assert.Equal("Bullish_Engulfing", d.Pattern);
    }

    [Fact]
    public void Bullish_engulfing_matching_one_end_with_only_the_colour_bonus()
    {
        // Previous as above; current O 9 (= previous close), H 10.5, L 8.95, C 10.4, volume 900: body 1.4 < 1.5 → 0;
        // body bottom 9 is above the previous low 8.9 → 0; volume fell → 0; colours → + 0.05: 0.65.
        var b = new BarBuilder().Flat(10, 3).Daily(10, 10.2, 8.9, 9, 1000).Daily(9, 10.5, 8.95, 10.4, 900);
        Assert.Equal(0.65, LastBar(b, PatternKind.BullishEngulfing).Confidence, 3);
    }

    [Fact]
    public void Bearish_engulfing_with_a_long_body_on_equal_volume()
    {
        // Previous: O 9, H 10.2, L 8.9, C 10 (white, body 1.0). Current: O 10.1, H 10.15, L 8.4, C 8.45 (black,
        // body 1.65), same volume. 1.65 ≥ 1.5 → + 0.15; body top 10.1 is below the previous high 10.2 → 0;
        // volume not higher → 0; colours → + 0.05: 0.8.
        var b = new BarBuilder().Flat(10, 3).Daily(9, 10.2, 8.9, 10).Daily(10.1, 10.15, 8.4, 8.45);
        Detection d = LastBar(b, PatternKind.BearishEngulfing);
        Assert.Equal(0.8, d.Confidence, 3);
        Assert.Equal(Direction.Bearish, d.Direction);
    }

    [Fact]
    public void Piercing_line_scores_by_how_far_it_reaches_into_the_prior_body()
    {
        // After bodies of 0.5: long black O 11, H 11.1, L 9.9, C 10 (body 1.0), then white O 9.7, H 10.85, L 9.65,
        // C 10.8 with more volume. p = (10.8 − 10) / 1.0 = 0.8 → + 0.25 × (0.8 − 0.5) / 0.5 = 0.15; volume rose
        // → + 0.10; open 9.7 ≤ 0.99 × 9.9 = 9.801 → + 0.05: 0.6 + 0.3 = 0.9.
        var b = FifteenWhite().Daily(11, 11.1, 9.9, 10, 1000).Daily(9.7, 10.85, 9.65, 10.8, 1500);
        Detection d = LastBar(b, PatternKind.PiercingLine);
        Assert.Equal(0.9, d.Confidence, 3);
        Assert.Equal(Direction.Bullish, d.Direction);
    }
}
