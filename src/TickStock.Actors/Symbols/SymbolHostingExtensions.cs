using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using Npgsql;
using TickStock.Actors.Configuration;
using TickStock.Actors.Hosting;
using TickStock.Core.Symbols;

namespace TickStock.Actors.Symbols;

/// <summary>
/// Registry key of the SymbolActor shard region. A marker, not the actor type: the region is a facade that routes to
/// one SymbolActor per ticker wherever it lives in the cluster.
/// </summary>
public sealed class SymbolRegion;

/// <summary>The Symbols module's hosting extension: SymbolActors sharded by ticker.</summary>
public static class SymbolHostingExtensions
{
    /// <summary>Type name of the SymbolActor shard region.</summary>
    public const string SymbolShardTypeName = "symbol";

    /// <summary>
    /// SymbolActor entities sharded by ticker over the <see cref="NodeRoles.Symbols"/> nodes (DData coordinator state, no
    /// remember-entities); a node without that role registers a shard region proxy under the same key. Daily history for
    /// seeding comes from <paramref name="symbols"/>, else from an <see cref="IDailyBarSource"/> or
    /// <see cref="NpgsqlDataSource"/> registered in DI (ohlcv_daily), else actors start empty. Also starts distributed
    /// pub/sub (the reference index's closes for relative strength go to every node) and binds the reference index
    /// messages to their serializer. The node's SymbolActors share one store of the reference index's closes
    /// (<paramref name="symbols"/>' store if it has one, else a new one: give a store to one node only), which one
    /// <see cref="ReferenceIndexFeedActor"/> per node (<c>/user/reference-index-feed</c>, registry key
    /// <see cref="ReferenceIndexFeedActor"/>) fills.
    /// </summary>
    public static AkkaConfigurationBuilder AddSymbolSharding(this AkkaConfigurationBuilder builder, NodeClusterSettings settings,
        SymbolActorSettings? symbols = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(settings);
        builder
            .WithCustomSerializer("tickstock-reference-index", [typeof(IReferenceIndexMessage)], system => new ReferenceIndexMessageSerializer(system))
            .WithDistributedPubSub(string.Empty);
        if (!settings.HasRole(NodeRoles.Symbols))
        {
            // No shards here: the node reaches every SymbolActor through the region of a symbols node.
            return builder.WithShardRegionProxy<SymbolRegion>(SymbolShardTypeName, NodeRoles.Symbols, new SymbolMessageExtractor(settings.SymbolShards));
        }

        // This builder composes one node: its SymbolActors share one store of the reference index's closes, and one feed
        // fills it, so each update reaches a node once however many SymbolActors it runs.
        var shared = symbols ?? new SymbolActorSettings();
        ReferenceIndexCloses closes = shared.ReferenceIndexCloses ?? new ReferenceIndexCloses();
        shared = shared with { ReferenceIndexCloses = closes };
        builder
            .WithShardRegion<SymbolRegion>(
                SymbolShardTypeName,
                (_, _, resolver) =>
                {
                    var effective = shared;
                    if (effective.DailyBars is null)
                    {
                        IDailyBarSource? source = resolver.GetService<IDailyBarSource>();
                        if (source is null && resolver.GetService<NpgsqlDataSource>() is { } dataSource)
                        {
                            source = new PostgresDailyBarSource(dataSource);
                        }

                        effective = effective with { DailyBars = source };
                    }

                    return symbol => SymbolActor.PropsFor(symbol, effective);
                },
                new SymbolMessageExtractor(settings.SymbolShards),
                new ShardOptions
                {
                    StateStoreMode = StateStoreMode.DData,
                    RememberEntities = false,
                    Role = NodeRoles.Symbols,
                    PassivateIdleEntityAfter = settings.SymbolIdleTimeout,
                });
        if (shared.State.ReferenceIndex is { Length: > 0 } referenceIndex)
        {
            // Started after the region (hosting starts actors in the order they are added): the feed asks the reference
            // index's actor for a snapshot through it as soon as it starts.
            builder.WithActors((system, registry) => registry.Register<ReferenceIndexFeedActor>(
                system.ActorOf(ReferenceIndexFeedActor.PropsFor(referenceIndex, closes, registry.Get<SymbolRegion>()), ReferenceIndexFeedActor.Name)));
        }

        return builder;
    }
}
