using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using TickStock.Core.Bars;
using TickStock.Core.Contracts;
using TickStock.Core.Feed;

namespace TickStock.Actors.Diagnostics;

/// <summary>How a data-load job finished one symbol.</summary>
public enum JobSymbolResult
{
    Loaded,
    Failed,
}

/// <summary>
/// Process-wide counts the actors bump on their own paths: one interlocked add each, read by
/// <see cref="TickStockMetrics"/> only when scraped. Static because one process is one node, and
/// the counts sit on paths (every bar, every published batch) that must not look anything up.
/// </summary>
public static class PipelineCounters
{
    /// <summary>The tiers of contract §2, in the order of the published-events cells.</summary>
    public static readonly IReadOnlyList<string> Tiers = [PatternTier.Intraday, PatternTier.Daily, PatternTier.Combo, PatternTier.Test, PatternTier.Synthetic];

    private static readonly long[] BarsByTimeframe = new long[Enum.GetValues<Timeframe>().Length];
    private static readonly long[] JobSymbolsByResult = new long[Enum.GetValues<JobSymbolResult>().Length];
    private static readonly long[] PublishedByTier = new long[Tiers.Count];
    private static readonly ConcurrentDictionary<int, long[]> PolygonByStatus = new();
    private static readonly long[] FeedBadFramesByKind = new long[BadFrameKinds.All.Count];
    private static readonly ConcurrentDictionary<(string Channel, string Reason), long[]> RefusedInbound = new();
    private static long _refusedInboundTotal;
    private static long _symbolsActive;
    private static long _feedReconnects;

    public static long SymbolsActive => Interlocked.Read(ref _symbolsActive);

    /// <summary>Connections to the provider's stream that broke and were reopened (or are about to be).</summary>
    public static long FeedReconnects => Interlocked.Read(ref _feedReconnects);

    public static void FeedReconnect() => Interlocked.Increment(ref _feedReconnects);

    public static void FeedBadFrames(IReadOnlyList<BadInput> refused)
    {
        ArgumentNullException.ThrowIfNull(refused);
        foreach (var bad in refused) Interlocked.Increment(ref FeedBadFramesByKind[(int)bad.Kind]);
    }

    public static IEnumerable<Measurement<long>> FeedBadFrameCounts()
    {
        foreach (var kind in BadFrameKinds.All)
        {
            yield return new Measurement<long>(Interlocked.Read(ref FeedBadFramesByKind[(int)kind]), new KeyValuePair<string, object?>("kind", kind.Name()));
        }
    }

    public static void BarsProcessedAdd(Timeframe timeframe, int count) => Interlocked.Add(ref BarsByTimeframe[(int)timeframe], count);

    public static long BarsProcessed(Timeframe timeframe) => Interlocked.Read(ref BarsByTimeframe[(int)timeframe]);

    public static void SymbolStarted() => Interlocked.Increment(ref _symbolsActive);

    public static void SymbolStopped() => Interlocked.Decrement(ref _symbolsActive);

    public static void JobSymbolFinished(JobSymbolResult result) => Interlocked.Increment(ref JobSymbolsByResult[(int)result]);

    public static long JobSymbols(JobSymbolResult result) => Interlocked.Read(ref JobSymbolsByResult[(int)result]);

    /// <summary>Index of <paramref name="tier"/> in <see cref="Tiers"/>; -1 for a name the contract does not know.</summary>
    public static int TierIndex(string tier) => tier switch
    {
        PatternTier.Intraday => 0,
        PatternTier.Daily => 1,
        PatternTier.Combo => 2,
        PatternTier.Test => 3,
        PatternTier.Synthetic => 4,
        _ => -1,
    };

    /// <summary>Events of the tier at <paramref name="tierIndex"/> (<see cref="TierIndex"/>) Redis acknowledged.</summary>
    public static void PublishedAdd(int tierIndex, int count)
    {
        if (tierIndex >= 0 && count > 0) Interlocked.Add(ref PublishedByTier[tierIndex], count);
    }

    public static long Published(int tierIndex) => Interlocked.Read(ref PublishedByTier[tierIndex]);

    /// <summary>
    /// One message from outside (a job control, health check or tick message) refused as malformed
    /// or invalid. The channel is one the daemon subscribed to and the reason one of a fixed set,
    /// so hostile input cannot grow the label space.
    /// </summary>
    public static void InboundRefused(string channel, string reason)
    {
        Interlocked.Increment(ref RefusedInbound.GetOrAdd((channel, reason), static _ => new long[1])[0]);
        Interlocked.Increment(ref _refusedInboundTotal);
    }

    /// <summary>Messages refused on every channel since the process started.</summary>
    public static long InboundRefusedTotal => Interlocked.Read(ref _refusedInboundTotal);

    public static IEnumerable<Measurement<long>> InboundRefusals()
    {
        foreach (var ((channel, reason), cell) in RefusedInbound)
        {
            yield return new Measurement<long>(Interlocked.Read(ref cell[0]),
                new KeyValuePair<string, object?>("channel", channel), new KeyValuePair<string, object?>("reason", reason));
        }
    }

    /// <summary>One provider request answered with <paramref name="status"/> (0: no HTTP answer).</summary>
    public static void PolygonRequest(int status) =>
        Interlocked.Increment(ref PolygonByStatus.GetOrAdd(status, static _ => new long[1])[0]);

    public static IEnumerable<Measurement<long>> PolygonRequests()
    {
        foreach (var (status, cell) in PolygonByStatus)
        {
            yield return new Measurement<long>(Interlocked.Read(ref cell[0]),
                new KeyValuePair<string, object?>("status", status.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
    }
}
