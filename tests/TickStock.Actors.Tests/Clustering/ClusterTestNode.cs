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
            // INFO into memory (NodeLog), not to the console: a test that times out reports the nodes' last lines.
            akka.AddHocon("akka.loglevel = INFO\nakka.stdout-loglevel = WARNING\n" + StrictSerialization.Hocon + (hocon ?? string.Empty), HoconAddMode.Prepend)
                .ConfigureLoggers(loggers =>
                {
                    loggers.ClearLoggers();
                    loggers.AddLogger<NodeLogger>();
                })
                .AddTickStockCluster(settings);
            modules(akka, settings);
        });
        IHost host = builder.Build();
        await host.StartAsync().ConfigureAwait(false);
        return new ClusterTestNode(host, settings);
    }

    /// <summary>
    /// Polls <paramref name="condition"/> every 100 ms until it holds or <see cref="Patience"/> runs out; the timeout's
    /// message ends with <paramref name="context"/>'s description of the state (e.g. <see cref="Describe"/> of the nodes).
    /// </summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what, Func<Task<string>>? context = null)
    {
        using var cts = new CancellationTokenSource(Patience);
        while (!await condition())
        {
            if (cts.IsCancellationRequested)
            {
                string state = context is null ? string.Empty : Environment.NewLine + await context().ConfigureAwait(false);
                throw new TimeoutException($"not reached within {Patience.TotalSeconds} s: {what}{state}");
            }

            await Task.Delay(100, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>The nodes' membership views (oldest first, with up numbers) and their last <paramref name="lines"/> log lines each, for a timeout's message.</summary>
    public static string Describe(IEnumerable<ClusterTestNode> nodes, int lines = 60)
    {
        var text = new System.Text.StringBuilder();
        foreach (var node in nodes)
        {
            var state = node.Cluster.State;
            text.AppendLine($"--- node {node.Cluster.SelfAddress} roles [{string.Join(',', node.Settings.EffectiveRoles)}]: members "
                + string.Join(", ", state.Members.OrderBy(m => m, Member.AgeOrdering).Select(m => m.ToString()))
                + $"; unreachable [{string.Join(", ", state.Unreachable.Select(m => m.Address.Port))}]; leader {state.Leader?.Port}");
            foreach (var line in NodeLog.For(node.System).Lines.TakeLast(lines)) text.AppendLine(line);
        }

        return text.ToString();
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
