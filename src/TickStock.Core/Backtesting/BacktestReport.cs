using TickStock.Core.Detectors;

namespace TickStock.Core.Backtesting;

/// <summary>Computes the statistics of a <see cref="SimulationOutcome"/> (contract §5 <c>results</c>, <c>spec/backtest.md</c>).</summary>
public static class BacktestReport
{
    /// <summary>Builds the result from the symbols' signals and the account's outcome.</summary>
    public static BacktestResult Build(IReadOnlyList<SymbolSignals> symbols, SimulationOutcome outcome, BacktestParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(symbols);
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(parameters);
        IReadOnlyList<Trade> trades = outcome.Trades;
        return new BacktestResult(
            outcome,
            WinRate(trades),
            (outcome.FinalEquity / parameters.InitialCapital) - 1,
            EquityStatistics.SharpeRatio(outcome.Equity),
            EquityStatistics.MaxDrawdown(outcome.Equity),
            PerPattern(symbols, trades),
            PerSymbol(symbols, trades));
    }

    private static SymbolStatistics[] PerSymbol(IReadOnlyList<SymbolSignals> symbols, IReadOnlyList<Trade> trades)
    {
        var bySymbol = trades.GroupBy(t => t.Symbol, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
        return symbols.Select(s => s.Symbol).Order(StringComparer.Ordinal)
            .Select(symbol =>
            {
                Trade[] mine = bySymbol.GetValueOrDefault(symbol) ?? [];
                return new SymbolStatistics(symbol, mine.Length, WinRate(mine), Sum(mine.Select(t => t.Pnl)));
            })
            .ToArray();
    }

    private static double WinRate(IReadOnlyCollection<Trade> trades) =>
        trades.Count == 0 ? 0 : (double)trades.Count(t => t.IsWin) / trades.Count;

    // Summed in list order (not Enumerable.Sum, whose vectorised order may differ) so any reader can reproduce the bits.
    private static double Sum(IEnumerable<double> values)
    {
        double sum = 0;
        foreach (double v in values)
        {
            sum += v;
        }

        return sum;
    }

    private static PatternStatistics[] PerPattern(IReadOnlyList<SymbolSignals> symbols, IReadOnlyList<Trade> trades)
    {
        var byKind = new SignalTally[PatternCatalog.All.Count];
        foreach (SymbolSignals s in symbols.OrderBy(x => x.Symbol, StringComparer.Ordinal))
        {
            foreach (Signal signal in s.Signals)
            {
                (byKind[(int)signal.Kind] ??= new SignalTally()).Add(s, signal);
            }
        }

        var byKindTrades = trades.GroupBy(t => t.Kind).ToDictionary(g => g.Key, g => g.ToArray());
        var rows = new List<PatternStatistics>();
        foreach (PatternKind kind in PatternCatalog.All.Where(k => byKind[(int)k] is not null).OrderBy(PatternCatalog.Name, StringComparer.Ordinal))
        {
            SignalTally tally = byKind[(int)kind];
            Trade[] mine = byKindTrades.GetValueOrDefault(kind) ?? [];
            double grossProfit = Sum(mine.Where(t => t.Pnl > 0).Select(t => t.Pnl));
            double grossLoss = Sum(mine.Where(t => t.Pnl < 0).Select(t => t.Pnl));
            var exits = new int[BacktestNames.ExitReasons.Count];
            foreach (Trade t in mine)
            {
                exits[(int)t.Reason]++;
            }

            rows.Add(new PatternStatistics(
                PatternCatalog.Name(kind),
                tally.Signals,
                mine.Length,
                WinRate(mine),
                Mean(mine.Select(t => t.Return)),
                grossLoss < 0 ? grossProfit / -grossLoss : null,
                Mean(mine.Select(t => t.Pnl)),
                Mean(mine.Select(t => (double)t.BarsHeld)),
                exits,
                tally.Forward()));
        }

        return [.. rows];
    }

    private static double Mean(IEnumerable<double> values)
    {
        double sum = 0;
        int n = 0;
        foreach (double v in values)
        {
            sum += v;
            n++;
        }

        return n == 0 ? 0 : sum / n;
    }

    /// <summary>One pattern's signal count and forward-return sums, filled in one pass over the signals (symbols in ordinal order).</summary>
    private sealed class SignalTally
    {
        private readonly double[] _sum = new double[BacktestNames.ForwardHorizons.Count];
        private readonly int[] _hits = new int[BacktestNames.ForwardHorizons.Count];
        private readonly int[] _count = new int[BacktestNames.ForwardHorizons.Count];

        public int Signals { get; private set; }

        /// <summary>Counts the signal; for a non-neutral one on bar t adds <c>close[t+h] / open[t+1] − 1</c> (negated for bearish) where t+h is in range.</summary>
        public void Add(SymbolSignals s, Signal signal)
        {
            Signals++;
            if (signal.Direction == Direction.Neutral)
            {
                return;
            }

            int t = signal.BarIndex;
            for (int k = 0; k < _sum.Length; k++)
            {
                int h = BacktestNames.ForwardHorizons[k];
                if (t + h >= s.Bars.Count)
                {
                    break; // horizons ascend: the longer ones are out of range too
                }

                double r = (s.BarAt(t + h).Close / s.BarAt(t + 1).Open) - 1;
                if (signal.Direction == Direction.Bearish)
                {
                    r = -r;
                }

                _sum[k] += r;
                _count[k]++;
                if (r > 0)
                {
                    _hits[k]++;
                }
            }
        }

        public ForwardReturn[] Forward()
        {
            var rows = new ForwardReturn[_sum.Length];
            for (int k = 0; k < rows.Length; k++)
            {
                int n = _count[k];
                rows[k] = n == 0
                    ? new ForwardReturn(BacktestNames.ForwardHorizons[k], 0, null, null)
                    : new ForwardReturn(BacktestNames.ForwardHorizons[k], n, _sum[k] / n, (double)_hits[k] / n);
            }

            return rows;
        }
    }
}
