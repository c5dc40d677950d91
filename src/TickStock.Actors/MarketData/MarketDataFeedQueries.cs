namespace TickStock.Actors.MarketData;

/// <summary>The MarketData module's protocol: what <see cref="MarketDataFeedActor"/> answers.</summary>
public static class MarketDataFeedQueries
{
    /// <summary>Asks the feed how far it got.</summary>
    public sealed record GetStats
    {
        public static readonly GetStats Instance = new();
    }

    /// <summary>
    /// Commands delivered (acknowledged) so far, stream failures, whether the stream runs now (not
    /// waiting to restart, not completed), and when commands were last delivered (health reads these).
    /// </summary>
    public sealed record FeedStats(string Source, long Sent, int Failures, bool Running, DateTimeOffset? LastDeliveredAt)
    {
        /// <summary>The provider stream's connection and counters (the polygon source only).</summary>
        public LiveFeedStatus? Live { get; init; }
    }
}
