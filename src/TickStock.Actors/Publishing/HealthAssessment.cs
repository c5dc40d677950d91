using Akka.Cluster;
using TickStock.Core.Contracts;
using TickStock.Core.Polygon;

namespace TickStock.Actors.Publishing;

/// <summary>What the health reporter saw of each component, as plain values.</summary>
public sealed record HealthSnapshot(
    string RedisEndpoint,
    bool RedisConnected,
    bool RedisPublishFailing,
    long BufferedEvents,
    bool PostgresDown,
    bool SpillFailing,
    long RowsSpilled,
    MemberStatus? ClusterStatus,
    string ClusterAddress,
    string MarketDataSource,
    MarketDataState? MarketData,
    ProviderVerdict Polygon,
    long RefusedInbound,
    long PatternsDetected,
    long UptimeSeconds);

/// <summary>The market-data feed's state as the health reporter needs it (null: no answer yet).</summary>
public sealed record MarketDataState(bool Running, int Failures, TimeSpan? SinceLastDelivery);

/// <summary>
/// Turns a <see cref="HealthSnapshot"/> into the contract §4 report. Pure, so each rule is
/// unit-tested: Redis follows the connection's real state (not the last failed write); a cluster
/// still joining is <c>starting</c>, not an error.
/// </summary>
public static class HealthAssessment
{
    public static HealthReport Assess(HealthSnapshot s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var components = new Dictionary<string, ComponentHealth>(StringComparer.Ordinal)
        {
            ["redis"] = Redis(s),
            ["postgres"] = Postgres(s),
            ["market_data"] = MarketData(s),
            ["polygon"] = new(s.Polygon.State, s.Polygon.Detail),
            ["cluster"] = Cluster(s.ClusterStatus, s.ClusterAddress),
        };
        return new HealthReport(components, s.PatternsDetected, s.UptimeSeconds);
    }

    public static ComponentHealth Redis(HealthSnapshot s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var checks = s.RefusedInbound > 0 ? $"; {s.RefusedInbound} malformed messages refused on the daemon's channels" : "";
        if (!s.RedisConnected) return new(ComponentState.Degraded, $"unreachable at {s.RedisEndpoint}; {s.BufferedEvents} events buffered{checks}");
        return s.RedisPublishFailing && s.BufferedEvents > 0
            ? new(ComponentState.Degraded, $"connected to {s.RedisEndpoint}; {s.BufferedEvents} events waiting to be published{checks}")
            : new(ComponentState.Healthy, $"connected to {s.RedisEndpoint}{checks}");
    }

    public static ComponentHealth Postgres(HealthSnapshot s)
    {
        ArgumentNullException.ThrowIfNull(s);
        if (!s.PostgresDown) return new(ComponentState.Healthy, "writing integration_events");
        return s.SpillFailing
            ? new(ComponentState.Degraded, "unreachable, and the spill file cannot be written: audit rows wait in memory")
            : new(ComponentState.Degraded, $"unreachable; {s.RowsSpilled} audit rows spilled to file so far");
    }

    public static ComponentHealth MarketData(HealthSnapshot s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var source = s.MarketDataSource;
        if (string.Equals(source, "none", StringComparison.OrdinalIgnoreCase)) return new(ComponentState.Healthy, "no market data source on this node");
        if (s.MarketData is not { } feed) return new(ComponentState.Starting, $"source {source} not started yet");
        if (feed.Failures < 0) return new(ComponentState.Degraded, $"source {source} does not answer");
        if (!feed.Running) return new(ComponentState.Degraded, feed.Failures > 0 ? $"source {source} restarting after {feed.Failures} failures" : $"source {source} stopped");
        return feed.SinceLastDelivery is { } age
            ? new(ComponentState.Healthy, $"source {source} running; last bar delivered {age.TotalSeconds:0} s ago")
            : new(ComponentState.Healthy, $"source {source} running; no bar delivered yet");
    }

    public static ComponentHealth Cluster(MemberStatus? status, string address) => status switch
    {
        MemberStatus.Up => new(ComponentState.Healthy, $"member up ({address})"),
        null or MemberStatus.Joining or MemberStatus.WeaklyUp => new(ComponentState.Starting, $"joining the cluster ({status?.ToString() ?? "not a member yet"})"),
        MemberStatus.Leaving or MemberStatus.Exiting => new(ComponentState.Degraded, $"member {status}"),
        _ => new(ComponentState.Error, $"member {status}"),
    };
}
