using System.Text;
using System.Text.Json;
using TickStock.Core.Backtesting;
using TickStock.Core.Detectors;
using Xunit;

namespace TickStock.Core.Tests.Backtesting;

/// <summary>Whole backtests over the real daily files in TestData: determinism and the accounting identities.</summary>
public sealed class BacktestRunTests
{
    private static readonly Lazy<SymbolHistory[]> Histories = new(() =>
    [
        SignalDetectorTests.Load("SPY.csv", "SPY"),
        SignalDetectorTests.Load("AAPL.csv", "AAPL"),
        SignalDetectorTests.Load("MSFT.csv", "MSFT"),
    ]);

    private static readonly BacktestRequest Request = new() { Start = new DateOnly(2011, 1, 1), End = new DateOnly(2013, 12, 31) };

    [Fact]
    public void The_same_inputs_give_byte_identical_json_whatever_the_order_of_the_symbols()
    {
        string first = Json(Backtest.Run(Histories.Value, Request));
        string again = Json(Backtest.Run(Histories.Value, Request));
        string reversed = Json(Backtest.Run(Histories.Value.Reverse().ToArray(), Request));

        Assert.Equal(first, again);
        Assert.Equal(first, reversed);
        Assert.Contains("\"trades\":[{", first, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_signal_is_a_trade_or_a_skip_and_the_cash_adds_up()
    {
        BacktestResult result = Backtest.Run(Histories.Value, Request);
        SimulationOutcome outcome = result.Outcome;
        IReadOnlyList<Trade> trades = outcome.Trades;

        Assert.True(trades.Count > 50, $"{trades.Count} trades");
        Assert.Equal(outcome.SignalCount, trades.Count + outcome.Skipped.Sum());
        Assert.Equal(outcome.SignalCount, result.PerPattern.Sum(p => p.Signals));
        Assert.True(outcome.Skipped[(int)SkipReason.PositionOpen] > 0);
        // Everything is closed on the last date, so the final equity is the capital plus every trade's pnl.
        double pnl = 0;
        foreach (Trade t in trades)
        {
            pnl += t.Pnl;
        }

        Assert.Equal(100_000 + pnl, result.FinalEquity, 6);
        Assert.Equal(outcome.Dates.Count + 1, outcome.Equity.Count);
        Assert.Equal(result.Roi, (result.FinalEquity / 100_000) - 1, 12);
    }

    [Fact]
    public void Each_trade_obeys_its_exit_rule()
    {
        var p = new BacktestParameters();
        BacktestResult result = Backtest.Run(Histories.Value, Request);

        foreach (Trade t in result.Outcome.Trades)
        {
            Assert.InRange(t.BarsHeld, 1, p.MaxHoldingBars);
            Assert.True(t.EntryDate <= t.ExitDate);
            Assert.InRange(t.EntryDate, Request.Start, Request.End);
            Assert.True(t.Quantity >= 1);
            double sign = t.Side == TradeSide.Long ? 1 : -1;
            switch (t.Reason)
            {
                case ExitReason.Time:
                    Assert.Equal(p.MaxHoldingBars, t.BarsHeld);
                    break;
                case ExitReason.Stop:
                    // at the stop (intrabar) or beyond it (a gap), both less slippage: never better than the stop
                    double stop = t.EntryPrice * (1 - (sign * p.StopLossPct)) * (1 - (sign * p.SlippageRate));
                    Assert.True(sign * (t.ExitPrice - stop) <= 1e-9, $"{t}");
                    Assert.True(t.Pnl < 0);
                    break;
                case ExitReason.Target:
                    double target = t.EntryPrice * (1 + (sign * p.TakeProfitPct)) * (1 - (sign * p.SlippageRate));
                    Assert.True(sign * (t.ExitPrice - target) >= -1e-9, $"{t}");
                    Assert.True(t.Pnl > 0);
                    break;
                case ExitReason.End:
                    Assert.Equal(Request.End, new DateOnly(2013, 12, 31));
                    Assert.True(t.ExitDate >= new DateOnly(2013, 12, 1));
                    break;
            }
        }

        // One position per symbol at a time: a symbol's trades never overlap.
        foreach (var bySymbol in result.Outcome.Trades.GroupBy(t => t.Symbol))
        {
            Trade[] ordered = bySymbol.OrderBy(t => t.EntryDate).ToArray();
            for (int i = 1; i < ordered.Length; i++)
            {
                Assert.True(ordered[i].EntryDate >= ordered[i - 1].ExitDate, $"{ordered[i - 1]} / {ordered[i]}");
            }
        }
    }

    [Fact]
    public void A_request_with_an_inverted_range_or_bad_parameters_is_refused()
    {
        var bad = Request with
        {
            End = new DateOnly(2010, 1, 1),
            Patterns = [PatternKind.BreakoutConfirmed],
            Parameters = new BacktestParameters { StopLossPct = 1.5 },
        };

        var error = Assert.Throws<ArgumentException>(() => Backtest.Run(Histories.Value, bad));
        Assert.Contains("ends (2010-01-01) before it starts", error.Message, StringComparison.Ordinal);
        Assert.Contains("Breakout_Confirmed is a combo pattern", error.Message, StringComparison.Ordinal);
        Assert.Contains("stop_loss_pct", error.Message, StringComparison.Ordinal);
    }

    private static string Json(BacktestResult result)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            BacktestJson.WriteResults(writer, result, includeTrades: true);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
