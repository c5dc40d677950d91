using System.Text;
using System.Text.Json;
using TickStock.Core.Backtesting;
using TickStock.Core.Detectors;
using Xunit;
using static TickStock.Core.Tests.Backtesting.Accounts;

namespace TickStock.Core.Tests.Backtesting;

/// <summary>The statistics and their JSON, on a five-day account worked by hand.</summary>
public sealed class BacktestReportTests
{
    // Frictionless (1000 capital, 50 % positions, stop 5 %, target 10 %):
    //   d0 10 flat                 Bullish_Engulfing (bar 0)
    //   d1 10 / 10.5 / 9.9 / 10.4  long 50 @ 10 (stop 9.5, target 11); cash 500; equity 500 + 520 = 1020; Doji (bar 1)
    //   d2 10.4 / 11.2 / 10.3 / 11 high ≥ 11 → target: +50; cash 1050; equity 1050; Bearish_Engulfing (bar 2)
    //   d3 11 / 11.6 / 10.9 / 11.5 short floor(525 / 11) = 47 @ 11 (stop 11.55): high ≥ 11.55 → stop: (11 − 11.55) × 47 = −25.85;
    //                              equity 1024.15; Bullish_Engulfing (bar 3)
    //   d4 11.5 flat (last date)   long floor(512.075 / 11.5) = 44 @ 11.5 → end at 11.5: 0; equity 1024.15
    private static readonly SymbolSignals Aaa = Symbol("AAA",
        [Flat(10), (10, 10.5, 9.9, 10.4), (10.4, 11.2, 10.3, 11), (11, 11.6, 10.9, 11.5), Flat(11.5)],
        Bull(0), Neutral(1), Bear(2), Bull(3));

    private static BacktestResult Result()
    {
        SimulationOutcome outcome = AccountSimulation.Run([Aaa], Frictionless);
        return BacktestReport.Build([Aaa], outcome, Frictionless);
    }

    [Fact]
    public void Account_figures_follow_the_spec_formulas()
    {
        BacktestResult result = Result();

        Assert.Equal([50, -25.85, 0], result.Outcome.Trades.Select(t => t.Pnl), (a, b) => Math.Abs(a - b) < 1e-9);
        Assert.Equal(1.0 / 3, result.WinRate, 12); // the 0-pnl trade is not a win
        Assert.Equal(0.02415, result.Roi, 12); // 1024.15 / 1000 − 1
        Assert.Equal(25.85 / 1050, result.MaxDrawdown, 12); // peak 1050 → 1024.15
        // returns 0, 0.02, 0.0294118, −0.0246190, 0: mean 0.00495854, sample std 0.0209058 → × √252 = 3.765192
        Assert.Equal(3.765192, result.SharpeRatio, 6);
    }

