using Akka.Cluster;
using TickStock.Actors.Publishing;
using TickStock.Core.Contracts;
using TickStock.Core.Polygon;

namespace TickStock.Actors.Tests.Publishing;

/// <summary>Issue 18.3: each component's health follows its real state.</summary>
public class HealthAssessmentTests
{
    private static readonly HealthSnapshot AllWell = new(
        "127.0.0.1:6379", RedisConnected: true, RedisPublishFailing: false, BufferedEvents: 0, PostgresDown: false, SpillFailing: false,
        RowsSpilled: 0, MemberStatus.Up, "akka.tcp://tickstock@localhost:1", "synthetic",
        new MarketDataState(Running: true, Failures: 0, TimeSpan.FromSeconds(2)),
        new ProviderVerdict(ComponentState.Healthy, "embedded local stub; no requests yet"), 0, 10, 60);

    private static string Status(HealthReport report, string component) => HealthReport.Name(report.Components[component].State);

    [Fact]
    public void All_well_is_healthy()
    {
        var report = HealthAssessment.Assess(AllWell);
        Assert.Equal(ComponentState.Healthy, report.Overall);
        Assert.Contains("last bar delivered 2 s ago", report.Components["market_data"].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_node_still_joining_the_cluster_is_starting_and_degraded_overall_not_in_error()
    {
        var joining = HealthAssessment.Assess(AllWell with { ClusterStatus = MemberStatus.Joining, MarketData = null });
        var notYet = HealthAssessment.Assess(AllWell with { ClusterStatus = null });

        Assert.Equal("starting", Status(joining, "cluster"));
        Assert.Equal("starting", Status(joining, "market_data"));
        Assert.Equal(ComponentState.Degraded, joining.Overall);
        Assert.Equal("starting", Status(notYet, "cluster"));
        Assert.Equal(ComponentState.Error, HealthAssessment.Assess(AllWell with { ClusterStatus = MemberStatus.Down }).Overall);
    }

    [Fact]
    public void Redis_follows_the_connection_not_an_old_failure()
    {
        // A write failed earlier and nothing has been published since: the connection is back, nothing waits.
        Assert.Equal("healthy", Status(HealthAssessment.Assess(AllWell with { RedisPublishFailing = true }), "redis"));
        Assert.Equal("degraded", Status(HealthAssessment.Assess(AllWell with { RedisPublishFailing = true, BufferedEvents = 12 }), "redis"));
        Assert.Equal("degraded", Status(HealthAssessment.Assess(AllWell with { RedisConnected = false }), "redis"));
    }

    [Fact]
    public void Market_data_reports_a_restarting_or_silent_source()
    {
        Assert.Equal("degraded", Status(HealthAssessment.Assess(AllWell with { MarketData = new MarketDataState(false, 3, null) }), "market_data"));
        Assert.Equal("degraded", Status(HealthAssessment.Assess(AllWell with { MarketData = new MarketDataState(false, -1, null) }), "market_data"));
        Assert.Equal("healthy", Status(HealthAssessment.Assess(AllWell with { MarketDataSource = "none", MarketData = null }), "market_data"));
    }

    [Fact]
    public void PostgreSQL_down_with_the_spill_file_failing_says_so()
    {
        var detail = HealthAssessment.Assess(AllWell with { PostgresDown = true, SpillFailing = true }).Components["postgres"];
        Assert.Equal(ComponentState.Degraded, detail.State);
        Assert.Contains("spill file cannot be written", detail.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Polygon_carries_the_provider_s_verdict()
    {
        var refused = new ProviderVerdict(ComponentState.Error, "provider API key configured: the provider rejected the API key (401)");
        var report = HealthAssessment.Assess(AllWell with { Polygon = refused });
        Assert.Equal("error", Status(report, "polygon"));
        Assert.Equal(refused.Detail, report.Components["polygon"].Detail);
        Assert.Equal(ComponentState.Error, report.Overall);
    }
}
