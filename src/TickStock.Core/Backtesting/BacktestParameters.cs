using System.Globalization;

namespace TickStock.Core.Backtesting;

/// <summary>
/// The account and exit rules of a backtest (contract §5 <c>parameters</c>, plus <c>max_holding_bars</c> and
/// <c>allow_short</c> from <c>spec/backtest.md</c>). Every property has the contract's default.
/// </summary>
public sealed record BacktestParameters
{
    /// <summary>The wire names, in the order they are written.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "initial_capital", "commission_rate", "slippage_rate", "max_position_size", "stop_loss_pct", "take_profit_pct",
        "max_holding_bars", "allow_short",
    ];

    /// <summary>Starting cash (and the first day's <c>equity_prev</c>).</summary>
    public double InitialCapital { get; init; } = 100_000;

    /// <summary>Commission as a fraction of each fill's notional, charged on entry and on exit.</summary>
    public double CommissionRate { get; init; } = 0.001;

    /// <summary>Slippage as a fraction of the price, always against the position.</summary>
    public double SlippageRate { get; init; } = 0.0005;

    /// <summary>Target notional of one entry as a fraction of the previous close's equity.</summary>
    public double MaxPositionSize { get; init; } = 0.1;

    /// <summary>Stop distance from the entry fill, as a fraction.</summary>
    public double StopLossPct { get; init; } = 0.05;

    /// <summary>Target distance from the entry fill, as a fraction.</summary>
    public double TakeProfitPct { get; init; } = 0.10;

    /// <summary>A position held this many bars (the entry bar counts as 1) exits at that bar's close.</summary>
    public int MaxHoldingBars { get; init; } = 20;

    /// <summary>Whether bearish signals open shorts (else they are skipped as <c>short_disabled</c>).</summary>
    public bool AllowShort { get; init; } = true;

    /// <summary>
    /// The problems with these values, one sentence each naming the parameter; empty when the parameters are usable.
    /// The ranges keep the arithmetic meaningful (a stop of 100 % or more would put a long's stop at or below zero).
    /// </summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        void Check(bool ok, string message)
        {
            if (!ok)
            {
                errors.Add(message);
            }
        }

        Check(double.IsFinite(InitialCapital) && InitialCapital > 0 && InitialCapital <= 1e12, "initial_capital must be > 0 and ≤ 1e12");
        Check(CommissionRate is >= 0 and <= 0.1, "commission_rate must be in [0, 0.1]");
        Check(SlippageRate is >= 0 and <= 0.1, "slippage_rate must be in [0, 0.1]");
        Check(MaxPositionSize is > 0 and <= 1, "max_position_size must be in (0, 1]");
        Check(StopLossPct is > 0 and < 1, "stop_loss_pct must be in (0, 1)");
        Check(TakeProfitPct is > 0 and <= 10, "take_profit_pct must be in (0, 10]");
        Check(MaxHoldingBars is >= 1 and <= 10_000, "max_holding_bars must be in [1, 10000]");
        return errors;
    }

    /// <summary>
    /// Returns a copy with the parameter <paramref name="name"/> (a wire name) set from its text form
    /// (invariant-culture number; <c>true</c>/<c>false</c> for <c>allow_short</c>). The range is checked by
    /// <see cref="Validate"/>, not here.
    /// </summary>
    public bool TryWith(string name, string value, out BacktestParameters updated, out string? error)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        updated = this;
        error = null;
        string text = value.Trim();
        switch (name.Trim().ToLowerInvariant())
        {
            case "max_holding_bars":
                if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int bars))
                {
                    error = $"max_holding_bars: '{value}' is not a whole number";
                    return false;
                }

                updated = this with { MaxHoldingBars = bars };
                return true;
            case "allow_short":
                if (!bool.TryParse(text, out bool allow))
                {
                    error = $"allow_short: '{value}' is not true or false";
                    return false;
                }

                updated = this with { AllowShort = allow };
                return true;
        }

        if (!Names.Contains(name.Trim().ToLowerInvariant()))
        {
            error = $"unknown parameter '{name}' (known: {string.Join(", ", Names)})";
            return false;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double number) || !double.IsFinite(number))
        {
            error = $"{name}: '{value}' is not a number";
            return false;
        }

        updated = name.Trim().ToLowerInvariant() switch
        {
            "initial_capital" => this with { InitialCapital = number },
            "commission_rate" => this with { CommissionRate = number },
            "slippage_rate" => this with { SlippageRate = number },
            "max_position_size" => this with { MaxPositionSize = number },
            "stop_loss_pct" => this with { StopLossPct = number },
            _ => this with { TakeProfitPct = number },
        };
        return true;
    }
}