    [Fact]
    public void Per_pattern_rows_count_signals_trades_exits_and_forward_returns()
    {
        BacktestResult result = Result();
        Assert.Equal(["Bearish_Engulfing", "Bullish_Engulfing", "Doji"], result.PerPattern.Select(p => p.Pattern));

        PatternStatistics bull = result.PerPattern[1];
        Assert.Equal((2, 2, 0.5), (bull.Signals, bull.Trades, bull.WinRate));
        Assert.Equal(0.05, bull.AverageReturn, 12); // (50 / 500 + 0 / 506) / 2
        Assert.Null(bull.ProfitFactor); // no losing trade
        Assert.Equal(25, bull.Expectancy, 12);
        Assert.Equal(1.5, bull.AverageBarsHeld, 12);
        Assert.Equal([0, 1, 0, 1], bull.Exits); // stop, target, time, end
        // h = 1: bar 0 → close[1] / open[1] − 1 = 10.4 / 10 − 1 = 0.04; bar 3 → 11.5 / 11.5 − 1 = 0 → mean 0.02, hits 1 of 2
        Assert.Equal((1, 2), (bull.Forward[0].Horizon, bull.Forward[0].Count));
        Assert.Equal(0.02, bull.Forward[0].Mean!.Value, 12);
        Assert.Equal(0.5, bull.Forward[0].HitRate);
        Assert.Equal(new ForwardReturn(5, 0, null, null), bull.Forward[1]); // bar 0 + 5 is past the range's 5 bars
        Assert.True(bull.LowSample);

        PatternStatistics bear = result.PerPattern[0];
        Assert.Equal(0, bear.ProfitFactor); // 0 profit / 25.85 loss
        Assert.Equal(-0.05, bear.AverageReturn, 12); // −25.85 / (47 × 11)
        Assert.Equal([1, 0, 0, 0], bear.Exits);
        // bearish: −(close[3] / open[3] − 1) = −(11.5 / 11 − 1) = −0.0454545
        Assert.Equal(-0.5 / 11, bear.Forward[0].Mean!.Value, 12);
        Assert.Equal(0, bear.Forward[0].HitRate);

        PatternStatistics doji = result.PerPattern[2];
        Assert.Equal((1, 0, 0.0, 0.0, (double?)null), (doji.Signals, doji.Trades, doji.WinRate, doji.Expectancy, doji.ProfitFactor));
        Assert.All(doji.Forward, f => Assert.Equal(0, f.Count)); // neutral signals have no forward return

        SymbolStatistics aaa = Assert.Single(result.PerSymbol);
        Assert.Equal(("AAA", 3), (aaa.Symbol, aaa.Trades));
        Assert.Equal(24.15, aaa.Pnl, 9);
    }

    [Fact]
    public void Forward_returns_use_the_next_open_and_skip_horizons_past_the_range()
    {
        // Gap_Up on bars 0 and 1 of 7; Gap_Down (bearish) on bar 0.
        //   h 1: bar 0 → close[1] / open[1] − 1 = 10.5 / 10 − 1 = 0.05; bar 1 → close[2] / open[2] − 1 = 10.29 / 10.5 − 1 = −0.02
        //   h 5: bar 0 → close[5] / open[1] − 1 = 11 / 10 − 1 = 0.1;    bar 1 → close[6] / open[2] − 1 = 12.6 / 10.5 − 1 = 0.2
        //   Gap_Down h 1: −0.05 (a miss); h 10, h 20: no signal has the bars.
        SymbolSignals s = Symbol("AAA",
            [Flat(10), (10, 10.5, 10, 10.5), (10.5, 10.5, 10.2, 10.29), Flat(10.3), Flat(10.6), Flat(11), Flat(12.6)],
            Bull(0, PatternKind.GapUp), new Signal(0, PatternKind.GapDown, Direction.Bearish), Bull(1, PatternKind.GapUp));
        BacktestResult result = BacktestReport.Build([s], AccountSimulation.Run([s], Frictionless), Frictionless);

        PatternStatistics up = result.PerPattern.Single(p => p.Pattern == "Gap_Up");
        Assert.Equal(0.015, up.Forward[0].Mean!.Value, 12);
        Assert.Equal(0.5, up.Forward[0].HitRate);
        Assert.Equal(0.15, up.Forward[1].Mean!.Value, 12);
        Assert.Equal((2, 1.0), (up.Forward[1].Count, up.Forward[1].HitRate!.Value));
        Assert.Equal(0, up.Forward[2].Count);
        PatternStatistics down = result.PerPattern.Single(p => p.Pattern == "Gap_Down");
        Assert.Equal(-0.05, down.Forward[0].Mean!.Value, 12);
        Assert.Equal(0, down.Forward[0].HitRate);
    }

