using Akka.Actor;
using Akka.Cluster.Routing;
using Akka.Hosting;
using Akka.Routing;
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
    /// nodes, and a <see cref="BacktestWorker"/> on each of them; every node registers the singleton's proxy as
    /// <see cref="BacktestCoordinatorKey"/>.
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

        if (options.Cluster.HasRole(NodeRoles.Backtest))
        {
            builder.WithActors((system, _, resolver) =>
            {
                var bars = new PostgresBacktestBars(resolver.GetService<IServiceProvider>().GetRequiredService<NpgsqlDataSource>());
                system.ActorOf(BacktestWorker.PropsFor(bars, settings.WorkerParallelism), BacktestWorker.Name);
            });
        }

        return builder.AddRoleSingleton<BacktestCoordinatorKey>(
            options.Cluster,
            NodeRoles.Backtest,
            SingletonName,
            (_, _, resolver) =>
            {
                var services = resolver.GetService<IServiceProvider>();
                var redis = services.GetRequiredService<RedisConnectionProvider>();
                var onRedis = new BacktestRedis(redis, options.Backtest, options.Jobs);
                var backtestServices = new BacktestServices(redis, new PostgresBacktestBars(services.GetRequiredService<NpgsqlDataSource>()), onRedis, onRedis, onRedis)
                {
                    Workers = WorkerRouter(),
                };
                return BacktestCoordinator.PropsFor(backtestServices, settings);
            });
    }

    /// <summary>
    /// The cluster-aware group router over the <see cref="BacktestWorker"/> of every <see cref="NodeRoles.Backtest"/>
    /// node that is up and reachable (this one included), round robin.
    /// </summary>
    /// <remarks>
    /// A group, not a pool: the workers are long-lived node services (started with the node, owning its share of the
    /// CPU), not children the router would deploy remotely. Round robin, not consistent hashing or sharding: a symbol's
    /// detection is stateless work that may run anywhere, and sharding's placement, hand-off and rebalancing would buy
    /// nothing for it. The router drops an unreachable node as soon as the failure detector says so.
    /// </remarks>
    public static Props WorkerRouter(int maxWorkers = 1000) =>
        new ClusterRouterGroup(new RoundRobinGroup(["/user/" + BacktestWorker.Name]),
            new ClusterRouterGroupSettings(maxWorkers, ["/user/" + BacktestWorker.Name], allowLocalRoutees: true, useRole: NodeRoles.Backtest)).Props();
}
