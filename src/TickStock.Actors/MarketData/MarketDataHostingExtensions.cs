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
    /// <c>none</c>. <c>polygon</c> is not implemented yet and logs a warning. Needs <see cref="AddSymbolSharding"/>.
    /// </summary>
    public static AkkaConfigurationBuilder AddMarketData(this AkkaConfigurationBuilder builder, TickStockOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        return builder.AddMarketData(MarketDataSourceSettings.From(options));
    }

    /// <summary>As <see cref="AddMarketData(AkkaConfigurationBuilder, TickStockOptions)"/> with explicit settings.</summary>
    public static AkkaConfigurationBuilder AddMarketData(this AkkaConfigurationBuilder builder, MarketDataSourceSettings settings)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(settings);
        return builder.WithActors((system, registry, resolver) =>
        {
            var log = Logging.GetLogger(system, typeof(MarketDataFeedActor));
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
            var feed = system.ActorOf(MarketDataFeedActor.Props(settings.Source.Name(), source, region, settings.Parallelism), "market-data-feed");
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
