using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TickStock.Actors.Configuration;
using TickStock.Actors.Hosting;

namespace TickStock.Actors.Tests.Clustering;

/// <summary>
/// One cluster node in the test process: a generic host running an actor system composed like the daemon's
/// (AddTickStockCluster first, then whatever the test adds), on a free loopback port.
/// </summary>
internal sealed class ClusterTestNode : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly IHost _host;

    private ClusterTestNode(IHost host, NodeClusterSettings settings)
    {
        _host = host;
        Settings = settings;
        System = host.Services.GetRequiredService<ActorSystem>();
        Registry = host.Services.GetRequiredService<ActorRegistry>();
    }

    public ActorSystem System { get; }

    public ActorRegistry Registry { get; }

    public NodeClusterSettings Settings { get; }

    public Akka.Cluster.Cluster Cluster => Akka.Cluster.Cluster.Get(System);

    public int UpMembers => Cluster.State.Members.Count(m => m.Status == MemberStatus.Up);

    /// <summary>Starts a node with <paramref name="roles"/> (null = all), joining <paramref name="seed"/> (null = itself).</summary>
    public static async Task<ClusterTestNode> StartAsync(ClusterTestNode? seed, IEnumerable<string>? roles,
        Action<AkkaConfigurationBuilder, NodeClusterSettings> modules, Action<NodeClusterSettings>? configure = null, string? hocon = null)
    {
        var settings = new NodeClusterSettings { Hostname = "127.0.0.1", Port = 0 };
        foreach (var role in roles ?? []) settings.Roles.Add(role);
        if (seed is not null) settings.SeedNodes.Add(seed.Cluster.SelfAddress.ToString());
        configure?.Invoke(settings);

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Services.AddAkka(ClusterHostingExtensions.ActorSystemName, (akka, _) =>
        {
            akka.AddHocon("akka.loglevel = WARNING\nakka.stdout-loglevel = WARNING\n" + StrictSerialization.Hocon + (hocon ?? string.Empty), HoconAddMode.Prepend)
                .AddTickStockCluster(settings);
            modules(akka, settings);
        });
        IHost host = builder.Build();
        await host.StartAsync().ConfigureAwait(false);
        return new ClusterTestNode(host, settings);
    }

    /// <summary>Polls <paramref name="condition"/> every 100 ms until it holds or <see cref="Patience"/> runs out.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        using var cts = new CancellationTokenSource(Patience);
        while (!await condition())
        {
            if (cts.IsCancellationRequested)
            {
                throw new TimeoutException($"not reached within {Patience.TotalSeconds} s: {what}");
            }

            await Task.Delay(100, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Whether an actor lives at <paramref name="path"/> of this node.</summary>
    public async Task<bool> HasLocalActorAsync(string path)
    {
        var identity = await System.ActorSelection(path).Ask<ActorIdentity>(new Identify(path), TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        return identity.Subject is not null;
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(CancellationToken.None).ConfigureAwait(false);
        _host.Dispose();
    }
}
