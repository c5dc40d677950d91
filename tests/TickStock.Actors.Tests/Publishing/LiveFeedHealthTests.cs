using Akka.Cluster;
using TickStock.Actors.MarketData;
using TickStock.Actors.Publishing;
using TickStock.Core.Contracts;
using TickStock.Core.Polygon;

namespace TickStock.Actors.Tests.Publishing;

/// <summary>Issue 15.3: what health says about the provider's stream (market_data, and polygon when the provider refused us).</summary>
public class LiveFeedHealthTests
{
    private static readonly HealthSnapshot Polygon = new(
        "127.0.0.1:6379", RedisConnected: true, RedisPublishFailing: false, BufferedEvents: 0, PostgresDown: false, SpillFailing: false,
        RowsSpilled: 0, MemberStatus.Up, "akka.tcp://tickstock@localhost:1", "polygon", null,
        new ProviderVerdict(ComponentState.Healthy, "provider API key configured; last request succeeded"), 0, 10, 60);

    private static LiveFeedStatus Live(LiveFeedState state, LiveFeedProblem problem = LiveFeedProblem.None, string? reason = null) =>
        new("wss://socket.massive.com/stocks", state, problem, reason, null, state == LiveFeedState.Streaming ? 500 : 0, 1, 0, 10, 10, 0, 0, 0, 0, null,
            new Dictionary<string, long> { ["invalid_bar"] = 2 }, reason);

    private static HealthReport Assess(LiveFeedStatus live, TimeSpan? retryIn = null) => HealthAssessment.Assess(Polygon with
    {
        MarketData = new MarketDataState(true, 0, TimeSpan.FromSeconds(3)) { Live = live, LiveRetryIn = retryIn },
    });

    [Fact]
    public void Streaming_is_healthy_and_says_how_many_symbols_and_refused_frames()
    {
        var report = Assess(Live(LiveFeedState.Streaming));

        Assert.Equal(ComponentState.Healthy, report.Components["market_data"].State);
        Assert.Equal("source polygon streaming from wss://socket.massive.com/stocks: 500 symbols subscribed; last bar delivered 3 s ago; 2 refused frames",
            report.Components["market_data"].Detail);
        Assert.Equal(ComponentState.Healthy, report.Components["polygon"].State);
    }

    [Fact]
    public void A_rejected_key_is_a_polygon_error_with_the_reason_and_the_next_attempt()
    {
        var report = Assess(Live(LiveFeedState.WaitingToReconnect, LiveFeedProblem.AuthFailed, "the provider rejected the API key (auth_failed: authentication failed)"),
            TimeSpan.FromMinutes(4));

        Assert.Equal(ComponentState.Error, report.Components["polygon"].State);
        Assert.Equal("the provider rejected the API key (auth_failed: authentication failed); next attempt in 4 min", report.Components["polygon"].Detail);
        Assert.Equal(ComponentState.Degraded, report.Components["market_data"].State);
    }

    [Fact]
    public void Max_connections_is_a_polygon_error_that_names_the_other_process()
    {
        var report = Assess(Live(LiveFeedState.WaitingToReconnect, LiveFeedProblem.MaxConnections, "another process is using this API key: …"), TimeSpan.FromSeconds(45));

        Assert.Equal(ComponentState.Error, report.Components["polygon"].State);
        Assert.StartsWith("another process is using this API key", report.Components["polygon"].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_dropped_connection_is_degraded_market_data_not_a_provider_error()
    {
        var report = Assess(Live(LiveFeedState.WaitingToReconnect, LiveFeedProblem.Connection, "connection lost: reset"), TimeSpan.FromSeconds(1));

        Assert.Equal(ComponentState.Degraded, report.Components["market_data"].State);
        Assert.Equal("source polygon disconnected (connection lost: reset); next attempt in 1 s", report.Components["market_data"].Detail);
        Assert.Equal(ComponentState.Healthy, report.Components["polygon"].State);
    }
}
