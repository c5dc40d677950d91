using TickStock.Core.Backtesting;
using TickStock.Core.Bars;
using TickStock.Core.Detectors;
using Xunit;
using static TickStock.Core.Tests.Backtesting.Accounts;

namespace TickStock.Core.Tests.Backtesting;

/// <summary>
/// The rules of <c>spec/backtest.md</c>, one case each, with the expected figures worked by hand in the comments
/// (default costs: commission 0.001, slippage 0.0005, position 10 % of equity, stop 5 %, target 10 %).
/// </summary>
public sealed class AccountSimulationTests
{
    private static readonly BacktestParameters Defaults = new();

    [Fact]
    public void Long_reaching_its_target_inside_a_bar_exits_at_the_target_less_slippage()
    {
        // d1 open 100 → f = 100 × 1.0005 = 100.05; qty = floor(0.1 × 100000 / 100.05) = floor(99.95) = 99
        // notional 99 × 100.05 = 9904.95, commission 9.90495 → cash 100000 − 9914.85495 = 90085.14505
        // stop 100.05 × 0.95 = 95.0475, target 100.05 × 1.1 = 110.055
        // d1 close 104 → equity 90085.14505 + 99 × 104 = 100381.14505
        // d2 high 111 ≥ 110.055 → exit at 110.055 × 0.9995 = 109.9999725
        //   proceeds 99 × 109.9999725 = 10889.9972775, commission 10.8899972775 → back to cash 10879.1072802225
        //   pnl 10879.1072802225 − 9914.85495 = 964.2523302225; return / 9904.95 = 0.09735055
        var outcome = Run(Defaults, Symbol("AAA", [(100, 101, 99, 100), (100, 105, 99, 104), (106, 111, 105, 108)], Bull(0)));

        Trade trade = Assert.Single(outcome.Trades);
        Assert.Equal(TradeSide.Long, trade.Side);
        Assert.Equal(Day(1), trade.EntryDate);
        Assert.Equal(100.05, trade.EntryPrice, 9);
        Assert.Equal(99, trade.Quantity);
        Assert.Equal(Day(2), trade.ExitDate);
        Assert.Equal(109.9999725, trade.ExitPrice, 9);
        Assert.Equal(ExitReason.Target, trade.Reason);
        Assert.Equal(964.2523302225, trade.Pnl, 8);
        Assert.Equal(0.09735055, trade.Return, 9);
        Assert.Equal(2, trade.BarsHeld);
        Assert.Equal([100000, 100000, 100381.14505, 100964.2523302225], outcome.Equity, (a, b) => Math.Abs(a - b) < 1e-8);
        Assert.Equal([Day(0), Day(1), Day(2)], outcome.Dates);
    }

    [Fact]
    public void Long_gapping_below_its_stop_exits_at_the_open_not_at_the_stop()
    {
        // Entry as above (f 100.05, qty 99, stop 95.0475, cash 90085.14505). d2 opens at 90 ≤ stop → out at the open:
        // fill 90 × 0.9995 = 89.955; back to cash 99 × 89.955 × 0.999 = 8905.545 − 8.905545 = 8896.639455
        // → cash 90085.14505 + 8896.639455 = 98981.784505; pnl 8896.639455 − 9914.85495 = −1018.215495
        var outcome = Run(Defaults, Symbol("AAA", [(100, 101, 99, 100), (100, 101, 99, 100), (90, 92, 85, 91)], Bull(0)));

        Trade trade = Assert.Single(outcome.Trades);
        Assert.Equal(ExitReason.Stop, trade.Reason);
        Assert.Equal(89.955, trade.ExitPrice, 9);
        Assert.Equal(-1018.215495, trade.Pnl, 8);
        Assert.Equal(98981.784505, outcome.FinalEquity, 8);
    }

