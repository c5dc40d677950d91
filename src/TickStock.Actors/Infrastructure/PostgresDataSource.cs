using Npgsql;
using TickStock.Actors.Configuration;

namespace TickStock.Actors.Infrastructure;

/// <summary>Builds the one NpgsqlDataSource a node uses (connection pooling lives in it).</summary>
public static class PostgresDataSource
{
    public static NpgsqlDataSource Create(PostgresSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var builder = new NpgsqlConnectionStringBuilder(settings.ConnectionString)
        {
            ApplicationName = "TickStockPL",
        };

        // Fail fast per attempt; the callers retry with back-off rather than hang.
        if (!ContainsKey(settings.ConnectionString, "Timeout"))
        {
            builder.Timeout = 5;
        }

        // Bigger buffers: COPY batches of thousands of rows flush in few syscalls.
        if (!ContainsKey(settings.ConnectionString, "Write Buffer Size")) builder.WriteBufferSize = 64 * 1024;

        // No DISCARD ALL each time a pooled connection is reused: the producer leaves no session
        // state behind (SET LOCAL and transaction-scoped advisory locks only; the loader's
        // ON COMMIT DELETE ROWS staging tables are meant to be reused), and the reset costs the
        // server work on every integration_events batch.
        if (!ContainsKey(settings.ConnectionString, "No Reset On Close")) builder.NoResetOnClose = true;

        return new NpgsqlDataSourceBuilder(builder.ConnectionString).Build();
    }

    private static bool ContainsKey(string connectionString, string key) =>
        connectionString.Split(';').Any(part => part.Split('=')[0].Trim().Equals(key, StringComparison.OrdinalIgnoreCase));
}
