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
public sealed record MarketDataState(bool Running, int Failures, TimeSpan? SinceLastDelivery)
{
    /// <summary>The provider stream's connection (polygon source only).</summary>
    public TickStock.Actors.MarketData.LiveFeedStatus? Live { get; init; }

    /// <summary>Until the stream's next connection attempt, while it waits to reconnect.</summary>
    public TimeSpan? LiveRetryIn { get; init; }
}

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
            ["polygon"] = Polygon(s),
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

    /// <summary>
    /// The provider: an error when its stream refused us for a reason only a person can fix (the key was rejected, or
    /// another process uses the key; the daemon keeps running and retries slowly); otherwise what its REST answers say.
    /// </summary>
    public static ComponentHealth Polygon(HealthSnapshot s)
    {
        ArgumentNullException.ThrowIfNull(s);
        if (s.MarketData?.Live is { Problem: TickStock.Actors.MarketData.LiveFeedProblem.AuthFailed or TickStock.Actors.MarketData.LiveFeedProblem.MaxConnections } live)
        {
            return new(ComponentState.Error, $"{live.Reason}{RetryIn(s.MarketData.LiveRetryIn)}");
        }

        return new(s.Polygon.State, s.Polygon.Detail);
    }

    private static string RetryIn(TimeSpan? wait) => wait is { } w
        ? w.TotalSeconds >= 90 ? $"; next attempt in {w.TotalMinutes:0} min" : $"; next attempt in {Math.Max(0, w.TotalSeconds):0} s"
        : string.Empty;

    public static ComponentHealth MarketData(HealthSnapshot s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var source = s.MarketDataSource;
        if (string.Equals(source, "none", StringComparison.OrdinalIgnoreCase)) return new(ComponentState.Healthy, "no market data source on this node");
        if (s.MarketData is not { } feed) return new(ComponentState.Starting, $"source {source} not started yet");
        if (feed.Live is { } live && feed.Running) return LiveFeed(source, feed, live);
        if (feed.Failures < 0) return new(ComponentState.Degraded, $"source {source} does not answer");
        if (!feed.Running) return new(ComponentState.Degraded, feed.Failures > 0 ? $"source {source} restarting after {feed.Failures} failures" : $"source {source} stopped");
        return feed.SinceLastDelivery is { } age
            ? new(ComponentState.Healthy, $"source {source} running; last bar delivered {age.TotalSeconds:0} s ago")
            : new(ComponentState.Healthy, $"source {source} running; no bar delivered yet");
    }

    private static ComponentHealth LiveFeed(string source, MarketDataState feed, TickStock.Actors.MarketData.LiveFeedStatus live)
    {
        var refused = live.BadFramesTotal > 0 ? $"; {live.BadFramesTotal} refused frames" : string.Empty;
        var reconnects = live.Reconnects > 0 ? $"; {live.Reconnects} reconnects" : string.Empty;
        switch (live.State)
        {
            case TickStock.Actors.MarketData.LiveFeedState.Streaming:
                var last = feed.SinceLastDelivery is { } age ? $"last bar delivered {age.TotalSeconds:0} s ago" : "no bar delivered yet";
                return new(ComponentState.Healthy, $"source {source} streaming from {live.Url}: {live.Subscribed} symbols subscribed; {last}{reconnects}{refused}");
            case TickStock.Actors.MarketData.LiveFeedState.WaitingToReconnect:
                return new(ComponentState.Degraded, $"source {source} disconnected ({live.Reason}){RetryIn(feed.LiveRetryIn)}{reconnects}");
            default:
                return new(live.Connections == 0 ? ComponentState.Starting : ComponentState.Degraded, $"source {source} connecting to {live.Url}{reconnects}");
        }
    }

    public static ComponentHealth Cluster(MemberStatus? status, string address) => status switch
    {
        MemberStatus.Up => new(ComponentState.Healthy, $"member up ({address})"),
        null or MemberStatus.Joining or MemberStatus.WeaklyUp => new(ComponentState.Starting, $"joining the cluster ({status?.ToString() ?? "not a member yet"})"),
        MemberStatus.Leaving or MemberStatus.Exiting => new(ComponentState.Degraded, $"member {status}"),
        _ => new(ComponentState.Error, $"member {status}"),
    };
}