    [Fact]
    public void Long_gapping_above_its_target_exits_at_the_open()
    {
        // Target 110.055; d2 opens at 112 → fill 112 × 0.9995 = 111.944;
        // back to cash 99 × 111.944 × 0.999 = 11071.373544; pnl 11071.373544 − 9914.85495 = 1156.518594
        var outcome = Run(Defaults, Symbol("AAA", [(100, 101, 99, 100), (100, 101, 99, 100), (112, 113, 111, 112)], Bull(0)));

        Trade trade = Assert.Single(outcome.Trades);
        Assert.Equal(ExitReason.Target, trade.Reason);
        Assert.Equal(111.944, trade.ExitPrice, 9);
        Assert.Equal(1156.518594, trade.Pnl, 8);
    }

    [Fact]
    public void A_bar_reaching_both_stop_and_target_exits_at_the_stop()
    {
        // d2 ranges 94 … 111: low ≤ 95.0475 and high ≥ 110.055 → the stop: fill 95.0475 × 0.9995 = 94.99997625
        // back to cash 99 × 94.99997625 × 0.999 = 9395.592651…; pnl 9395.5926511 − 9914.85495 = −519.2622989
        var outcome = Run(Defaults, Symbol("AAA", [(100, 101, 99, 100), (100, 101, 99, 100), (100, 111, 94, 100)], Bull(0)));

        Trade trade = Assert.Single(outcome.Trades);
        Assert.Equal(ExitReason.Stop, trade.Reason);
        Assert.Equal(94.99997625, trade.ExitPrice, 9);
        Assert.Equal(-519.2622989, trade.Pnl, 6);
    }

    [Fact]
    public void The_entry_bar_itself_can_stop_out()
    {
        // Frictionless: d1 open 10 → qty floor(500 / 10) = 50, stop 9.5; d1 low 9.4 → out at 9.5 the same day, pnl −25.
        var outcome = Run(Frictionless, Symbol("AAA", [Flat(10), (10, 10.2, 9.4, 9.8), Flat(9.8)], Bull(0)));

        Trade trade = Assert.Single(outcome.Trades);
        Assert.Equal((Day(1), Day(1), 1, ExitReason.Stop), (trade.EntryDate, trade.ExitDate, trade.BarsHeld, trade.Reason));
        Assert.Equal(-25, trade.Pnl, 9);
    }

    [Fact]
    public void A_time_exit_counts_the_entry_bar()
    {
        // max_holding_bars 3: entered d1 (bar 1 of 3), held d2 (2), d3 (3) → out at d3's close 10.8.
        // Frictionless qty 50 → pnl 50 × 0.8 = 40. Equity: d0 1000, d1 500 + 50 × 10.2 = 1010, d2 1020, d3 1040, d4 1040.
        var outcome = Run(Frictionless with { MaxHoldingBars = 3 }, Symbol("AAA",
            [Flat(10), (10, 10.5, 9.8, 10.2), (10.2, 10.6, 10, 10.4), (10.4, 10.9, 10.3, 10.8), Flat(10)], Bull(0)));

        Trade trade = Assert.Single(outcome.Trades);
        Assert.Equal((Day(3), ExitReason.Time, 3), (trade.ExitDate, trade.Reason, trade.BarsHeld));
        Assert.Equal(10.8, trade.ExitPrice, 9);
        Assert.Equal(40, trade.Pnl, 9);
        Assert.Equal([1000, 1000, 1010, 1020, 1040, 1040], outcome.Equity, (a, b) => Math.Abs(a - b) < 1e-9);
    }

    [Fact]
    public void A_time_limit_reached_on_the_last_date_is_a_time_exit_not_an_end_exit()
    {
        var outcome = Run(Frictionless with { MaxHoldingBars = 2 }, Symbol("AAA", [Flat(10), Flat(10), Flat(10.5)], Bull(0)));

        Assert.Equal(ExitReason.Time, Assert.Single(outcome.Trades).Reason);
    }

