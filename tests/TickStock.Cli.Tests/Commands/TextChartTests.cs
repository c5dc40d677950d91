using TickStock.Cli.Commands;

namespace TickStock.Cli.Tests.Commands;

/// <summary>The text equity curve: scaling to eighth blocks and sampling long series.</summary>
public class TextChartTests
{
    [Fact]
    public void The_minimum_is_one_eighth_and_the_maximum_fills_the_height()
    {
        // Two rows = 16 eighths: 1 → 1, 2 → 1 + round(0.5 × 15) = 1 + 8 (half to even) = 9, 3 → 16.
        // Top row (eighths 9–16): 0, 1, 8 → " ▁█"; bottom row (1–8): 1, 8, 8 → "▁██".
        Assert.Equal([" ▁█", "▁██"], TextChart.Render([1, 2, 3], width: 10, height: 2));
    }

    [Fact]
    public void A_long_series_shows_the_last_value_of_each_columns_span()
    {
        // 10 values into 5 columns: indices 1, 3, 5, 7, 9 → values 0, 0, 9, 0, 9 → "▁▁█▁█" on one row.
        Assert.Equal(["▁▁█▁█"], TextChart.Render([5, 0, 5, 0, 5, 9, 5, 0, 5, 9], width: 5, height: 1));
    }

    [Fact]
    public void A_flat_series_is_one_eighth_high()
    {
        Assert.Equal(["", "▁▁▁"], TextChart.Render([7, 7, 7], width: 60, height: 2));
    }
}
