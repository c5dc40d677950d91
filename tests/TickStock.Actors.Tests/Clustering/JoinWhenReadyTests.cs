using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using TickStock.Actors.Configuration;
using TickStock.Actors.Hosting;

namespace TickStock.Actors.Tests.Clustering;

/// <summary>
/// A node becomes a member only once all of its modules have started: a member whose shard region and sharding
/// replicator are not running yet blocks the coordinator's state writes (they must reach every member of a small
/// cluster), and with them every message to a shard being moved.
/// </summary>
public sealed class JoinWhenReadyTests : IAsyncLifetime
{
    private readonly List<ClusterTestNode> _nodes = [];

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        for (int i = _nodes.Count - 1; i >= 0; i--) await _nodes[i].DisposeAsync();
    }

    [Fact]
    public async Task A_node_with_seeds_is_not_a_member_while_its_modules_are_still_starting()
    {
        var seed = await ClusterTestNode.StartAsync(null, null, (_, _) => { });
        _nodes.Add(seed);

        // The second node's last module takes its time to start; meanwhile the seed looks for it among its members.
        var seenWhileStarting = false;
        var looked = 0;
        var second = await ClusterTestNode.StartAsync(seed, null, (akka, _) => akka.WithActors((system, _) =>
        {
            var self = Cluster.Get(system).SelfAddress;
            var until = DateTime.UtcNow + TimeSpan.FromSeconds(4);
            while (DateTime.UtcNow < until && !seenWhileStarting)
            {
                seenWhileStarting = seed.Cluster.State.Members.Any(m => m.Address == self);
                looked++;
                Thread.Sleep(100); // start-up code on the host's thread, not an actor's
            }
        }));
        _nodes.Add(second);

        Assert.True(looked >= 30, $"the start-up module only looked {looked} times");
        Assert.False(seenWhileStarting, "the seed had the node as a member before the node's modules had started");
        await ClusterTestNode.EventuallyAsync(() => Task.FromResult(seed.UpMembers == 2 && second.UpMembers == 2), "the node joined once started");
    }

    [Theory]
    [InlineData("akka.tcp://tickstock@10.0.0.5:4053", "10.0.0.5", 4053)]
    [InlineData("  akka.tcp://tickstock@node-a.internal:4053 ", "node-a.internal", 4053)]
    public void Seed_nodes_parse_as_addresses(string seed, string host, int port)
    {
        var settings = new NodeClusterSettings();
        settings.SeedNodes.Add(seed);
        settings.SeedNodes.Add(" ");

        var address = Assert.Single(ClusterHostingExtensions.SeedAddresses(settings));

        Assert.Equal(("akka.tcp", "tickstock", host, (int?)port), (address.Protocol, address.System, address.Host, address.Port));
    }

    [Theory]
    [InlineData("tickstock@10.0.0.5:4053")]
    [InlineData("akka.tcp://tickstock")]
    [InlineData("not an address")]
    public void A_malformed_seed_node_fails_the_start_with_its_value_named(string seed)
    {
        var settings = new NodeClusterSettings();
        settings.SeedNodes.Add(seed);

        var error = Assert.Throws<ArgumentException>(() => ClusterHostingExtensions.SeedAddresses(settings));

        Assert.Contains($"'{seed}'", error.Message, StringComparison.Ordinal);
    }
}