    [Fact]
    public void A_short_is_marked_as_set_aside_notional_plus_its_gain_and_leaves_at_the_last_close()
    {
        // d1 open 100 → f = 100 × 0.9995 = 99.95; qty floor(10000 / 99.95) = 100; notional 9995, commission 9.995
        // cash 100000 − 10004.995 = 89995.005 (proceeds are not credited); stop 104.9475, target 89.955
        // d1 close 98 → equity 89995.005 + 9995 + (99.95 − 98) × 100 = 100185.005
        // d2 is the last date, range 96.5 … 99 touches neither → end exit at close 97: fill 97 × 1.0005 = 97.0485
        //   back to cash 9995 + (99.95 − 97.0485) × 100 − 9.70485 = 10275.44515 → cash 100270.45015
        //   pnl 10275.44515 − 10004.995 = 270.45015; return / 9995 = 0.0270585443
        var outcome = Run(Defaults, Symbol("AAA", [(100, 101, 99, 100), (100, 100.5, 97.5, 98), (98, 99, 96.5, 97)], Bear(0)));

        Trade trade = Assert.Single(outcome.Trades);
        Assert.Equal((TradeSide.Short, 100L, ExitReason.End, 2), (trade.Side, trade.Quantity, trade.Reason, trade.BarsHeld));
        Assert.Equal(99.95, trade.EntryPrice, 9);
        Assert.Equal(97.0485, trade.ExitPrice, 9);
        Assert.Equal(270.45015, trade.Pnl, 8);
        Assert.Equal(0.0270585443, trade.Return, 9);
        Assert.Equal([100000, 100000, 100185.005, 100270.45015], outcome.Equity, (a, b) => Math.Abs(a - b) < 1e-8);
    }

    [Fact]
    public void A_short_reaching_stop_and_target_in_one_bar_exits_at_the_stop_plus_slippage()
    {
        // Short as above (f 99.95, qty 100, stop 104.9475, target 89.955); d2 ranges 89 … 106 → the stop:
        // fill 104.9475 × 1.0005 = 104.99997375; back to cash 9995 + (99.95 − 104.99997375) × 100 − 10.499997375
        //   = 9479.502627625; pnl 9479.502627625 − 10004.995 = −525.492372375
        var outcome = Run(Defaults, Symbol("AAA", [(100, 101, 99, 100), (100, 100.5, 97.5, 98), (98, 106, 89, 97), Flat(97)], Bear(0)));

        Trade trade = Assert.Single(outcome.Trades);
        Assert.Equal((ExitReason.Stop, Day(2)), (trade.Reason, trade.ExitDate));
        Assert.Equal(104.99997375, trade.ExitPrice, 9);
        Assert.Equal(-525.492372375, trade.Pnl, 8);
    }

    [Fact]
    public void A_short_gapping_below_its_target_exits_at_the_open()
    {
        // Frictionless short: f 10, qty 50, target 9; d2 opens at 8.5 → out at 8.5, pnl 50 × 1.5 = 75.
        var outcome = Run(Frictionless, Symbol("AAA", [Flat(10), Flat(10), (8.5, 8.6, 8.4, 8.5)], Bear(0)));

        Trade trade = Assert.Single(outcome.Trades);
        Assert.Equal((ExitReason.Target, 8.5, 75.0), (trade.Reason, trade.ExitPrice, trade.Pnl));
    }