    [Fact]
    public void Results_json_has_the_spec_shape_order_and_rounding()
    {
        string json = Write(Result(), includeTrades: false);

        // Written with ' for " to stay readable.
        const string Tail = "'5':{'mean':null,'hit_rate':null,'n':0},'10':{'mean':null,'hit_rate':null,'n':0},'20':{'mean':null,'hit_rate':null,'n':0}}";
        string expected = (
            "{'win_rate':0.333333,'roi':0.02415,'sharpe_ratio':3.765192,'max_drawdown':0.024619,'total_trades':3,'final_equity':1024.15,'signals':4,"
            + "'skipped':{'neutral':1,'position_open':0,'short_disabled':0,'size':0,'cash':0,'no_next_bar':0},'per_pattern':{"
            + "'Bearish_Engulfing':{'signals':1,'trades':1,'win_rate':0,'avg_return':-0.05,'profit_factor':0,'expectancy':-25.85,'avg_bars_held':1,"
            + "'exits':{'stop':1,'target':0,'time':0,'end':0},'forward':{'1':{'mean':-0.045455,'hit_rate':0,'n':1}," + Tail + ",'low_sample':true},"
            + "'Bullish_Engulfing':{'signals':2,'trades':2,'win_rate':0.5,'avg_return':0.05,'profit_factor':null,'expectancy':25,'avg_bars_held':1.5,"
            + "'exits':{'stop':0,'target':1,'time':0,'end':1},'forward':{'1':{'mean':0.02,'hit_rate':0.5,'n':2}," + Tail + ",'low_sample':true},"
            + "'Doji':{'signals':1,'trades':0,'win_rate':0,'avg_return':0,'profit_factor':null,'expectancy':0,'avg_bars_held':0,"
            + "'exits':{'stop':0,'target':0,'time':0,'end':0},'forward':{'1':{'mean':null,'hit_rate':null,'n':0}," + Tail + ",'low_sample':true}},"
            + "'per_symbol':{'AAA':{'trades':3,'win_rate':0.333333,'pnl':24.15}}}").Replace('\'', '"');
        Assert.Equal(expected, json);
    }

    [Fact]
    public void Trades_and_equity_carry_the_spec_field_names()
    {
        using JsonDocument doc = JsonDocument.Parse(Write(Result(), includeTrades: true));
        JsonElement trades = doc.RootElement.GetProperty("trades");

        Assert.Equal(3, trades.GetArrayLength());
        Assert.Equal(
            ["symbol", "pattern", "direction", "entry_date", "entry_price", "qty", "exit_date", "exit_price", "reason", "pnl", "return", "bars_held"],
            trades[0].EnumerateObject().Select(p => p.Name));
        JsonElement shortTrade = trades[1];
        Assert.Equal("short", shortTrade.GetProperty("direction").GetString());
        Assert.Equal("2024-01-05", shortTrade.GetProperty("entry_date").GetString());
        Assert.Equal(47, shortTrade.GetProperty("qty").GetInt64());
        Assert.Equal(11.55, shortTrade.GetProperty("exit_price").GetDouble());
        Assert.Equal("stop", shortTrade.GetProperty("reason").GetString());
        Assert.Equal(-25.85, shortTrade.GetProperty("pnl").GetDouble());
        Assert.Equal(-0.05, shortTrade.GetProperty("return").GetDouble());
        JsonElement equity = doc.RootElement.GetProperty("equity");
        Assert.Equal(6, equity.GetArrayLength()); // initial capital + 5 dates
        Assert.Equal(JsonValueKind.Null, equity[0].GetProperty("date").ValueKind);
        Assert.Equal(("2024-01-04", 1050.0), (equity[3].GetProperty("date").GetString(), equity[3].GetProperty("equity").GetDouble()));
    }

    [Fact]
    public void Money_rounds_to_4_decimals_and_fractions_to_6_half_away_from_zero()
    {
        Assert.Equal(1.2346, BacktestJson.Money(1.23455));
        Assert.Equal(-1.2346, BacktestJson.Money(-1.23455));
        Assert.Equal(0.123457, BacktestJson.Fraction(0.1234565));
        Assert.Equal("0", JsonSerializer.Serialize(BacktestJson.Money(-0.00001))); // no "-0"
    }

    private static string Write(BacktestResult result, bool includeTrades)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            BacktestJson.WriteResults(writer, result, includeTrades);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
