using Akka.Actor;
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
    /// <remarks>
    /// The node joins (itself or its seeds) only once every module of the node has started, not when the actor
    /// system is created: a member that is Up before its shard region and its sharding replicator run makes the
    /// coordinator's state writes fail (they must reach every member of a small cluster) and messages to any shard
    /// being moved wait behind them; measured in the partition test, a node in a slow start held the whole feed for
    /// its 60 s ask timeout. Hosting runs startup tasks after all actor registrations, so this one comes last.
    /// </remarks>
    public static AkkaConfigurationBuilder AddTickStockCluster(this AkkaConfigurationBuilder builder, NodeClusterSettings settings)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(settings);
        var seeds = SeedAddresses(settings);
        builder
            .AddHocon(HoconFiles.Load("akka.conf"), HoconAddMode.Append)
            .WithCustomSerializer("tickstock", [typeof(IClusterMessage)], system => new ClusterMessageSerializer(system))
            .WithRemoting(RemoteOptionsFor(settings))
            .WithClustering(new ClusterOptions { Roles = settings.EffectiveRoles.ToArray() })
            .AddStartup((system, _) =>
            {
                var cluster = Cluster.Get(system);
                if (seeds.Count == 0) cluster.Join(cluster.SelfAddress);
                else cluster.JoinSeedNodes(seeds);
            });

        return builder;
    }

    /// <summary>The configured seed nodes as addresses; a malformed one fails the start with the value named.</summary>
    public static IReadOnlyList<Address> SeedAddresses(NodeClusterSettings settings)
    {
        var seeds = new List<Address>();
        foreach (var seed in settings.SeedNodes)
        {
            if (string.IsNullOrWhiteSpace(seed)) continue;
            try
            {
                var address = Address.Parse(seed.Trim());
                if (address.Host is null || address.Port is null) throw new UriFormatException("no host or port");
                seeds.Add(address);
            }
            catch (UriFormatException ex)
            {
                throw new ArgumentException($"Seed node '{seed}' is not an address like akka.tcp://{ActorSystemName}@host:port ({ex.Message})", nameof(settings), ex);
            }
        }

        return seeds;
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
