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
    /// more nodes are added later. Remoting binds <see cref="NodeClusterSettings.Hostname"/> (loopback
    /// by default), advertises <see cref="NodeClusterSettings.PublicHostname"/> when set, and speaks
    /// TLS with the cluster certificate when one is configured (<see cref="RemotingTls"/>).
    /// </summary>
    public static AkkaConfigurationBuilder AddTickStockCluster(this AkkaConfigurationBuilder builder, NodeClusterSettings settings)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(settings);
        builder
            .AddHocon(HoconFiles.Load("akka.conf"), HoconAddMode.Append)
            .WithCustomSerializer("tickstock", [typeof(IClusterMessage)], system => new ClusterMessageSerializer(system))
            .WithRemoting(RemoteOptionsFor(settings))
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

    private static RemoteOptions RemoteOptionsFor(NodeClusterSettings settings)
    {
        var remote = new RemoteOptions
        {
            HostName = settings.Hostname,
            PublicHostName = string.IsNullOrWhiteSpace(settings.PublicHostname) ? null : settings.PublicHostname,
            Port = settings.Port,
        };
        if (settings.Tls.Enabled)
        {
            remote.EnableSsl = true;
            remote.Ssl = RemotingTls.Options(RemotingTls.LoadCertificate(settings.Tls));
        }

        return remote;
    }
}
