using Npgsql;
using NpgsqlTypes;
using TickStock.Core.Jobs;
using TickStock.Core.Universe;

namespace TickStock.Actors.Loading;

/// <summary>A job found in PostgreSQL still running (the node that ran it stopped or died).</summary>
public sealed record ResumableJob(string JobId, string Message, DateTimeOffset StartedAt, IReadOnlyDictionary<string, StoredSymbolProgress> Symbols);

/// <summary>What is known of one symbol of a persisted job.</summary>
public sealed record StoredSymbolProgress(string Symbol, string Status, string? Error, TableCounts Rows);

/// <summary>Job and per-symbol progress in PostgreSQL (tables of migration 0003_jobs).</summary>
public sealed class JobStore(NpgsqlDataSource dataSource) : IJobStore
{
    public const string Pending = "pending";
    public const string Done = "done";
    public const string Failed = "failed";

    /// <summary>Records a new run of a job (a re-submitted job id starts over) with its symbols pending.</summary>
    public async Task<DateTimeOffset> StartJobAsync(string jobId, string jobType, string message, string? submittedAt, string? description,
        IReadOnlyList<string> pendingSymbols, IReadOnlyList<InvalidSymbol> invalidSymbols, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(pendingSymbols);
        ArgumentNullException.ThrowIfNull(invalidSymbols);
        await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        DateTimeOffset startedAt;
        await using (var job = new NpgsqlCommand("""
            INSERT INTO data_load_jobs (job_id, job_type, message, status, started_at, submitted_at, description, updated_at)
            VALUES ($1, $2, $3, 'running', NOW(), $4, $5, NOW())
            ON CONFLICT (job_id) DO UPDATE SET job_type = EXCLUDED.job_type, message = EXCLUDED.message, status = 'running',
                started_at = NOW(), completed_at = NULL, cancelled = FALSE, error_message = NULL,
                submitted_at = EXCLUDED.submitted_at, description = EXCLUDED.description, updated_at = NOW()
            RETURNING started_at
            """, connection, tx))
        {
            job.Parameters.Add(new NpgsqlParameter { Value = jobId });
            job.Parameters.Add(new NpgsqlParameter { Value = jobType });
            job.Parameters.Add(new NpgsqlParameter { Value = message });
            job.Parameters.Add(new NpgsqlParameter { Value = (object?)submittedAt ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            job.Parameters.Add(new NpgsqlParameter { Value = (object?)description ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            startedAt = new DateTimeOffset((DateTime)(await job.ExecuteScalarAsync(ct).ConfigureAwait(false))!, TimeSpan.Zero);
        }

        await using (var clear = new NpgsqlCommand("DELETE FROM data_load_job_symbols WHERE job_id = $1", connection, tx))
        {
            clear.Parameters.Add(new NpgsqlParameter { Value = jobId });
            await clear.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        await using (var symbols = new NpgsqlCommand("""
            INSERT INTO data_load_job_symbols (job_id, symbol, status) SELECT $1, s, 'pending' FROM unnest($2::text[]) AS s
            ON CONFLICT DO NOTHING
            """, connection, tx))
        {
            symbols.Parameters.Add(new NpgsqlParameter { Value = jobId });
            symbols.Parameters.Add(new NpgsqlParameter { Value = pendingSymbols.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            await symbols.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        await tx.CommitAsync(ct).ConfigureAwait(false);
        return startedAt;
    }

    /// <summary>The outcome of one symbol (written by the fetcher right after its rows are committed).</summary>
    public async Task MarkSymbolAsync(string jobId, string symbol, string status, string? error, TableCounts rows, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(rows);
        await using var cmd = dataSource.CreateCommand("""
            INSERT INTO data_load_job_symbols (job_id, symbol, status, error, rows_1min, rows_hourly, rows_daily, rows_weekly, rows_monthly, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NOW())
            ON CONFLICT (job_id, symbol) DO UPDATE SET status = EXCLUDED.status, error = EXCLUDED.error,
                rows_1min = EXCLUDED.rows_1min, rows_hourly = EXCLUDED.rows_hourly, rows_daily = EXCLUDED.rows_daily,
                rows_weekly = EXCLUDED.rows_weekly, rows_monthly = EXCLUDED.rows_monthly, updated_at = NOW()
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = jobId });
        cmd.Parameters.Add(new NpgsqlParameter { Value = symbol });
        cmd.Parameters.Add(new NpgsqlParameter { Value = status });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)error ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = rows.Minute });
        cmd.Parameters.Add(new NpgsqlParameter { Value = rows.Hourly });
        cmd.Parameters.Add(new NpgsqlParameter { Value = rows.Daily });
        cmd.Parameters.Add(new NpgsqlParameter { Value = rows.Weekly });
        cmd.Parameters.Add(new NpgsqlParameter { Value = rows.Monthly });
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Terminal state of a job.</summary>
    public async Task FinishJobAsync(string jobId, string status, string? errorMessage, bool cancelled, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            UPDATE data_load_jobs SET status = $2, error_message = $3, cancelled = $4, completed_at = NOW(), updated_at = NOW() WHERE job_id = $1
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = jobId });
        cmd.Parameters.Add(new NpgsqlParameter { Value = status });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)errorMessage ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = cancelled });
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Jobs left running by a node that stopped, with their symbols' progress.</summary>
    public async Task<IReadOnlyList<ResumableJob>> LoadRunningAsync(CancellationToken ct)
    {
        var jobs = new List<(string Id, string Message, DateTimeOffset Started)>();
        await using (var cmd = dataSource.CreateCommand("SELECT job_id, message, started_at FROM data_load_jobs WHERE status = 'running' ORDER BY started_at"))
        await using (var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                jobs.Add((reader.GetString(0), reader.GetString(1), new DateTimeOffset(reader.GetFieldValue<DateTime>(2), TimeSpan.Zero)));
            }
        }

        var result = new List<ResumableJob>();
        foreach (var (id, message, started) in jobs)
        {
            var symbols = new Dictionary<string, StoredSymbolProgress>(StringComparer.Ordinal);
            await using var cmd = dataSource.CreateCommand("""
                SELECT symbol, status, error, rows_1min, rows_hourly, rows_daily, rows_weekly, rows_monthly
                FROM data_load_job_symbols WHERE job_id = $1
                """);
            cmd.Parameters.Add(new NpgsqlParameter { Value = id });
            await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                var symbol = reader.GetString(0);
                symbols[symbol] = new StoredSymbolProgress(symbol, reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                    new TableCounts(reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(7)));
            }

            result.Add(new ResumableJob(id, message, started, symbols));
        }

        return result;
    }
}
