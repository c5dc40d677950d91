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
