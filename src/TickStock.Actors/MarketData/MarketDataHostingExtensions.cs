using Akka;
using Akka.Actor;
using Akka.Event;
using Akka.Hosting;
using Akka.Streams.Dsl;
using Npgsql;
using TickStock.Actors.Configuration;
using TickStock.Actors.Infrastructure;
using TickStock.Actors.Symbols;

namespace TickStock.Actors.MarketData;

/// <summary>Wires the live market data source chosen by TICKSTOCK_MARKET_DATA into the SymbolActor shard region.</summary>
public static class MarketDataHostingExtensions
{
    /// <summary>
    /// Starts the source named by <c>options.MarketData.Source</c>: <c>synthetic</c> (default; paced by
    /// TICKSTOCK_SYNTHETIC_PACE: <c>live</c> by default, or <c>fast</c>), <c>replay</c>
    /// (TICKSTOCK_REPLAY_PATH file/folder, else stored ohlcv_1min), <c>redis</c> (ticks on tickstock.data.raw) or
    /// <c>none</c>, or <c>polygon</c> (the provider's WebSocket; without POLYGON_API_KEY the embedded stub's, started
    /// by <paramref name="embeddedStub"/>). Needs <see cref="AddSymbolSharding"/>.
    /// </summary>
    public static AkkaConfigurationBuilder AddMarketData(this AkkaConfigurationBuilder builder, TickStockOptions options,
        Func<CancellationToken, Task<Loading.EmbeddedProvider>>? embeddedStub = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        return builder.AddMarketData(MarketDataSourceSettings.From(options, embeddedStub));
    }

    /// <summary>As <see cref="AddMarketData(AkkaConfigurationBuilder, TickStockOptions)"/> with explicit settings.</summary>
    public static AkkaConfigurationBuilder AddMarketData(this AkkaConfigurationBuilder builder, MarketDataSourceSettings settings)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(settings);
        return builder.WithActors((system, registry, resolver) =>
        {
            var log = Logging.GetLogger(system, typeof(MarketDataFeedActor));
            // One stream source per node: its state (what was delivered, what is back-filling) outlives stream restarts.
            var polygon = settings.Source == MarketDataSource.Polygon ? settings.PolygonStream?.Invoke(resolver, Logging.GetLogger(system, typeof(PolygonStreamSource))) : null;
            Func<Source<IWithSymbol, NotUsed>>? source = settings.Source switch
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
                MarketDataSource.Polygon when polygon is not null => polygon.Create,
                _ => null,
            };
            if (source is null)
            {
                if (settings.Source != MarketDataSource.None)
                {
                    log.Warning("Market data source '{0}' is not available on this node; no live data", settings.Source.Name());
                }

                return;
            }

            var region = registry.Get<SymbolRegion>();
            var feed = system.ActorOf(MarketDataFeedActor.Props(settings.Source.Name(), source, region, settings.Parallelism, polygon?.Monitor), "market-data-feed");
            registry.Register<MarketDataFeedActor>(feed);

            // Stop feeding before shards hand off, so no bar is dropped by a region that is shutting down.
            CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeServiceUnbind, "stop-market-data", async () =>
            {
                try
                {
                    await feed.GracefulStop(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is TaskCanceledException or AskTimeoutException)
                {
                    // already stopping
                }

                return Done.Instance;
            });
        });
    }
}
