using Akka.Cluster;
using Akka.Cluster.Hosting;
using Akka.Hosting;
using Akka.Remote.Hosting;
using TickStock.Actors.Configuration;

namespace TickStock.Actors.Hosting;

/// <summary>Cluster-wide wiring of a TickStock node (remoting, clustering, HOCON); each module adds itself with its own extension.</summary>
public static class ClusterHostingExtensions
{
    public const string ActorSystemName = "tickstock";

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
}
