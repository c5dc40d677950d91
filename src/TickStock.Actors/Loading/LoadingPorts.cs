using TickStock.Core.Jobs;
using TickStock.Core.Universe;
using static TickStock.Actors.Loading.PolygonFetcherMessages;

namespace TickStock.Actors.Loading;

/// <summary>Where jobs and their per-symbol progress are kept so a restarted node resumes them (PostgreSQL: <see cref="JobStore"/>).</summary>
public interface IJobStore
{
    /// <summary>Records a new run of a job (a re-submitted job id starts over) with its symbols pending; returns when it started.</summary>
    Task<DateTimeOffset> StartJobAsync(string jobId, string jobType, string message, string? submittedAt, string? description,
        IReadOnlyList<string> pendingSymbols, IReadOnlyList<InvalidSymbol> invalidSymbols, CancellationToken ct);

    /// <summary>The outcome of one symbol.</summary>
    Task MarkSymbolAsync(string jobId, string symbol, string status, string? error, TableCounts rows, CancellationToken ct);

    /// <summary>Terminal state of a job.</summary>
    Task FinishJobAsync(string jobId, string status, string? errorMessage, bool cancelled, CancellationToken ct);

    /// <summary>Jobs left running by a node that stopped, with their symbols' progress.</summary>
    Task<IReadOnlyList<ResumableJob>> LoadRunningAsync(CancellationToken ct);
}

/// <summary>
/// Loads one symbol (provider → tables → progress row) and answers with a
/// <see cref="SymbolLoaded"/>, <see cref="SymbolFailed"/> or <see cref="SymbolInterrupted"/>;
/// never throws for a failure it can name (<see cref="SymbolLoader"/>).
/// </summary>
public interface ISymbolLoader
{
    Task<object> LoadAsync(FetchSymbol command, CancellationToken ct);
}
