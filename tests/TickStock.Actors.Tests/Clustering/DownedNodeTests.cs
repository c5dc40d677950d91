using Akka.Actor;
using TickStock.Actors.Hosting;

namespace TickStock.Actors.Tests.Clustering;

/// <summary>
/// A node the cluster downs stops by itself (run-coordinated-shutdown-when-down) and says it was removed, so the daemon
/// exits non-zero; a node that leaves on request stops cleanly.
/// </summary>
public sealed class DownedNodeTests : IAsyncLifetime
{
    private readonly List<ClusterTestNode> _nodes = [];

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        for (int i = _nodes.Count - 1; i >= 0; i--) await _nodes[i].DisposeAsync();
    }

    [Fact]
    public async Task A_downed_member_shuts_down_as_removed_and_a_leaving_one_as_requested()
    {
        var first = await StartAsync(seed: null);
        var downed = await StartAsync(first);
        var leaving = await StartAsync(first);
        await ClusterTestNode.EventuallyAsync(() => Task.FromResult(first.UpMembers == 3 && downed.UpMembers == 3 && leaving.UpMembers == 3), "three nodes are up");

        first.Cluster.Down(downed.Cluster.SelfAddress);
        await downed.System.WhenTerminated.WaitAsync(ClusterTestNode.Patience);
        Assert.Equal(NodeStopReason.RemovedFromCluster, NodeStop.ReasonOf(downed.System));

        first.Cluster.Leave(leaving.Cluster.SelfAddress);
        await leaving.System.WhenTerminated.WaitAsync(ClusterTestNode.Patience);
        Assert.Equal(NodeStopReason.Requested, NodeStop.ReasonOf(leaving.System));
        Assert.IsType<CoordinatedShutdown.ClusterLeavingReason>(CoordinatedShutdown.Get(leaving.System).ShutdownReason);
    }

    private async Task<ClusterTestNode> StartAsync(ClusterTestNode? seed)
    {
        var node = await ClusterTestNode.StartAsync(seed, roles: null, (_, _) => { });
        _nodes.Add(node);
        return node;
    }
}
