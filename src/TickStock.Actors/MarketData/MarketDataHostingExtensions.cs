using Akka;
using Akka.Actor;
using Akka.Event;
using Akka.DependencyInjection;
using Akka.Hosting;
using Akka.Streams.Dsl;
using Npgsql;
using TickStock.Actors.Configuration;
using TickStock.Actors.Hosting;
using TickStock.Actors.Infrastructure;
using TickStock.Actors.Symbols;

namespace TickStock.Actors.MarketData;

/// <summary>
/// Wires the live market data source chosen by TICKSTOCK_MARKET_DATA into the SymbolActor shard region: once per cluster,
/// as a singleton on the oldest <see cref="NodeRoles.Feed"/> node, so each bar or tick reaches its SymbolActor exactly
/// once however many nodes run (with the redis source every node would otherwise count every tick).
/// </summary>
public static class MarketDataHostingExtensions
{
    /// <summary>Name of the feed singleton: manager <c>/user/market-data-feed</c>, proxy <c>/user/market-data-feed-proxy</c>.</summary>
    public const string SingletonName = "market-data-feed";

    /// <summary>
    /// Starts the source named by <c>options.MarketData.Source</c>: <c>synthetic</c> (default; paced by
    /// TICKSTOCK_SYNTHETIC_PACE: <c>live</c> by default, or <c>fast</c>), <c>replay</c>
    /// (TICKSTOCK_REPLAY_PATH file/folder, else stored ohlcv_1min), <c>redis</c> (ticks on tickstock.data.raw) or
    /// <c>none</c>, or <c>polygon</c> (the provider's WebSocket; without POLYGON_API_KEY the embedded stub's, started
    /// by <paramref name="embeddedStub"/>). Needs <see cref="SymbolHostingExtensions.AddSymbolSharding"/>.
    /// </summary>
    public static AkkaConfigurationBuilder AddMarketData(this AkkaConfigurationBuilder builder, TickStockOptions options,
        Func<CancellationToken, Task<Loading.EmbeddedProvider>>? embeddedStub = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        return builder.AddMarketData(MarketDataSourceSettings.From(options, embeddedStub), options.Cluster);
    }

    /// <summary>
    /// As <see cref="AddMarketData(AkkaConfigurationBuilder, TickStockOptions)"/> with explicit settings. A node with the
    /// <see cref="NodeRoles.Feed"/> role (every node when <paramref name="cluster"/> is null) may host the feed; every
    /// node registers the singleton's proxy under <see cref="MarketDataFeed"/>, unless its source is <c>none</c>.
    /// </summary>
    public static AkkaConfigurationBuilder AddMarketData(this AkkaConfigurationBuilder builder, MarketDataSourceSettings settings, NodeClusterSettings? cluster = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(settings);
        bool hosts = cluster?.HasRole(NodeRoles.Feed) ?? true;
        return builder.WithActors((system, registry, resolver) =>
        {
            if (settings.Source == MarketDataSource.None)
            {
                return;
            }

            Props? feed = null;
            if (hosts)
            {
                var log = Logging.GetLogger(system, typeof(MarketDataFeedActor));
                // One stream source per feed node, built here but connecting only when the singleton runs its stream:
                // its state (what was delivered, what is back-filling) outlives restarts of the stream.
                var polygon = settings.Source == MarketDataSource.Polygon
                    ? settings.PolygonStream?.Invoke(resolver, Logging.GetLogger(system, typeof(PolygonStreamSource)), new ShardedSymbolProgress(registry.Get<SymbolRegion>()))
                    : null;
                var source = polygon is not null ? polygon.Create : SourceFor(settings, resolver, log);
                if (source is null)
                {
                    // The oldest feed node decides where the singleton runs: with no manager here it runs nowhere.
                    log.Warning("Market data source '{0}' is not available on this node; no live data (give this node another source or drop its feed role)",
                        settings.Source.Name());
                }
                else
                {
                    feed = MarketDataFeedActor.Props(settings.Source.Name(), source, registry.Get<SymbolRegion>(), settings.Parallelism, polygon?.Monitor);
                }
            }

            registry.Register<MarketDataFeed>(RoleSingletons.Start(system, NodeRoles.Feed, SingletonName, feed));
            if (feed is not null)
            {
                // Stop feeding before shards hand off (cluster-sharding-shutdown-region comes later), so no bar is
                // dropped by a region that is shutting down. Only the node hosting the feed finds it.
                CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeServiceUnbind, "stop-market-data", () => StopLocalFeedAsync(system));
            }
        });
    }

    private static async Task<Done> StopLocalFeedAsync(ActorSystem system)
    {
        try
        {
            var local = await system.ActorSelection(RoleSingletons.LocalPath(SingletonName)).ResolveOne(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
            await local.Ask<MarketDataFeedCommands.FeedStopped>(MarketDataFeedCommands.StopFeeding.Instance, TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (ActorNotFoundException)
        {
            // the feed runs on another node
        }
        catch (Exception ex) when (ex is TaskCanceledException or AskTimeoutException)
        {
            // already stopping
        }

        return Done.Instance;
    }

    /// <summary>The stream factory of <paramref name="settings"/>' source, or null when this node cannot run it.</summary>
    private static Func<Source<IWithSymbol, NotUsed>>? SourceFor(MarketDataSourceSettings settings, IDependencyResolver resolver, ILoggingAdapter log) =>
        settings.Source switch
        {
            MarketDataSource.Synthetic when settings.SyntheticPace == SyntheticPace.Fast =>
                () => MarketDataSources.Synthetic(settings.SyntheticSymbols, settings.Speed, referenceIndex: settings.ReferenceIndex),
            // Scheduled when (re)started: a restart catches up to the new "now".
            MarketDataSource.Synthetic => () => MarketDataSources.SyntheticLive(settings.SyntheticSymbols,
                SyntheticSchedule.At(DateTimeOffset.UtcNow), settings.Speed, settings.ReferenceIndex),
            MarketDataSource.Replay when settings.ReplayPath is { } path => () => MarketDataSources.ReplayFiles(path, settings.Speed),
            MarketDataSource.Replay when resolver.GetService<NpgsqlDataSource>() is { } db => () => MarketDataSources.ReplayDatabase(db, settings.Speed),
            MarketDataSource.Redis when resolver.GetService<RedisConnectionProvider>() is { } redis =>
                () => MarketDataSources.RedisTicks(redis, settings.TickChannel, log, new TickSourceCounters()),
            _ => null,
        };
}