    [Fact]
    public void On_the_last_date_every_position_leaves_at_its_symbols_last_close()
    {
        // Frictionless. AAA enters d1 at 10 (qty 50); its last bar is d2 (close 10.8). BBB's signal on d1 enters d2 at 20,
        // sized from d1's closing equity 500 + 50 × 10 = 1000 → qty floor(500 / 20) = 25, cash 500 − 500 = 0 (exactly enough).
        // d2 equity 0 + 50 × 10.8 + 25 × 20.4 = 1050. d3 (BBB only) is the last date: AAA out at 10.8 (pnl 40, dated d2),
        // BBB out at 20.8 (pnl 25 × 0.8 = 20); equity 1060.
        var outcome = Run(Frictionless,
            Symbol("BBB", [Flat(20), Flat(20), (20, 20.5, 19.5, 20.4), (20.4, 21, 20.2, 20.8)], Bull(1)),
            Symbol("AAA", [Flat(10), Flat(10), (10, 10.9, 9.9, 10.8)], Bull(0)));

        Assert.Equal(2, outcome.Trades.Count);
        Trade a = outcome.Trades[0];
        Trade b = outcome.Trades[1];
        Assert.Equal(("AAA", ExitReason.End, Day(2), 2), (a.Symbol, a.Reason, a.ExitDate, a.BarsHeld));
        Assert.Equal(40, a.Pnl, 9);
        Assert.Equal(("BBB", ExitReason.End, Day(3), 25L, 2), (b.Symbol, b.Reason, b.ExitDate, b.Quantity, b.BarsHeld));
        Assert.Equal(20, b.Pnl, 9);
        Assert.Equal([1000, 1000, 1000, 1050, 1060], outcome.Equity, (x, y) => Math.Abs(x - y) < 1e-9);
    }

    [Fact]
    public void Size_comes_from_the_previous_closes_equity()
    {
        // max_position_size 0.4, target 100 % (out of the way). AAA enters d1 at 10: qty floor(400 / 10) = 40, cash 600. d1 close 12 → equity 600 + 480 = 1080.
        // BBB's d1 signal enters d2 at 10: target 0.4 × 1080 = 432 → qty 43 (not 40 from the initial capital,
        // nor 44 from d2's open of 13: 0.4 × (600 + 520) = 448).
        var outcome = Run(Frictionless with { MaxPositionSize = 0.4, TakeProfitPct = 1 },
            Symbol("AAA", [Flat(10), (10, 12, 10, 12), Flat(13)], Bull(0)),
            Symbol("BBB", [Flat(10), Flat(10), Flat(10)], Bull(1)));

        Assert.Equal(43, outcome.Trades.Single(t => t.Symbol == "BBB").Quantity);
    }

    [Fact]
    public void A_gap_exit_frees_the_symbol_for_that_mornings_entry()
    {
        // Held long (f 10, stop 9.5) gaps to 9 on d2 and is stopped at the open; the d1 signal then enters at the same open.
        var outcome = Run(Frictionless, Symbol("AAA", [Flat(10), Flat(10), Flat(9), Flat(9)], Bull(0), Bull(1, PatternKind.Hammer)));

        Assert.Equal(2, outcome.Trades.Count);
        Assert.Equal((ExitReason.Stop, Day(2)), (outcome.Trades[0].Reason, outcome.Trades[0].ExitDate));
        Assert.Equal((Day(2), 9.0), (outcome.Trades[1].EntryDate, outcome.Trades[1].EntryPrice));
        Assert.Equal(0, outcome.Skipped(SkipReason.PositionOpen));
    }

    [Fact]
    public void A_neutral_detection_is_a_signal_skipped_as_neutral()
    {
        var outcome = Run(Frictionless, Symbol("AAA", [Flat(10), Flat(10), Flat(10)], Neutral(0)));

        Assert.Empty(outcome.Trades);
        Assert.Equal(1, outcome.SignalCount);
        Assert.Equal(1, outcome.Skipped(SkipReason.Neutral));
    }

    [Fact]
    public void A_signal_on_a_symbol_with_an_open_position_is_skipped_even_one_opened_that_morning()
    {
        // Two signals on bar 0: the first opens, the second meets that position. The bar-1 signal meets it on d2.
        var outcome = Run(Frictionless, Symbol("AAA", [Flat(10), Flat(10), Flat(10), Flat(10)],
            Bull(0), Bull(0, PatternKind.Hammer), Bear(1)));

        Assert.Equal(PatternKind.BullishEngulfing, Assert.Single(outcome.Trades).Kind);
        Assert.Equal(2, outcome.Skipped(SkipReason.PositionOpen));
        Assert.Equal(3, outcome.SignalCount);
    }

