using System.Net;
using System.Text.Json;
using Npgsql;
using TickStock.Testing;

namespace TickStock.Cluster.Tests;

/// <summary>
/// A network partition: the third node runs in a network namespace the test creates, and its link is taken down.
/// The two-node majority downs it (split brain resolver, keep-majority) and carries on with every shard and the
/// singletons; the cut-off node, a minority of one, downs itself and exits non-zero so a supervisor restarts it;
/// after the link heals, the restarted node rejoins.
/// </summary>
public class PartitionTests
{
    /// <summary>The exit code of a node the cluster removed (README's exit-code table; DaemonHost.ExitRemovedFromCluster).</summary>
    private const int RemovedFromCluster = 10;

    [Fact(Timeout = 300_000)]
    public async Task The_majority_downs_a_cut_off_node_and_carries_on_the_node_exits_and_rejoins_after_healing()
    {
        await using var cluster = await ClusterHarness.CreateAsync("split");
        var ns = cluster.Own(await NetworkNamespace.CreateAsync());
        var host = IPAddress.Parse(ns.HostAddress);
        // The cut-off node reaches Redis and PostgreSQL through proxies on the host side of its link, so the cut
        // takes them away too: a node that lost its network, not only its peers.
        var redisProxy = cluster.Own(new TcpProxy(LocalServices.RedisPort, host));
        var postgresProxy = cluster.Own(new TcpProxy(LocalServices.PostgresPort, host));

        cluster.Common["TICKSTOCK_MARKET_DATA"] = "synthetic";
        cluster.Common["TICKSTOCK_SYNTHETIC_SYMBOLS"] = "6";
        cluster.Common["TICKSTOCK_SYNTHETIC_PACE"] = "fast";
        cluster.Common["TICKSTOCK_MARKET_SPEED"] = "2";
        var nodes = cluster.Define(3, [ns.HostAddress, ns.HostAddress, ns.InnerAddress]);
        var cutOff = nodes[2];
        cutOff.Launcher = ns.Launcher;
        var redisRest = LocalServices.RedisConfiguration.Contains(',', StringComparison.Ordinal)
            ? LocalServices.RedisConfiguration[LocalServices.RedisConfiguration.IndexOf(',', StringComparison.Ordinal)..]
            : string.Empty;
        cutOff.Environment["TICKSTOCK_REDIS"] = $"{ns.HostAddress}:{redisProxy.Port}{redisRest}";
        cutOff.Environment["TICKSTOCK_PG"] = new NpgsqlConnectionStringBuilder(cluster.Schema.ConnectionString) { Host = ns.HostAddress, Port = postgresProxy.Port }.ConnectionString;
        cutOff.Environment["PGPASSFILE"] = PasswordFileFor(cluster, ns.HostAddress);

        await cluster.StartAllAsync();
        var entities = await WaitForSettledEntitiesAsync(cluster, nodes[0], nodes.Count);

        await ns.CutAsync();

        // The majority: the cut-off node is downed and removed, and its shards run on the two that remain.
        await cluster.WaitForMembersAsync(nodes[0], up: 2, where: v => v.GetProperty("members").GetArrayLength() == 2
            && v.GetProperty("members").EnumerateArray().All(m => m.GetProperty("address").GetString() != cutOff.Address));
        var after = await SymbolPlacementTests.WaitForEntitiesAsync(cluster, nodes[1], entities);
        Assert.All(after.GetProperty("regions").EnumerateArray(), r => Assert.NotEqual(cutOff.Address, r.GetProperty("address").GetString()));
        Assert.Contains(nodes.Take(2), n => n.Output.Contains("Job coordinator listening on " + cluster.Channels.JobChannel, StringComparison.Ordinal));

        // The minority of one downs itself, shuts down and exits with a failure code, for its supervisor to restart it.
        var exit = await cutOff.Process.WaitForExitAsync(ClusterHarness.MembershipTimeout);
        Assert.True(exit is not null, $"the cut-off node is still running\n{cutOff.Output}");
        Assert.True(exit == RemovedFromCluster, $"the cut-off node exited {exit}, not {RemovedFromCluster} (removed from the cluster)\n{cutOff.Output}");

        await ns.HealAsync();
        await cutOff.StartAsync();
        await cluster.WaitForMembersAsync(nodes[0], up: 3, where: v => v.GetProperty("members").EnumerateArray().Any(m => m.GetProperty("address").GetString() == cutOff.Address));
        await cluster.WaitForMembersAsync(cutOff, up: 3);
    }

    /// <summary>
    /// Entities once the cluster is quiet: every node's region hosts shards (the rebalances towards the nodes that joined
    /// last have run) and the count has not changed over three looks 5 s apart, longer than the coordinator's 10 s
    /// rebalance interval. A cut in the middle of a hand-off measures that hand-off, not the partition.
    /// </summary>
    private static async Task<int> WaitForSettledEntitiesAsync(ClusterHarness cluster, ClusterNode asked, int nodes)
    {
        var deadline = DateTime.UtcNow + ClusterHarness.MembershipTimeout;
        var counts = new List<int>();
        while (DateTime.UtcNow < deadline)
        {
            var shards = await asked.GetJsonAsync("/v1/shards");
            var regions = shards.GetProperty("regions").EnumerateArray().Count(r => r.GetProperty("shards").GetInt32() > 0);
            var total = (int)shards.GetProperty("total_entities").GetInt64();
            counts.Add(regions == nodes && total > 0 ? total : -1);
            if (counts.Count >= 3 && counts[^3..].All(c => c > 0 && c == counts[^1])) return total;
            await Task.Delay(5000);
        }

        Assert.Fail("the entity count did not settle\n" + cluster.Logs());
        return 0;
    }

    /// <summary>
    /// The local password file with its host fields set to <paramref name="host"/>: the cut-off node connects to
    /// PostgreSQL through the proxy at that address, and libpq-style files match on the host name.
    /// </summary>
    private static string PasswordFileFor(ClusterHarness cluster, string host)
    {
        var source = LocalServices.PasswordFile;
        Assert.False(string.IsNullOrEmpty(source), "PGPASSFILE is not set (.local/services.env)");
        var path = Path.Combine(cluster.DataDirectory, "..", "pgpass");
        var lines = File.ReadAllLines(source!).Select(line => line.Contains(':', StringComparison.Ordinal) ? host + line[line.IndexOf(':', StringComparison.Ordinal)..] : line);
        File.WriteAllLines(path, lines);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return Path.GetFullPath(path);
    }
}
