using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using TickStock.Actors.Configuration;
using TickStock.Actors.Hosting;
using TickStock.Actors.Symbols;

namespace TickStock.Actors.Tests.Symbols;

/// <summary>The node's cluster + sharding wiring, exactly as the daemon composes it.</summary>
public class SymbolShardingTests : HostedTestKit
{
    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider)
    {
        builder.AddHocon(Clustering.StrictSerialization.Hocon, HoconAddMode.Prepend);
        var settings = new NodeClusterSettings();
        builder.AddTickStockCluster(settings).AddSymbolSharding(settings);
    }

    [Fact]
    public async Task A_single_node_joins_itself_and_routes_each_ticker_to_one_entity()
    {
        await AwaitConditionAsync(() => Task.FromResult(Cluster.Get(Sys).SelfMember.Status == MemberStatus.Up), TimeSpan.FromSeconds(20));
        var region = await ActorRegistry.WaitForAsync<SymbolRegion>(TimeSpan.FromSeconds(30));

        var first = await region.Ask<SymbolQueries.SymbolStatus>(new SymbolQueries.GetStatus("aapl"), TimeSpan.FromSeconds(10));
        var again = await region.Ask<SymbolQueries.SymbolStatus>(new SymbolQueries.GetStatus("AAPL"), TimeSpan.FromSeconds(10));
        var other = await region.Ask<SymbolQueries.SymbolStatus>(new SymbolQueries.GetStatus("MSFT"), TimeSpan.FromSeconds(10));

        Assert.Equal("AAPL", first.Symbol);
        Assert.Equal(first.StartedAt, again.StartedAt); // same entity instance, not a new one
        Assert.Equal("MSFT", other.Symbol);
        Assert.Contains("symbols", Cluster.Get(Sys).SelfRoles);
        Assert.Contains("jobs", Cluster.Get(Sys).SelfRoles);
        // Safe by default: remoting listens on loopback only unless TICKSTOCK_AKKA_HOST says otherwise.
        Assert.Equal("127.0.0.1", Cluster.Get(Sys).SelfAddress.Host);
    }
}
