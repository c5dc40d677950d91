using Npgsql;
using NpgsqlTypes;

namespace TickStock.Actors.Publishing;

/// <summary>
/// Writes integration_events rows: one binary COPY per batch, so a batch is one round trip and
/// commits atomically (COPY is a single statement). Used by the IntegrationLogger actor and by
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
        foreach (var row in rows)
        {
            await importer.StartRowAsync(ct).ConfigureAwait(false);
            await importer.WriteAsync(row.FlowId, NpgsqlDbType.Uuid, ct).ConfigureAwait(false);
            await importer.WriteAsync(row.Timestamp.UtcDateTime, NpgsqlDbType.TimestampTz, ct).ConfigureAwait(false);
            await importer.WriteAsync(row.EventType, NpgsqlDbType.Varchar, ct).ConfigureAwait(false);
            await importer.WriteAsync(IntegrationRow.SourceSystem, NpgsqlDbType.Varchar, ct).ConfigureAwait(false);
            await importer.WriteAsync(row.Checkpoint, NpgsqlDbType.Varchar, ct).ConfigureAwait(false);
            await WriteNullableAsync(importer, row.Channel, NpgsqlDbType.Varchar, ct).ConfigureAwait(false);
            await WriteNullableAsync(importer, row.Symbol, NpgsqlDbType.Varchar, ct).ConfigureAwait(false);
            await WriteNullableAsync(importer, row.Pattern, NpgsqlDbType.Varchar, ct).ConfigureAwait(false);
            if (row.Confidence is { } confidence) await importer.WriteAsync(confidence, NpgsqlDbType.Numeric, ct).ConfigureAwait(false);
            else await importer.WriteNullAsync(ct).ConfigureAwait(false);
            await WriteNullableAsync(importer, row.Details, NpgsqlDbType.Jsonb, ct).ConfigureAwait(false);
        }

        await importer.CompleteAsync(ct).ConfigureAwait(false);
    }

    private static Task WriteNullableAsync(NpgsqlBinaryImporter importer, string? value, NpgsqlDbType type, CancellationToken ct) =>
        value is null ? importer.WriteNullAsync(ct) : importer.WriteAsync(value, type, ct);
}
