using TickStock.Core.Detectors;

namespace TickStock.Core.Backtesting;

/// <summary>What to backtest: the date range, the patterns (empty = the daily catalog) and the parameters.</summary>
public sealed record BacktestRequest
{
    /// <summary>First date whose bars give signals and trade.</summary>
    public required DateOnly Start { get; init; }

    /// <summary>Last date of the range (inclusive): every position still open exits at its symbol's last close.</summary>
    public required DateOnly End { get; init; }

    /// <summary>The patterns whose detections are signals; empty = the whole daily catalog.</summary>
    public IReadOnlyList<PatternKind> Patterns { get; init; } = [];

    /// <summary>Account and exit rules.</summary>
    public BacktestParameters Parameters { get; init; } = new();

    /// <summary>The problems with this request, one sentence each; empty when it can run.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (End < Start)
        {
            errors.Add($"the range ends ({End:yyyy-MM-dd}) before it starts ({Start:yyyy-MM-dd})");
        }

        // Combo patterns are confirmed on intraday bars; a daily backtest can never see one.
        foreach (PatternKind kind in Patterns.Where(PatternCatalog.IsCombo).Distinct())
        {
            errors.Add($"{PatternCatalog.Name(kind)} is a combo pattern (confirmed on intraday bars): backtests run on daily bars");
        }

        errors.AddRange(Parameters.Validate());
        return errors;
    }
}

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
