using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Configuration;
using TickStock.Actors.Hosting;

namespace TickStock.Actors.Tests.Clustering;

/// <summary>The sharding tuning a node runs with, as Akka reads it from hocon/akka.conf (not just the file's text).</summary>
public sealed class ShardingSettingsTests
{
    [Fact]
    public async Task A_hand_off_is_given_up_after_10_s_not_Akka_s_default_60()
    {
        var config = ConfigurationFactory.ParseString("akka.actor.provider = cluster\nakka.remote.dot-netty.tcp.port = 0\nakka.remote.dot-netty.tcp.hostname = 127.0.0.1")
            .WithFallback(HoconFiles.Load("akka.conf"))
            .WithFallback(ClusterSharding.DefaultConfig())
            .WithFallback(Akka.Cluster.Tools.Singleton.ClusterSingleton.DefaultConfig());
        using var system = ActorSystem.Create("settings", config);
        try
        {
            var settings = ClusterShardingSettings.Create(system);

            Assert.Equal(TimeSpan.FromSeconds(10), settings.TuningParameters.HandOffTimeout);
            Assert.Equal(StateStoreMode.DData, settings.StateStoreMode);
            Assert.False(settings.RememberEntities);
        }
        finally
        {
            await system.Terminate();
        }
    }
}
