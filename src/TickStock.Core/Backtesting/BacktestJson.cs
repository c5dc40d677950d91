using System.Globalization;
using System.Text.Json;

namespace TickStock.Core.Backtesting;

/// <summary>
/// Writes a <see cref="BacktestResult"/> as contract §5's <c>results</c> object, with <c>spec/backtest.md</c>'s
/// additions. Properties are written in a fixed order, maps in a fixed (ordinal or spec) order, and numbers rounded
/// only here — prices and money to 4 decimals, fractions and ratios to 6 — so a result is byte-identical across runs.
/// </summary>
public static class BacktestJson
{
    /// <summary>Writes the <c>results</c> object; with <paramref name="includeTrades"/> also <c>trades</c> and the dated <c>equity</c> series.</summary>
    public static void WriteResults(Utf8JsonWriter json, BacktestResult result, bool includeTrades)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(result);
        SimulationOutcome outcome = result.Outcome;
        json.WriteStartObject();
        json.WriteNumber("win_rate", Fraction(result.WinRate));
        json.WriteNumber("roi", Fraction(result.Roi));
        json.WriteNumber("sharpe_ratio", Fraction(result.SharpeRatio));
        json.WriteNumber("max_drawdown", Fraction(result.MaxDrawdown));
        json.WriteNumber("total_trades", result.TotalTrades);
        json.WriteNumber("final_equity", Money(result.FinalEquity));
        json.WriteNumber("signals", outcome.SignalCount);
        json.WriteStartObject("skipped");
        foreach (SkipReason reason in BacktestNames.SkipReasons)
        {
            json.WriteNumber(BacktestNames.Of(reason), outcome.Skipped[(int)reason]);
        }

        json.WriteEndObject();
        json.WriteStartObject("per_pattern");
        foreach (PatternStatistics p in result.PerPattern)
        {
            WritePattern(json, p);
        }

        json.WriteEndObject();
        json.WriteStartObject("per_symbol");
        foreach (SymbolStatistics s in result.PerSymbol)
        {
            json.WriteStartObject(s.Symbol);
            json.WriteNumber("trades", s.Trades);
            json.WriteNumber("win_rate", Fraction(s.WinRate));
            json.WriteNumber("pnl", Money(s.Pnl));
            json.WriteEndObject();
        }

        json.WriteEndObject();
        if (includeTrades)
        {
            WriteTrades(json, outcome.Trades);
            WriteEquity(json, outcome);
        }

        json.WriteEndObject();
    }

    /// <summary>Writes the parameters object (all eight, wire names, in <see cref="BacktestParameters.Names"/> order).</summary>
    public static void WriteParameters(Utf8JsonWriter json, BacktestParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(parameters);
        json.WriteStartObject();
        json.WriteNumber("initial_capital", parameters.InitialCapital);
        json.WriteNumber("commission_rate", parameters.CommissionRate);
        json.WriteNumber("slippage_rate", parameters.SlippageRate);
        json.WriteNumber("max_position_size", parameters.MaxPositionSize);
        json.WriteNumber("stop_loss_pct", parameters.StopLossPct);
        json.WriteNumber("take_profit_pct", parameters.TakeProfitPct);
        json.WriteNumber("max_holding_bars", parameters.MaxHoldingBars);
        json.WriteBoolean("allow_short", parameters.AllowShort);
        json.WriteEndObject();
    }

    /// <summary>Prices and money: 4 decimals, half away from zero (and no negative zero).</summary>
    public static double Money(double value) => Round(value, 4);

    /// <summary>Fractions and ratios: 6 decimals, half away from zero (and no negative zero).</summary>
    public static double Fraction(double value) => Round(value, 6);

    /// <summary>A date as the contract writes it.</summary>
    public static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static double Round(double value, int decimals)
    {
        double rounded = Math.Round(value, decimals, MidpointRounding.AwayFromZero);
        return rounded == 0 ? 0 : rounded;
    }

    private static void WritePattern(Utf8JsonWriter json, PatternStatistics p)
    {
        json.WriteStartObject(p.Pattern);
        json.WriteNumber("signals", p.Signals);
        json.WriteNumber("trades", p.Trades);
        json.WriteNumber("win_rate", Fraction(p.WinRate));
        json.WriteNumber("avg_return", Fraction(p.AverageReturn));
        if (p.ProfitFactor is { } factor)
        {
            json.WriteNumber("profit_factor", Fraction(factor));
        }
        else
        {
            json.WriteNull("profit_factor");
        }

        json.WriteNumber("expectancy", Money(p.Expectancy));
        json.WriteNumber("avg_bars_held", Fraction(p.AverageBarsHeld));
        json.WriteStartObject("exits");
        foreach (ExitReason reason in BacktestNames.ExitReasons)
        {
            json.WriteNumber(BacktestNames.Of(reason), p.Exits[(int)reason]);
        }

        json.WriteEndObject();
        json.WriteStartObject("forward");
        foreach (ForwardReturn f in p.Forward)
        {
            json.WriteStartObject(f.Horizon.ToString(CultureInfo.InvariantCulture));
            WriteNullable(json, "mean", f.Mean);
            WriteNullable(json, "hit_rate", f.HitRate);
            json.WriteNumber("n", f.Count);
            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteBoolean("low_sample", p.LowSample);
        json.WriteEndObject();
    }

    private static void WriteNullable(Utf8JsonWriter json, string name, double? fraction)
    {
        if (fraction is { } value)
        {
            json.WriteNumber(name, Fraction(value));
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void WriteTrades(Utf8JsonWriter json, IReadOnlyList<Trade> trades)
    {
        json.WriteStartArray("trades");
        foreach (Trade t in trades)
        {
            json.WriteStartObject();
            json.WriteString("symbol", t.Symbol);
            json.WriteString("pattern", t.Pattern);
            json.WriteString("direction", BacktestNames.Of(t.Side));
            json.WriteString("entry_date", Date(t.EntryDate));
            json.WriteNumber("entry_price", Money(t.EntryPrice));
            json.WriteNumber("qty", t.Quantity);
            json.WriteString("exit_date", Date(t.ExitDate));
            json.WriteNumber("exit_price", Money(t.ExitPrice));
            json.WriteString("reason", BacktestNames.Of(t.Reason));
            json.WriteNumber("pnl", Money(t.Pnl));
            json.WriteNumber("return", Fraction(t.Return));
            json.WriteNumber("bars_held", t.BarsHeld);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void WriteEquity(Utf8JsonWriter json, SimulationOutcome outcome)
    {
        // The series' first value (initial capital) has no date of its own; it is the "start" entry.
        json.WriteStartArray("equity");
        for (int i = 0; i < outcome.Equity.Count; i++)
        {
            json.WriteStartObject();
            if (i == 0)
            {
                json.WriteNull("date");
            }
            else
            {
                json.WriteString("date", Date(outcome.Dates[i - 1]));
            }

            json.WriteNumber("equity", Money(outcome.Equity[i]));
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }
}
