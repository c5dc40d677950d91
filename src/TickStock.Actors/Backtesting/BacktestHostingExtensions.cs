using Akka.Cluster.Hosting;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using TickStock.Actors.Configuration;
using TickStock.Actors.Infrastructure;

namespace TickStock.Actors.Backtesting;

public static class BacktestHostingExtensions
{
    /// <summary>
    /// Daemon backtests: the <see cref="BacktestCoordinator"/> cluster singleton on role <see cref="BacktestRole.Name"/>
    /// (a node without the role hosts only the proxy, registered as <see cref="BacktestCoordinatorKey"/>).
    /// </summary>
    public static AkkaConfigurationBuilder AddBacktesting(this AkkaConfigurationBuilder builder, TickStockOptions options, BacktestCoordinatorSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        settings ??= new BacktestCoordinatorSettings
        {
            JobChannel = options.Backtest.JobChannel,
            CancelChannel = options.Backtest.CancelChannel,
            MaxConcurrentJobs = options.Backtest.MaxConcurrentJobs,
            Now = options.Now,
        };

        return builder.WithSingleton<BacktestCoordinatorKey>(
            "backtest-coordinator",
            (_, _, resolver) =>
            {
                var services = resolver.GetService<IServiceProvider>();
                var redis = services.GetRequiredService<RedisConnectionProvider>();
                var onRedis = new BacktestRedis(redis, options.Backtest, options.Jobs);
                var backtestServices = new BacktestServices(redis, new PostgresBacktestBars(services.GetRequiredService<NpgsqlDataSource>()), onRedis, onRedis, onRedis);
                return BacktestCoordinator.PropsFor(backtestServices, settings);
            },
            new ClusterSingletonOptions { Role = BacktestRole.Name });
    }
}
