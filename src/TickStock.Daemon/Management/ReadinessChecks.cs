using Akka.Cluster;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using TickStock.Actors.Infrastructure;

namespace TickStock.Daemon.Management;

/// <summary>
/// The checks behind /healthz and /readyz, registered with Microsoft's health-check service: the actor-system
/// and cluster checks through Akka.Hosting, Redis and PostgreSQL as plain checks.
/// </summary>
public static class ReadinessChecks
{
    /// <summary>Tag of the liveness checks (/healthz): the process and its actor system, nothing external.</summary>
    public const string Live = "live";

    /// <summary>Tag of the readiness checks (/readyz).</summary>
    public const string Ready = "ready";

    /// <summary>How long one readiness check may take: a probe should answer well within its own timeout.</summary>
    public static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(2);

    public static AkkaConfigurationBuilder WithTickStockHealthChecks(this AkkaConfigurationBuilder akka)
    {
        ArgumentNullException.ThrowIfNull(akka);
        return akka
            .WithActorSystemLivenessCheck(tags: [Live])
            // Akka.Cluster.Hosting's own readiness check also passes WeaklyUp and stays healthy once joined;
            // /readyz means "Up now".
            .WithHealthCheck("cluster", (system, _, _) =>
            {
                var self = Cluster.Get(system).SelfMember;
                return Task.FromResult(self.Status == MemberStatus.Up
                    ? HealthCheckResult.Healthy($"{self.Address} is up")
                    : HealthCheckResult.Unhealthy($"{self.Address} is {self.Status.ToString().ToLowerInvariant()}"));
            }, tags: [Ready], timeout: CheckTimeout);
    }

    public static IServiceCollection AddTickStockServiceChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<RedisCheck>("redis", tags: [Ready], timeout: CheckTimeout)
            .AddCheck<PostgresCheck>("postgres", tags: [Ready], timeout: CheckTimeout);
        return services;
    }

    /// <summary>Redis answers a PING on the node's own multiplexer.</summary>
    private sealed class RedisCheck(RedisConnectionProvider redis) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                var connection = await redis.GetAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
                var rtt = await connection.GetDatabase().PingAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
                return HealthCheckResult.Healthy($"{redis.Endpoint} answered in {rtt.TotalMilliseconds:0.#} ms");
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return HealthCheckResult.Unhealthy($"{redis.Endpoint}: {ex.Message.Split('\n')[0]}");
            }
        }
    }

    /// <summary>PostgreSQL answers <c>SELECT 1</c> through the node's data source.</summary>
    private sealed class PostgresCheck(NpgsqlDataSource database) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await using var command = database.CreateCommand("SELECT 1");
                await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                return HealthCheckResult.Healthy();
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException or System.Net.Sockets.SocketException)
            {
                // The message names host and database, never the password (Npgsql does not echo it).
                return HealthCheckResult.Unhealthy(ex.Message.Split('\n')[0]);
            }
        }
    }
}
