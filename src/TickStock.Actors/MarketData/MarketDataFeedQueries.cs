namespace TickStock.Actors.MarketData;

/// <summary>The MarketData module's protocol: what <see cref="MarketDataFeedActor"/> answers.</summary>
public static class MarketDataFeedQueries
{
    /// <summary>Asks the feed how far it got.</summary>
    public sealed record GetStats
    {
        public static readonly GetStats Instance = new();
    }

    /// <summary>Commands delivered (acknowledged) so far and stream failures.</summary>
    public sealed record FeedStats(string Source, long Sent, int Failures);
}
