using Akka.Actor;
using TickStock.Actors.Hosting;

namespace TickStock.Actors.MarketData;

/// <summary>
/// Registry key of the market-data feed: a proxy to the cluster's one <see cref="MarketDataFeedActor"/>, a singleton on
/// the oldest <c>feed</c> node (<see cref="Hosting.NodeRoles.Feed"/>), wherever it runs.
/// </summary>
public sealed class MarketDataFeed;

/// <summary>The MarketData module's protocol: what <see cref="MarketDataFeedActor"/> answers.</summary>
public static class MarketDataFeedQueries
{
    /// <summary>Asks the feed how far it got.</summary>
    [WireName("feed.stats?")]
    public sealed record GetStats : IClusterMessage
    {
        public static readonly GetStats Instance = new();
    }

    /// <summary>
    /// Commands delivered (acknowledged) so far, stream failures, whether the stream runs now (not
    /// waiting to restart, not completed), and when commands were last delivered (health reads these).
    /// </summary>
    [WireName("feed.stats")]
    public sealed record FeedStats(string Source, long Sent, int Failures, bool Running, DateTimeOffset? LastDeliveredAt) : IClusterMessage
    {
        /// <summary>The provider stream's connection and counters (the polygon source only).</summary>
        public LiveFeedStatus? Live { get; init; }
    }
}

/// <summary>What the node that hosts the feed tells it (never across nodes).</summary>
public static class MarketDataFeedCommands
{
    /// <summary>
    /// The node is stopping: end the stream for good (no restart) and answer <see cref="FeedStopped"/> once the
    /// commands in flight are acknowledged or failed, so no bar is sent to shard regions that are handing off.
    /// </summary>
    public sealed record StopFeeding : INoSerializationVerificationNeeded
    {
        public static readonly StopFeeding Instance = new();
    }

    /// <summary>Answer to <see cref="StopFeeding"/>: the stream has ended.</summary>
    public sealed record FeedStopped : INoSerializationVerificationNeeded
    {
        public static readonly FeedStopped Instance = new();
    }
}
