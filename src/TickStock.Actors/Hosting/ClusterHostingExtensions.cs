using Akka.Cluster;
using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using Akka.Remote.Hosting;
using Npgsql;
using TickStock.Actors.Configuration;
using TickStock.Actors.Symbols;

namespace TickStock.Actors.Hosting;

/// <summary>Registry key of the SymbolActor shard region.</summary>
public sealed class SymbolRegion;

/// <summary>AkkaConfigurationBuilder extensions that compose a TickStock node.</summary>
public static class ClusterHostingExtensions
{
    public const string ActorSystemName = "tickstock";

    /// <summary>Type name of the SymbolActor shard region.</summary>
    public const string SymbolShardTypeName = "symbol";

    /// <summary>
    /// Remoting + clustering from typed options, on top of hocon/akka.conf. With no seed nodes the
    /// node joins itself: a single-node cluster, so sharding and singletons work unchanged when
    /// more nodes are added later.
    /// </summary>
    public static AkkaConfigurationBuilder AddTickStockCluster(this AkkaConfigurationBuilder builder, NodeClusterSettings settings)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(settings);
        builder
            .AddHocon(HoconFiles.Load("akka.conf"), HoconAddMode.Append)
            .WithRemoting(new RemoteOptions { HostName = "0.0.0.0", PublicHostName = settings.Hostname, Port = settings.Port })
            .WithClustering(new ClusterOptions
            {
                Roles = settings.EffectiveRoles.ToArray(),
                SeedNodes = settings.SeedNodes.ToArray(),
            });

        if (settings.SeedNodes.Count == 0)
        {
            builder.AddStartup((system, _) =>
            {
                var cluster = Cluster.Get(system);
                cluster.Join(cluster.SelfAddress);
            });
        }

        return builder;
    }

    /// <summary>
    /// SymbolActor entities sharded by ticker (DData coordinator state, no remember-entities). Daily history for
    /// seeding comes from <paramref name="symbols"/>, else from an <see cref="IDailyBarSource"/> or
    /// <see cref="NpgsqlDataSource"/> registered in DI (ohlcv_daily), else actors start empty. Also starts distributed
    /// pub/sub (the reference index's closes for relative strength go to every node) and binds the reference index messages to
    /// their serializer.
    /// </summary>
    public static AkkaConfigurationBuilder AddSymbolSharding(this AkkaConfigurationBuilder builder, NodeClusterSettings settings,
        SymbolActorSettings? symbols = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(settings);
        return builder
            .WithCustomSerializer("tickstock-reference-index", [typeof(IReferenceIndexMessage)], system => new ReferenceIndexMessageSerializer(system))
            .WithDistributedPubSub(string.Empty)
            .WithShardRegion<SymbolRegion>(
                SymbolShardTypeName,
                (_, _, resolver) =>
                {
                    var effective = symbols ?? new SymbolActorSettings();
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
                    Role = "symbols",
                    PassivateIdleEntityAfter = settings.SymbolIdleTimeout,
                });
    }
}
