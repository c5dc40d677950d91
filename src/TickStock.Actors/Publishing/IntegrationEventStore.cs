using Npgsql;
using NpgsqlTypes;

namespace TickStock.Actors.Publishing;

/// <summary>
/// Writes integration_events rows, one statement per batch so a batch commits atomically: an
/// INSERT … unnest for small batches (one round trip), a binary COPY for large ones (fastest per row). Used by the IntegrationLogger actor and by
/// one-shot CLI commands alike.
/// </summary>
public sealed class IntegrationEventStore(NpgsqlDataSource dataSource)
{
    private const string Copy =
        "COPY integration_events (flow_id, \"timestamp\", event_type, source_system, checkpoint, channel, symbol, pattern_name, confidence, details) FROM STDIN (FORMAT BINARY)";

    // One statement, one round trip: COPY needs several (COPY, data, done), which costs more than
    // the rows themselves for the small batches of a lightly loaded pipeline.
    private const string Insert =
        "INSERT INTO integration_events (flow_id, \"timestamp\", event_type, source_system, checkpoint, channel, symbol, pattern_name, confidence, details) " +
        "SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::varchar[], $4::varchar[], $5::varchar[], $6::varchar[], $7::varchar[], $8::varchar[], $9::numeric[], $10::jsonb[])";

    /// <summary>Batches up to this size are one INSERT … unnest; larger ones a binary COPY.</summary>
    public const int InsertThreshold = 64;

    public async Task WriteAsync(IReadOnlyList<IntegrationRow> rows, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0) return;
        if (rows.Count <= InsertThreshold)
        {
            await InsertAsync(rows, ct).ConfigureAwait(false);
            return;
        }

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

    private async Task InsertAsync(IReadOnlyList<IntegrationRow> rows, CancellationToken ct)
    {
        var n = rows.Count;
        var flowIds = new Guid[n];
        var times = new DateTime[n];
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
            times[i] = row.Timestamp.UtcDateTime;
            eventTypes[i] = row.EventType;
            sources[i] = IntegrationRow.SourceSystem;
            checkpoints[i] = row.Checkpoint;
            channels[i] = row.Channel;
            symbols[i] = row.Symbol;
            patterns[i] = row.Pattern;
            confidences[i] = row.Confidence;
            details[i] = row.Details;
        }

        await using var cmd = dataSource.CreateCommand(Insert);
        cmd.Parameters.Add(new NpgsqlParameter { Value = flowIds, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
        cmd.Parameters.Add(new NpgsqlParameter { Value = times, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new NpgsqlParameter { Value = eventTypes, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Varchar });
        cmd.Parameters.Add(new NpgsqlParameter { Value = sources, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Varchar });
        cmd.Parameters.Add(new NpgsqlParameter { Value = checkpoints, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Varchar });
        cmd.Parameters.Add(new NpgsqlParameter { Value = channels, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Varchar });
        cmd.Parameters.Add(new NpgsqlParameter { Value = symbols, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Varchar });
        cmd.Parameters.Add(new NpgsqlParameter { Value = patterns, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Varchar });
        cmd.Parameters.Add(new NpgsqlParameter { Value = confidences, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Numeric });
        cmd.Parameters.Add(new NpgsqlParameter { Value = details, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private static void WriteNullable(NpgsqlBinaryImporter importer, string? value, NpgsqlDbType type)
    {
        if (value is null) importer.WriteNull();
        else importer.Write(value, type);
    }
}
