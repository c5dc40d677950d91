using Akka.Actor;
using Akka.Event;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using TickStock.Actors.Configuration;
using TickStock.Actors.Hosting;
using TickStock.Actors.Infrastructure;
using TickStock.Actors.Polygon;
using TickStock.Actors.Publishing;

namespace TickStock.Actors.Loading;

/// <summary>A provider started by the host (the embedded local stub): where it listens, and how to stop it.</summary>
public sealed record EmbeddedProvider(string BaseUrl, IAsyncDisposable Server);

public static class LoadingHostingExtensions
{
    /// <summary>Name of the job coordinator singleton (its manager is <c>/user/job-coordinator</c>).</summary>
    public const string SingletonName = "job-coordinator";

    /// <summary>
    /// Historical loading: the JobCoordinator cluster singleton (role <see cref="NodeRoles.Jobs"/>) with its
    /// PolygonFetcher pool, the Polygon client and the cluster-wide token bucket. When no provider
    /// key or URL is configured, <paramref name="startEmbeddedStub"/> starts the local stub and the
    /// client uses it with the rate limit off. A node without the role only gets the singleton's
    /// proxy (registry key <see cref="JobCoordinator"/>) and starts no stub.
    /// </summary>
    public static AkkaConfigurationBuilder AddHistoricalLoading(
        this AkkaConfigurationBuilder builder,
        TickStockOptions options,
        Func<CancellationToken, Task<EmbeddedProvider>>? startEmbeddedStub = null,
        HistoricalLoadingSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Cluster.HasRole(NodeRoles.Jobs))
        {
            return builder.AddRoleSingleton<JobCoordinator>(options.Cluster, NodeRoles.Jobs, SingletonName, (_, _, _) => Props.None);
        }

        var polygon = options.Polygon;
        var embedded = polygon.UsesEmbeddedStub;
        if (embedded && startEmbeddedStub is null)
        {
            throw new InvalidOperationException("no POLYGON_API_KEY or POLYGON_BASE_URL is set and no embedded stub was provided");
        }

        settings ??= new HistoricalLoadingSettings
        {
            DataLoadChannel = options.Jobs.DataLoadChannel,
            ControlChannel = options.Jobs.ControlChannel,
            StatusKeyPrefix = options.Jobs.StatusKeyPrefix,
            IntradayCapYears = options.Jobs.IntradayCapYears,
            UniversesDirectory = Path.Combine(Path.GetFullPath(options.DataDirectory), "universes"),
            Now = options.Now,
        };

        var baseUrl = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!embedded)
        {
            baseUrl.SetResult(string.IsNullOrWhiteSpace(polygon.BaseUrl) ? PolygonSettings.PublicBaseUrl : polygon.BaseUrl);
        }
        else
        {
            builder.AddStartup((system, _) =>
            {
                var log = system.Log;
                var start = startEmbeddedStub!(CancellationToken.None);
                start.ContinueWith(t =>
                {
                    if (t.IsCompletedSuccessfully)
                    {
                        var provider = t.Result;
                        log.Info("Polygon provider: embedded local stub at {0} (POLYGON_API_KEY not set; synthetic data, rate limit off)", provider.BaseUrl);
                        CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate, "stop-polygon-stub", async () =>
                        {
                            await provider.Server.DisposeAsync().ConfigureAwait(false);
                            return Akka.Done.Instance;
                        });
                        baseUrl.TrySetResult(provider.BaseUrl);
                    }
                    else
                    {
                        log.Error(t.Exception?.GetBaseException(), "The embedded Polygon stub could not start");
                        baseUrl.TrySetException(t.Exception?.GetBaseException() ?? new InvalidOperationException("embedded stub did not start"));
                    }
                }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            });
        }

        return builder.AddRoleSingleton<JobCoordinator>(
            options.Cluster,
            NodeRoles.Jobs,
            SingletonName,
            (_, _, resolver) =>
            {
                var services = resolver.GetService<IServiceProvider>();
                var dataSource = services.GetRequiredService<NpgsqlDataSource>();
                var redis = services.GetRequiredService<RedisConnectionProvider>();
                var loggerFactory = services.GetService<ILoggerFactory>();
                var limiter = RedisTokenBucket.For(redis, polygon.ApiKey, polygon.RatePerMinute, embedded);
                var client = new PolygonClient(
                    PolygonClientSettings.For(polygon, ct => baseUrl.Task.WaitAsync(ct), services.GetService<ProducerStats>()?.Provider),
                    limiter,
                    loggerFactory?.CreateLogger<PolygonClient>());
                var store = new JobStore(dataSource);
                var loader = new SymbolLoader(client, new OhlcvWriter(dataSource), store, polygon.PlanHistoryYears);
                return JobCoordinator.PropsFor(redis, store, loader, settings);
            });
    }
}
