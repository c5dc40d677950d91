using TickStock.Core.Backtesting;
using Xunit;

namespace TickStock.Core.Tests.Backtesting;

public sealed class BacktestParametersTests
{
    [Fact]
    public void Defaults_are_the_contracts()
    {
        var p = new BacktestParameters();

        Assert.Equal((100_000.0, 0.001, 0.0005, 0.1, 0.05, 0.10, 20, true),
            (p.InitialCapital, p.CommissionRate, p.SlippageRate, p.MaxPositionSize, p.StopLossPct, p.TakeProfitPct, p.MaxHoldingBars, p.AllowShort));
        Assert.Empty(p.Validate());
    }

    [Theory]
    [InlineData("initial_capital", "50000")]
    [InlineData("commission_rate", "0")]
    [InlineData("slippage_rate", "0.001")]
    [InlineData("max_position_size", "0.25")]
    [InlineData("stop_loss_pct", "0.02")]
    [InlineData("take_profit_pct", "0.3")]
    [InlineData("max_holding_bars", "5")]
    [InlineData("allow_short", "false")]
    public void Each_wire_name_sets_its_parameter(string name, string value)
    {
        Assert.True(new BacktestParameters().TryWith(name, value, out BacktestParameters updated, out string? error), error);
        Assert.NotEqual(new BacktestParameters(), updated);
        Assert.Empty(updated.Validate());
    }

    [Theory]
    [InlineData("stop_loss", "0.1", "unknown parameter 'stop_loss'")]
    [InlineData("max_holding_bars", "2.5", "not a whole number")]
    [InlineData("allow_short", "maybe", "not true or false")]
    [InlineData("slippage_rate", "NaN", "not a number")]
    [InlineData("initial_capital", "1e5x", "not a number")]
    public void Unreadable_values_are_refused_with_the_reason(string name, string value, string reason)
    {
        Assert.False(new BacktestParameters().TryWith(name, value, out _, out string? error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Out_of_range_values_are_named()
    {
        var p = new BacktestParameters
        {
            InitialCapital = 0,
            CommissionRate = -0.01,
            SlippageRate = 0.5,
            MaxPositionSize = 1.5,
            StopLossPct = 1,
            TakeProfitPct = 0,
            MaxHoldingBars = 0,
        };

        Assert.Equal(
            ["initial_capital", "commission_rate", "slippage_rate", "max_position_size", "stop_loss_pct", "take_profit_pct", "max_holding_bars"],
            p.Validate().Select(e => e.Split(' ')[0]));
    }
}
