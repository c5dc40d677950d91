using Akka.Actor;

namespace TickStock.Actors.Hosting;

/// <summary>Why a node's actor system stopped, as far as the process supervisor needs to know.</summary>
public enum NodeStopReason
{
    /// <summary>Asked to stop (SIGTERM/SIGINT, or it left the cluster on request): a clean exit.</summary>
    Requested,

    /// <summary>
    /// The cluster removed it: downed by the split brain resolver (it was on the minority side of a partition) or by an
    /// operator, or it could not join its seed nodes. The process exits non-zero so systemd or Kubernetes restarts it
    /// and it joins again as a new incarnation.
    /// </summary>
    RemovedFromCluster,
}

/// <summary>Reads <see cref="NodeStopReason"/> from the coordinated shutdown that stopped the actor system.</summary>
public static class NodeStop
{
    public static NodeStopReason ReasonOf(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        return CoordinatedShutdown.Get(system).ShutdownReason switch
        {
            CoordinatedShutdown.ClusterDowningReason or CoordinatedShutdown.ClusterJoinUnsuccessfulReason => NodeStopReason.RemovedFromCluster,
            _ => NodeStopReason.Requested,
        };
    }
}
