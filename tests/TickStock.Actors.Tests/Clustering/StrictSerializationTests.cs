using Akka.Cluster;
using Akka.Hosting;
using TickStock.Actors.Configuration;
using TickStock.Actors.Hosting;

namespace TickStock.Actors.Tests.Clustering;

/// <summary>
/// The strict test serialization must not change what Akka's own cluster machinery sees. A member's age (its up-number)
/// is what singleton managers and shard regions place the oldest node by; if a cluster event loses it on the way, nodes
/// disagree about which one is the oldest (NodeRolesTests saw the feed singleton stuck handing over to a younger node).
/// </summary>
public sealed class StrictSerializationTests : HostedTestKit
{
    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider)
    {
        builder.AddHocon(StrictSerialization.Hocon, HoconAddMode.Prepend);
        builder.AddTickStockCluster(new NodeClusterSettings());
    }

    [Fact]
    public async Task A_subscriber_receives_MemberUp_with_the_members_up_number()
    {
        // Delivered through serialize-messages like every local message here; the first member of a cluster is number 1.
        Cluster.Get(Sys).Subscribe(TestActor, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.MemberUp));
        var up = await ExpectMsgAsync<ClusterEvent.MemberUp>(TimeSpan.FromSeconds(20));

        Assert.Equal(Cluster.Get(Sys).SelfAddress, up.Member.Address);
        Assert.Contains("upNumber=1", up.Member.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_cluster_event_round_trips_as_the_same_instance_and_a_foreign_token_is_refused()
    {
        var self = Cluster.Get(Sys).SelfMember;
        var leader = new ClusterEvent.LeaderChanged(self.Address);
        var serializer = Assert.IsType<LocalClusterEventSerializer>(Sys.Serialization.FindSerializerFor(leader));

        Assert.Same(leader, serializer.FromBinary(serializer.ToBinary(leader), typeof(ClusterEvent.LeaderChanged)));
        Assert.Throws<System.Runtime.Serialization.SerializationException>(() => serializer.FromBinary(BitConverter.GetBytes(-1L), typeof(ClusterEvent.LeaderChanged)));
    }
}
