using Npgsql;
using NpgsqlTypes;
using TickStock.Actors.Persistence;

namespace TickStock.Actors.Publishing;

/// <summary>
/// Writes integration_events rows, each batch atomically (one statement). A small batch — the
/// usual case at live rates, where a batch is whatever arrived during one round trip — is one
/// prepared INSERT … SELECT FROM unnest(arrays): a single round trip, planned once per pooled
/// connection. A big batch is one binary COPY, which PostgreSQL ingests fastest but which costs a
/// second round trip (the server must answer the COPY command before rows flow). Used by the
/// IntegrationLogger actor and by one-shot CLI commands alike.
/// </summary>
public sealed class IntegrationEventStore(NpgsqlDataSource dataSource) : IIntegrationEventStore
{
    /// <summary>Largest batch written with the prepared INSERT; bigger ones use COPY.</summary>
    public const int MaxInsertBatch = 64;

    private const string Copy =
        "COPY integration_events (flow_id, \"timestamp\", event_type, source_system, checkpoint, channel, symbol, pattern_name, confidence, details) FROM STDIN (FORMAT BINARY)";

    private const string Columns = "flow_id, \"timestamp\", event_type, source_system, checkpoint, channel, symbol, pattern_name, confidence, details";

    private const string Unnest =
        "unnest($1::uuid[], $2::timestamptz[], $3::varchar[], $4::varchar[], $5::varchar[], $6::varchar[], $7::varchar[], $8::varchar[], $9::numeric[], $10::jsonb[]) " +
        "AS r(flow_id, ts, event_type, source_system, checkpoint, channel, symbol, pattern_name, confidence, details)";

    private const string Insert = "INSERT INTO integration_events (" + Columns + ") SELECT * FROM " + Unnest;

    /// <summary>
    /// The same INSERT in a transaction that does not wait for its WAL flush: set_config(…, true)
    /// lasts until this statement's implicit transaction commits, and is evaluated once (a
    /// one-row CTE joined to the rows).
    /// </summary>
    private const string DeferredInsert =
        "WITH no_flush_wait AS (SELECT set_config('synchronous_commit', 'off', true)) " +
        "INSERT INTO integration_events (" + Columns + ") SELECT r.* FROM " + Unnest + " CROSS JOIN no_flush_wait";

    private const string InsertMissing =
        "INSERT INTO integration_events (" + Columns + ") SELECT r.* FROM " + Unnest +
        " WHERE NOT EXISTS (SELECT 1 FROM integration_events e WHERE e.flow_id = r.flow_id AND e.checkpoint = r.checkpoint AND e.\"timestamp\" = r.ts)";

    /// <summary>Where the WAL is written to and flushed to, and which life of the server that is (positions are reused after a crash).</summary>
    private const string WalPositionQuery = "SELECT pg_current_wal_insert_lsn(), pg_current_wal_flush_lsn(), pg_postmaster_start_time()";

    /// <summary>synchronous_commit off until the surrounding transaction ends (the pooled session is untouched).</summary>
    private const string NoFlushWait = "SELECT set_config('synchronous_commit', 'off', true)";

    /// <summary>
    /// The batch's INSERT commits without waiting for its WAL flush (synchronous_commit off for this
    /// one transaction only: set_config(…, true) ends with it, so the pooled session is untouched).
    /// The error barrier after the INSERT ends its implicit transaction, so the WAL position read by
    /// the next statement — in the same round trip — is past the commit record. Batches bigger than
    /// <see cref="MaxInsertBatch"/> go through COPY in the same kind of transaction
    /// (<see cref="CopyDeferredAsync"/>).
    /// </summary>
    public async Task<DeferredCommit?> WriteDeferredAsync(IReadOnlyList<IntegrationRow> rows, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0) return null;
        if (rows.Count > MaxInsertBatch) return await CopyDeferredAsync(rows, ct).ConfigureAwait(false);

