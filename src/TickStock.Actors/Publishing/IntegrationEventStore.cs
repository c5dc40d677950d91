using Npgsql;
using NpgsqlTypes;

namespace TickStock.Actors.Publishing;

/// <summary>
/// Writes integration_events rows: one binary COPY per batch, so a batch commits atomically (COPY
/// is a single statement). Also the fastest for single rows here: an INSERT … unnest of arrays
/// measured slower at 2,000 events/s (p50 4.4–4.8 ms against 3.3–3.6 ms with COPY). Used by the IntegrationLogger actor and by
/// one-shot CLI commands alike.
/// </summary>
public sealed class IntegrationEventStore(NpgsqlDataSource dataSource)
{
    private const string Copy =
        "COPY integration_events (flow_id, \"timestamp\", event_type, source_system, checkpoint, channel, symbol, pattern_name, confidence, details) FROM STDIN (FORMAT BINARY)";

    public async Task WriteAsync(IReadOnlyList<IntegrationRow> rows, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0) return;

        await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var importer = await connection.BeginBinaryImportAsync(Copy, ct).ConfigureAwait(false);
        // Field writes are synchronous on purpose: they land in Npgsql's write buffer (64 KiB, see
        // PostgresDataSource) and only a full buffer touches the loopback socket. Measured ~40 %
        // faster than awaiting every field; callers run this on the thread pool, never an actor thread.
        foreach (var row in rows)
        {
            importer.StartRow();
            importer.Write(row.FlowId, NpgsqlDbType.Uuid);
            importer.Write(row.Timestamp.UtcDateTime, NpgsqlDbType.TimestampTz);
            importer.Write(row.EventType, NpgsqlDbType.Varchar);
            importer.Write(IntegrationRow.SourceSystem, NpgsqlDbType.Varchar);
            importer.Write(row.Checkpoint, NpgsqlDbType.Varchar);
            WriteNullable(importer, row.Channel, NpgsqlDbType.Varchar);
            WriteNullable(importer, row.Symbol, NpgsqlDbType.Varchar);
            WriteNullable(importer, row.Pattern, NpgsqlDbType.Varchar);
            if (row.Confidence is { } confidence) importer.Write(confidence, NpgsqlDbType.Numeric);
            else importer.WriteNull();
            WriteNullable(importer, row.Details, NpgsqlDbType.Jsonb);
        }

        await importer.CompleteAsync(ct).ConfigureAwait(false);
    }

    private static void WriteNullable(NpgsqlBinaryImporter importer, string? value, NpgsqlDbType type)
    {
        if (value is null) importer.WriteNull();
        else importer.Write(value, type);
    }
}
