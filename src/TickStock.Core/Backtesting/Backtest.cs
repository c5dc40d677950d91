namespace TickStock.Core.Backtesting;

/// <summary>
/// A whole backtest in one call: signals per symbol from the live detector catalog (<see cref="SignalDetector"/>),
/// the account simulation (<see cref="AccountSimulation"/>) and the statistics (<see cref="BacktestReport"/>).
/// Pure: the same histories and request give the same result, bit for bit.
/// </summary>
public static class Backtest
{
    /// <summary>Runs <paramref name="request"/> over <paramref name="histories"/> (one per symbol).</summary>
    /// <exception cref="ArgumentException">The request is invalid (<see cref="BacktestRequest.Validate"/>) or a symbol is given twice.</exception>
    public static BacktestResult Run(IReadOnlyList<SymbolHistory> histories, BacktestRequest request)
    {
        ArgumentNullException.ThrowIfNull(histories);
        ArgumentNullException.ThrowIfNull(request);
        IReadOnlyList<string> errors = request.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", errors), nameof(request));
        }

        SymbolSignals[] signals = histories
            .Select(h => SignalDetector.Detect(h, request.Start, request.End, request.Patterns))
            .ToArray();
        SimulationOutcome outcome = AccountSimulation.Run(signals, request.Parameters);
        return BacktestReport.Build(signals, outcome, request.Parameters);
    }
}
