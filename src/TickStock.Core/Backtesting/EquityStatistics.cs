namespace TickStock.Core.Backtesting;

/// <summary>The account-level figures computed from the equity series (<c>spec/backtest.md</c>, Results).</summary>
public static class EquityStatistics
{
    /// <summary>Trading days in a year: the Sharpe ratio's annualisation is √252.</summary>
    public const int TradingDaysPerYear = 252;

    /// <summary>The largest fall from a running peak, as a fraction of that peak (0 for a series that never falls).</summary>
    public static double MaxDrawdown(IReadOnlyList<double> equity)
    {
        ArgumentNullException.ThrowIfNull(equity);
        double peak = double.NegativeInfinity;
        double worst = 0;
        foreach (double value in equity)
        {
            peak = Math.Max(peak, value);
            if (peak > 0)
            {
                worst = Math.Max(worst, (peak - value) / peak);
            }
        }

        return worst;
    }

    /// <summary>
    /// Mean over sample standard deviation (n − 1) of the day-to-day returns <c>e[i] / e[i−1] − 1</c>, times √252;
    /// 0 with fewer than two returns or a standard deviation of 0.
    /// </summary>
    public static double SharpeRatio(IReadOnlyList<double> equity)
    {
        ArgumentNullException.ThrowIfNull(equity);
        int n = equity.Count - 1;
        if (n < 2)
        {
            return 0;
        }

        double sum = 0;
        for (int i = 1; i <= n; i++)
        {
            sum += (equity[i] / equity[i - 1]) - 1;
        }

        double mean = sum / n;
        double squares = 0;
        for (int i = 1; i <= n; i++)
        {
            double deviation = (equity[i] / equity[i - 1]) - 1 - mean;
            squares += deviation * deviation;
        }

        double std = Math.Sqrt(squares / (n - 1));
        return std == 0 || !double.IsFinite(std) ? 0 : mean / std * Math.Sqrt(TradingDaysPerYear);
    }
}