    [Fact]
    public void A_bearish_signal_is_skipped_when_shorts_are_disabled()
    {
        var outcome = Run(Frictionless with { AllowShort = false }, Symbol("AAA", [Flat(10), Flat(10), Flat(10)], Bear(0)));

        Assert.Empty(outcome.Trades);
        Assert.Equal(1, outcome.Skipped(SkipReason.ShortDisabled));
    }

    [Fact]
    public void A_signal_that_buys_less_than_one_share_is_skipped_for_size()
    {
        // f = 20000 × 1.0005 = 20010; 10000 / 20010 = 0.49975 → qty 0.
        var outcome = Run(Defaults, Symbol("AAA", [Flat(20000), Flat(20000), Flat(20000)], Bull(0)));

        Assert.Empty(outcome.Trades);
        Assert.Equal(1, outcome.Skipped(SkipReason.Size));
    }

    [Fact]
    public void A_signal_whose_fill_and_commission_exceed_the_cash_is_skipped_for_cash()
    {
        // max_position_size 1: f 100.05, qty floor(100000 / 100.05) = 999; needs 999 × 100.05 × 1.001 = 100049.89995 > 100000.
        var outcome = Run(Defaults with { MaxPositionSize = 1 }, Symbol("AAA", [Flat(100), Flat(100), Flat(100)], Bull(0)));

        Assert.Empty(outcome.Trades);
        Assert.Equal(1, outcome.Skipped(SkipReason.Cash));
    }

    [Fact]
    public void Same_day_entries_go_in_ordinal_symbol_order_and_the_later_one_may_lack_cash()
    {
        // max_position_size 0.6: AAA (first by ordinal, though given second) takes 600 of 1000; BBB needs 600 > 400 left.
        var outcome = Run(Frictionless with { MaxPositionSize = 0.6 },
            Symbol("BBB", [Flat(10), Flat(10), Flat(10)], Bull(0)),
            Symbol("AAA", [Flat(10), Flat(10), Flat(10)], Bull(0)));

        Assert.Equal("AAA", Assert.Single(outcome.Trades).Symbol);
        Assert.Equal(1, outcome.Skipped(SkipReason.Cash));
    }

    [Fact]
    public void A_signal_on_the_symbols_last_bar_in_the_range_is_skipped_as_no_next_bar()
    {
        // AAA's last bar is d1 while the run goes on to d2 (BBB): its d1 signal has no bar to enter on.
        var outcome = Run(Frictionless,
            Symbol("AAA", [Flat(10), Flat(10)], Bull(1)),
            Symbol("BBB", [Flat(10), Flat(10), Flat(10)]));

        Assert.Empty(outcome.Trades);
        Assert.Equal(1, outcome.Skipped(SkipReason.NoNextBar));
    }

    [Fact]
    public void A_symbol_without_a_bar_on_a_date_keeps_its_position_and_its_last_close()
    {
        // AAA trades d0, d1, d3 (no d2); BBB every day. AAA's long (qty 50 at 10) is marked at d1's close 11 on d2.
        // Its held-bar count skips d2: with max_holding_bars 2 it leaves at d3's close (bar 2), not on d2.
        var outcome = Run(Frictionless with { MaxHoldingBars = 2, TakeProfitPct = 1 },
            new SymbolSignals("AAA", [
                Bar.Daily(Day(0), 10, 10, 10, 10, 1), Bar.Daily(Day(1), 10, 11, 10, 11, 1), Bar.Daily(Day(3), 11, 11, 10.5, 10.5, 1)],
                [Bull(0)]),
            Symbol("BBB", [Flat(5), Flat(5), Flat(5), Flat(5)]));

        // d2 equity: 500 + 50 × 11 = 1050; d3: AAA out at 10.5 → 1000 + 50 × 0.5 = 1025.
        Assert.Equal(1050, outcome.Equity[3], 9);
        Trade trade = Assert.Single(outcome.Trades);
        Assert.Equal((ExitReason.Time, Day(3), 2), (trade.Reason, trade.ExitDate, trade.BarsHeld));
        Assert.Equal(1025, outcome.FinalEquity, 9);
    }
}
