using Npgsql;

namespace TickStock.Testing;

/// <summary>
/// A throw-away PostgreSQL schema in the test database, first on the search_path of its
/// connection string: migrations and queries run there as if it were a fresh database, and tests
/// can run in parallel without seeing each other's rows.
/// </summary>
public sealed class ScratchSchema : IAsyncDisposable
{
    private ScratchSchema(string name, string connectionString, NpgsqlDataSource dataSource)
    {
        Name = name;
        ConnectionString = connectionString;
        DataSource = dataSource;
    }

    public string Name { get; }

    /// <summary>Connection string whose search_path is this schema only.</summary>
    public string ConnectionString { get; }

    public NpgsqlDataSource DataSource { get; }

    public static async Task<ScratchSchema> CreateAsync(string prefix = "t")
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 17, 60)].ToLowerInvariant();
        await using (var admin = LocalServices.CreateDataSource())
        {
            await using var cmd = admin.CreateCommand($"CREATE SCHEMA {name}");
            await cmd.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        var builder = new NpgsqlConnectionStringBuilder(LocalServices.PostgresConnectionString) { SearchPath = name };
        return new ScratchSchema(name, builder.ConnectionString, new NpgsqlDataSourceBuilder(builder.ConnectionString).Build());
    }

    public async Task<int> ExecuteAsync(string sql)
    {
        await using var cmd = DataSource.CreateCommand(sql);
        return await cmd.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    public async Task<T?> ScalarAsync<T>(string sql)
    {
        await using var cmd = DataSource.CreateCommand(sql);
        var value = await cmd.ExecuteScalarAsync().ConfigureAwait(false);
        return value is null or DBNull ? default : (T)value;
    }

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync().ConfigureAwait(false);
        await using var admin = LocalServices.CreateDataSource();
        await using var cmd = admin.CreateCommand($"DROP SCHEMA IF EXISTS {Name} CASCADE");
        await cmd.ExecuteNonQueryAsync().ConfigureAwait(false);
    }
}
