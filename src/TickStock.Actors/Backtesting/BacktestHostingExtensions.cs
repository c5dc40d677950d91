using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using TickStock.Actors.Configuration;
using TickStock.Actors.Hosting;
using TickStock.Actors.Infrastructure;

namespace TickStock.Actors.Backtesting;

public static class BacktestHostingExtensions
{
    /// <summary>The singleton's name: manager <c>/user/backtest-coordinator</c>, actor <c>/user/backtest-coordinator/backtest-coordinator</c>.</summary>
    public const string SingletonName = "backtest-coordinator";

    /// <summary>
    /// Daemon backtests: the <see cref="BacktestCoordinator"/> cluster singleton on the <see cref="NodeRoles.Backtest"/>
    /// nodes; every node registers its proxy as <see cref="BacktestCoordinatorKey"/>.
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

        return builder.AddRoleSingleton<BacktestCoordinatorKey>(
            options.Cluster,
            NodeRoles.Backtest,
            SingletonName,
            (_, _, resolver) =>
            {
                var services = resolver.GetService<IServiceProvider>();
                var redis = services.GetRequiredService<RedisConnectionProvider>();
                var onRedis = new BacktestRedis(redis, options.Backtest, options.Jobs);
                var backtestServices = new BacktestServices(redis, new PostgresBacktestBars(services.GetRequiredService<NpgsqlDataSource>()), onRedis, onRedis, onRedis);
                return BacktestCoordinator.PropsFor(backtestServices, settings);
            });
    }
}
