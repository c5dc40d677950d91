using Npgsql;
using StackExchange.Redis;
using TickStock.Actors.Configuration;
using TickStock.Actors.Infrastructure;
using TickStock.Daemon.Configuration;

namespace TickStock.Cli.Commands;

/// <summary>A service a one-shot command needs is unreachable or misconfigured; the message says which.</summary>
internal sealed class CliException(string message, int exitCode) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}

/// <summary>Options and connections for one-shot commands, with errors a person can act on.</summary>
internal static class CliServices
{
    public static TickStockOptions Options()
    {
        try
        {
            return TickStockConfiguration.LoadOptions();
        }
        catch (OptionsException ex)
        {
            throw new CliException("configuration error: " + ex.Message, ExitCodes.ConfigurationError);
        }
    }

    public static async Task<NpgsqlDataSource> PostgresAsync(TickStockOptions options, CancellationToken ct)
    {
        var dataSource = PostgresDataSource.Create(options.Postgres);
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
            return dataSource;
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            await dataSource.DisposeAsync().ConfigureAwait(false);
            throw new CliException($"cannot reach PostgreSQL at {ServiceEndpoints.DescribePostgres(options.Postgres.ConnectionString)}: {ex.Message.Split('\n')[0]}", ExitCodes.PostgresUnreachable);
        }
    }

    public static async Task<ConnectionMultiplexer> RedisAsync(TickStockOptions options, string clientName)
    {
        var config = RedisConnection.Options(options.Redis, clientName);
        config.AbortOnConnectFail = true; // a one-shot command reports and exits instead of waiting
        try
        {
            return await ConnectionMultiplexer.ConnectAsync(config).ConfigureAwait(false);
        }
        catch (RedisConnectionException ex)
        {
            throw new CliException($"cannot reach Redis at {ServiceEndpoints.DescribeRedis(options.Redis.Configuration)}: {ex.Message.Split('\n')[0]}", ExitCodes.RedisUnreachable);
        }
    }

    /// <summary>Runs a command body, turning <see cref="CliException"/> into a message and its exit code.</summary>
    public static async Task<int> RunAsync(Func<Task<int>> body)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (CliException ex)
        {
            await Console.Error.WriteLineAsync("tickstock: " + ex.Message).ConfigureAwait(false);
            return ex.ExitCode;
        }
    }
}
