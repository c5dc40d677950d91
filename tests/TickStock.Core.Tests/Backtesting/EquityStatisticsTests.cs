using TickStock.Core.Backtesting;
using Xunit;

namespace TickStock.Core.Tests.Backtesting;

/// <summary>Drawdown and Sharpe ratio formulas on short series worked by hand.</summary>
public sealed class EquityStatisticsTests
{
    [Fact]
    public void Max_drawdown_is_the_largest_fall_from_a_running_peak_as_a_fraction_of_that_peak()
    {
        // Peaks 120 then 130: falls 30 / 120 = 0.25 and 13 / 130 = 0.1 → 0.25 (not 40 / 130 from 130 to the earlier 90).
        Assert.Equal(0.25, EquityStatistics.MaxDrawdown([100, 120, 90, 130, 117]), 12);
        Assert.Equal(0, EquityStatistics.MaxDrawdown([100, 100, 101, 105]));
    }

    [Fact]
    public void Sharpe_is_mean_over_sample_std_of_daily_returns_times_root_252()
    {
        // returns 0.2, −0.25, 0.444444, −0.1: mean 0.0736111; squared deviations 0.015974, 0.104724, 0.137517, 0.030141
        // → sum 0.288357 / (4 − 1) = 0.096119, std 0.310030; 0.0736111 / 0.310030 × 15.874508 = 3.769115
        Assert.Equal(3.769115, EquityStatistics.SharpeRatio([100, 120, 90, 130, 117]), 6);
    }

    [Fact]
    public void Sharpe_is_zero_with_fewer_than_two_returns_or_no_variation()
    {
        Assert.Equal(0, EquityStatistics.SharpeRatio([100]));
        Assert.Equal(0, EquityStatistics.SharpeRatio([100, 110]));
        Assert.Equal(0, EquityStatistics.SharpeRatio([100, 100, 100, 100]));
    }
}
