namespace TickStock.Actors.Publishing;

/// <summary>
/// What the IntegrationLogger needs of integration_events. One implementation in production
/// (<see cref="IntegrationEventStore"/>); the seam lets a test report a WAL that never flushes, so the
/// rows a crash would lose can be taken away on purpose.
/// </summary>
public interface IIntegrationEventStore
{
    /// <summary>Inserts and commits the rows, waiting for the commit's WAL flush (durable on return).</summary>
    Task WriteAsync(IReadOnlyList<IntegrationRow> rows, CancellationToken ct = default);

    /// <summary>
    /// Inserts and commits the rows without waiting for the WAL flush: visible to every reader on
    /// return, durable once the server's flush position passes the returned commit point (INSERT- and
    /// COPY-sized batches alike). Null when there were no rows.
    /// </summary>
    Task<DeferredCommit?> WriteDeferredAsync(IReadOnlyList<IntegrationRow> rows, CancellationToken ct = default);

    /// <summary>The server's current WAL flush position.</summary>
    Task<WalPoint> FlushedAsync(CancellationToken ct = default);

    /// <summary>Inserts only the rows not already present; returns how many it inserted.</summary>
    Task<int> InsertMissingAsync(IReadOnlyList<IntegrationRow> rows, CancellationToken ct = default);
}
