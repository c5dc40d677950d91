using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using StackExchange.Redis;
using TickStock.Actors.Configuration;
using TickStock.Actors.Infrastructure;
using TickStock.Actors.Persistence;
using TickStock.Core.Retry;

namespace TickStock.Daemon.Startup;

/// <summary>
/// Checks Redis and PostgreSQL when the daemon starts and says plainly what it found:
/// "Connected to X at host:port" or "Cannot reach X at host:port: reason". A service that is late
/// is retried with back-off (1 s doubling to 30 s) instead of failing the daemon; the schema is
/// migrated as soon as PostgreSQL answers. No connection string or password is ever logged.
/// </summary>
public sealed class ServiceConnectivityMonitor(
    TickStockOptions options,
    NpgsqlDataSource dataSource,
    RedisConnectionProvider redisProvider,
    ILoggerFactory loggerFactory) : BackgroundService
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxRetry = TimeSpan.FromSeconds(30);

    // How long start-up waits for the first PostgreSQL attempt before the actor system starts anyway.
    private static readonly TimeSpan FirstAttemptLimit = TimeSpan.FromSeconds(5);
    private readonly ILogger _log = loggerFactory.CreateLogger<ServiceConnectivityMonitor>();
    private IConnectionMultiplexer? _redis;
    private bool _postgresDone;

    /// <summary>
    /// One PostgreSQL attempt (connect, migrate) before the hosts registered after this one (the actor system)
    /// start, so on a reachable database the pipeline's first audit rows find their tables instead of going to the
    /// spill file. Bounded: an unreachable or slow database is retried in the background as before.
    /// </summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        using var firstAttempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        firstAttempt.CancelAfter(FirstAttemptLimit);
        try
        {
            _postgresDone = await TryPostgresAsync(firstAttempt.Token).ConfigureAwait(false) is null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Slower than the limit: the background loop below tries again.
        }

        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.WhenAll(WatchRedisAsync(stoppingToken), WatchPostgresAsync(stoppingToken)).ConfigureAwait(false);
    }

    private async Task WatchRedisAsync(CancellationToken ct)
    {
        var where = ServiceEndpoints.DescribeRedis(options.Redis.Configuration);
        var backoff = new Backoff(FirstRetry, MaxRetry);
        TimeSpan delay;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                // AbortOnConnectFail=false: the multiplexer itself keeps reconnecting afterwards.
                if (_redis is null)
                {
                    _redis = await redisProvider.GetAsync().ConfigureAwait(false);
                    _redis.ConnectionFailed += (_, e) =>
                    {
                        _log.LogWarning("Lost Redis at {Where}: {Reason}", where, e.Exception?.Message ?? e.FailureType.ToString());
                    };
                    _redis.ConnectionRestored += (_, _) =>
                    {
                        _log.LogInformation("Reconnected to Redis at {Where}", where);
                    };
                }

                await _redis.GetDatabase().PingAsync().ConfigureAwait(false);
                _log.LogInformation("Connected to Redis at {Where}", where);
                return;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException or ArgumentException)
            {
                delay = backoff.Next();
                _log.LogWarning("Cannot reach Redis at {Where}: {Reason}; retrying in {Delay:0}s", where, FirstLine(ex.Message), delay.TotalSeconds);
            }

            await Task.Delay(delay, ct).ConfigureAwait(false);
        }
    }

    private async Task WatchPostgresAsync(CancellationToken ct)
    {
        if (_postgresDone) return;
        var where = ServiceEndpoints.DescribePostgres(options.Postgres.ConnectionString);
        var backoff = new Backoff(FirstRetry, MaxRetry);
        while (!ct.IsCancellationRequested)
        {
            if (await TryPostgresAsync(ct).ConfigureAwait(false) is not { } failure) return;
            var delay = backoff.Next();
            _log.LogWarning("Cannot reach PostgreSQL at {Where}: {Reason}; retrying in {Delay:0}s", where, failure, delay.TotalSeconds);
            await Task.Delay(delay, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Connects and migrates; null when done (or when retrying cannot help), else why it failed.</summary>
    private async Task<string?> TryPostgresAsync(CancellationToken ct)
    {
        var where = ServiceEndpoints.DescribePostgres(options.Postgres.ConnectionString);
        try
        {
            await using (var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false))
            {
                await using var ping = new NpgsqlCommand("SELECT 1", connection);
                await ping.ExecuteScalarAsync(ct).ConfigureAwait(false);
            }

            _log.LogInformation("Connected to PostgreSQL at {Where}", where);
            if (options.Postgres.MigrateOnStart)
            {
                await new SchemaMigrator(dataSource, loggerFactory.CreateLogger<SchemaMigrator>()).MigrateAsync(ct).ConfigureAwait(false);
            }

            return null;
        }
        catch (SchemaMismatchException ex)
        {
            // Retrying cannot fix a schema conflict: say so once, keep the daemon up (degraded).
            _log.LogError("Database schema conflict: {Reason}", ex.Message);
            return null;
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
        {
            return FirstLine(ex.Message);
        }
    }

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();
}