        await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection);
        var insert = new NpgsqlBatchCommand(DeferredInsert) { AppendErrorBarrier = true };
        AddRowParameters(insert.Parameters, rows);
        batch.BatchCommands.Add(insert);
        batch.BatchCommands.Add(new NpgsqlBatchCommand(WalPositionQuery));
        await batch.PrepareAsync(ct).ConfigureAwait(false);
        await using var reader = await batch.ExecuteReaderAsync(ct).ConfigureAwait(false);
        do
        {
            if (reader.FieldCount == 3 && await reader.ReadAsync(ct).ConfigureAwait(false)) return CommitPoint(reader);
        }
        while (await reader.NextResultAsync(ct).ConfigureAwait(false));

        throw new InvalidOperationException("PostgreSQL did not report its WAL position after the insert");
    }

    /// <summary>
    /// A COPY-sized batch committed without waiting for its WAL flush: the COPY runs in a transaction
    /// whose first statement turns synchronous_commit off for it alone (BEGIN travels with that
    /// statement), and the WAL position is read after the commit, so it is past the commit record.
    /// Two round trips more than an autocommitted COPY, against a flush wait per batch of 1–50 ms
    /// on a shared disk — a big batch forms only at throughput rates, where that wait was the cost.
    /// </summary>
    private async Task<DeferredCommit> CopyDeferredAsync(IReadOnlyList<IntegrationRow> rows, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using (var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false))
        {
            await using (var noFlushWait = new NpgsqlCommand(NoFlushWait, connection, transaction))
            {
                await noFlushWait.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            await CopyAsync(connection, rows, ct).ConfigureAwait(false);
            await transaction.CommitAsync(ct).ConfigureAwait(false);
        }

        await using var position = new NpgsqlCommand(WalPositionQuery, connection);
        await using var reader = await position.ExecuteReaderAsync(ct).ConfigureAwait(false);
        if (!await reader.ReadAsync(ct).ConfigureAwait(false)) throw new InvalidOperationException("PostgreSQL did not report its WAL position after the copy");
        return CommitPoint(reader);
    }

    /// <summary>A row of <see cref="WalPositionQuery"/> read right after a commit.</summary>
    private static DeferredCommit CommitPoint(NpgsqlDataReader reader)
    {
        var started = reader.GetFieldValue<DateTime>(2);
        return new DeferredCommit(
            new WalPoint(reader.GetFieldValue<NpgsqlLogSequenceNumber>(0), started),
            new WalPoint(reader.GetFieldValue<NpgsqlLogSequenceNumber>(1), started));
    }

    /// <summary>How far PostgreSQL has flushed its WAL (everything committed before it is durable).</summary>
    public async Task<WalPoint> FlushedAsync(CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand(WalPositionQuery);
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        if (!await reader.ReadAsync(ct).ConfigureAwait(false)) throw new InvalidOperationException("PostgreSQL did not report its WAL position");
        return new WalPoint(reader.GetFieldValue<NpgsqlLogSequenceNumber>(1), reader.GetFieldValue<DateTime>(2));
    }

    /// <summary>
    /// Inserts the rows not already present — same flow_id, checkpoint and timestamp (a row keeps its
    /// timestamp from creation, through the spill file, to every retry) — and returns how many were
    /// inserted. For rows that may or may not have survived: spilled after a write whose commit
    /// answer was lost, or committed but not yet flushed when PostgreSQL went away. Run by one
    /// writer at a time (the spill drain), so the existence check cannot race itself.
    /// </summary>
    public async Task<int> InsertMissingAsync(IReadOnlyList<IntegrationRow> rows, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0) return 0;
        await using var command = dataSource.CreateCommand(InsertMissing);
        AddRowParameters(command.Parameters, rows);
        return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    public async Task WriteAsync(IReadOnlyList<IntegrationRow> rows, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0) return;

        await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        if (rows.Count <= MaxInsertBatch)
        {
            await InsertAsync(connection, rows, ct).ConfigureAwait(false);
            return;
        }

        await CopyAsync(connection, rows, ct).ConfigureAwait(false);
    }

    /// <summary>The rows as one binary COPY on <paramref name="connection"/> (in its transaction, if one is open).</summary>
    private static Task CopyAsync(NpgsqlConnection connection, IReadOnlyList<IntegrationRow> rows, CancellationToken ct) =>
        PgCopyRowWriter.CopyAsync(connection, Copy, copy =>
        {
            foreach (var row in rows)
            {
                copy.StartRow(CopyFields);
                copy.Uuid(row.FlowId);
                copy.TimestampTz(row.Timestamp.UtcDateTime);
                copy.Text(row.EventType);
                copy.Text(IntegrationRow.SourceSystem);
                copy.Text(row.Checkpoint);
                copy.TextOrNull(row.Channel);
                copy.TextOrNull(row.Symbol);
                copy.TextOrNull(row.Pattern);
                copy.NumericOrNull(row.Confidence);
                copy.JsonbOrNull(row.Details);
            }
        }, ct);

    /// <summary>The columns of <see cref="Copy"/>.</summary>
    private const short CopyFields = 10;

    private static async Task InsertAsync(NpgsqlConnection connection, IReadOnlyList<IntegrationRow> rows, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(Insert, connection);
        AddRowParameters(command.Parameters, rows);
        // Prepared on each physical connection once; later calls on that connection reuse the
        // server-side statement without a round trip (Npgsql keeps it across pool rentals).
        await command.PrepareAsync(ct).ConfigureAwait(false);
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>The rows as ten column arrays, $1…$10 of <see cref="Unnest"/>.</summary>
    private static void AddRowParameters(NpgsqlParameterCollection parameters, IReadOnlyList<IntegrationRow> rows)
    {
        var n = rows.Count;
        var flowIds = new Guid[n];
        var timestamps = new DateTime[n];
        var eventTypes = new string[n];
        var sources = new string[n];
        var checkpoints = new string[n];
        var channels = new string?[n];
        var symbols = new string?[n];
        var patterns = new string?[n];
        var confidences = new decimal?[n];
        var details = new string?[n];
        for (var i = 0; i < n; i++)
        {
            var row = rows[i];
            flowIds[i] = row.FlowId;
            timestamps[i] = row.Timestamp.UtcDateTime;
            eventTypes[i] = row.EventType;
            sources[i] = IntegrationRow.SourceSystem;
            checkpoints[i] = row.Checkpoint;
            channels[i] = row.Channel;
            symbols[i] = row.Symbol;
            patterns[i] = row.Pattern;
            confidences[i] = row.Confidence;
            details[i] = row.Details;
        }

        parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = flowIds, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
        parameters.Add(new NpgsqlParameter<DateTime[]> { TypedValue = timestamps, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        parameters.Add(new NpgsqlParameter<string[]> { TypedValue = eventTypes, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Varchar });
        parameters.Add(new NpgsqlParameter<string[]> { TypedValue = sources, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Varchar });
        parameters.Add(new NpgsqlParameter<string[]> { TypedValue = checkpoints, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Varchar });
        parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = channels, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Varchar });
        parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = symbols, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Varchar });
        parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = patterns, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Varchar });
        parameters.Add(new NpgsqlParameter<decimal?[]> { TypedValue = confidences, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Numeric });
        parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = details, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
    }
}
