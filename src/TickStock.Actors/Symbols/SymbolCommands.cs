using TickStock.Actors.Hosting;
using TickStock.Core.Bars;
using TickStock.Core.Symbols;

namespace TickStock.Actors.Symbols;

/// <summary>Anything addressed to one ticker's SymbolActor; the shard region routes on <see cref="Symbol"/>.</summary>
public interface IWithSymbol
{
    string Symbol { get; }
}

/// <summary>Market data a SymbolActor consumes. Senders that Ask get <see cref="Ack"/> once it is processed (back-pressure).</summary>
public static class SymbolCommands
{
    /// <summary>One completed 1-minute bar (session date and minute of session filled in exchange time).</summary>
    [WireName("sym.bar")]
    public sealed record MinuteBar(string Symbol, Bar Bar) : IWithSymbol, IClusterMessage;

    /// <summary>Several consecutive 1-minute bars of one symbol in time order (fewer messages for fast sources).</summary>
    [WireName("sym.bars")]
    public sealed record MinuteBars(string Symbol, IReadOnlyList<Bar> Bars) : IWithSymbol, IClusterMessage;

    /// <summary>One completed daily bar (published like live data).</summary>
    [WireName("sym.day")]
    public sealed record DailyBar(string Symbol, Bar Bar) : IWithSymbol, IClusterMessage;

    /// <summary>Historical daily bars in time order: they seed indicators and combo set-ups, nothing is published.</summary>
    [WireName("sym.seed")]
    public sealed record SeedDailyBars(string Symbol, IReadOnlyList<Bar> Bars) : IWithSymbol, IClusterMessage;

    /// <summary>One trade/tick; the actor builds 1-minute bars from ticks on exchange-time minute boundaries.</summary>
    [WireName("sym.tick")]
    public sealed record Tick(string Symbol, double Price, double Volume, long TimeMs) : IWithSymbol, IClusterMessage;

    /// <summary>Reply to a processed command (Ask-based back-pressure from the market data sources).</summary>
    [WireName("sym.ack")]
    public sealed record Ack : IClusterMessage
    {
        public static readonly Ack Instance = new();

        private Ack()
        {
        }
    }
}

/// <summary>Messages of the reference index's close stream that may cross nodes; bound to <see cref="ReferenceIndexMessageSerializer"/>.</summary>
public interface IReferenceIndexMessage;

/// <summary>
/// How the reference index's closes reach every node of the cluster (relative strength): the reference index's own actor
/// publishes each batch of new closes, numbered, on a distributed pub/sub topic (plus a heartbeat with the latest
/// number); each node's <see cref="ReferenceIndexFeedActor"/> adds them to the store the node's SymbolActors read, and
/// when it starts — or finds it missed some — asks that actor for a <see cref="Snapshot"/> through the symbol shard
/// region, wherever it lives. See <see cref="ReferenceIndexFeed"/>.
/// </summary>
public static class ReferenceIndexMessages
{
    /// <summary>The pub/sub topic of a reference index's closes.</summary>
    public static string Topic(string referenceIndex)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(referenceIndex);
        return "tickstock.reference-index." + referenceIndex.ToUpperInvariant();
    }

    /// <summary>
    /// Update <paramref name="Sequence"/> of incarnation <paramref name="Incarnation"/> of the reference index's actor: the closes
    /// it added since the previous update, oldest first. With no closes it is a heartbeat carrying the latest sequence.
    /// </summary>
    public sealed record Closes(string ReferenceIndex, long Incarnation, long Sequence, IReadOnlyList<KeyedClose> Minutes, IReadOnlyList<KeyedClose> Daily)
        : IReferenceIndexMessage
    {
        /// <summary>True for an update, false for a heartbeat.</summary>
        public bool CarriesCloses => Minutes.Count > 0 || Daily.Count > 0;
    }

    /// <summary>Every close the reference index's actor holds, taken after its update <paramref name="Sequence"/>.</summary>
    public sealed record Snapshot(string ReferenceIndex, long Incarnation, long Sequence, IReadOnlyList<KeyedClose> Minutes, IReadOnlyList<KeyedClose> Daily)
        : IReferenceIndexMessage;

    /// <summary>
    /// Sent through the shard region to the reference index's actor (<paramref name="Symbol"/> is the reference index's ticker, so it
    /// is routed like any message for that ticker); it answers the sender with a <see cref="Snapshot"/>.
    /// </summary>
    public sealed record SnapshotRequest(string Symbol) : IWithSymbol, IReferenceIndexMessage;
}

/// <summary>Queries a SymbolActor answers.</summary>
public static class SymbolQueries
{
    /// <summary>Asks a SymbolActor what it holds; answered with <see cref="SymbolStatus"/>.</summary>
    [WireName("sym.status?")]
    public sealed record GetStatus(string Symbol) : IWithSymbol, IClusterMessage;

    [WireName("sym.status")]
    public sealed record SymbolStatus(string Symbol, long BarsSeen, DateTimeOffset StartedAt) : IClusterMessage
    {
        /// <summary>Daily bars held (seeded + live).</summary>
        public long DailyBars { get; init; }

        /// <summary>Start of the latest bar processed, 1-minute or daily (a daily bar starts at midnight UTC of its session); null before any.</summary>
        public DateTimeOffset? LastBarTime { get; init; }

        /// <summary>Patterns sent to the pipeline by this incarnation.</summary>
        public long PatternsPublished { get; init; }

        /// <summary>Reference index 1-minute closes held (relative strength).</summary>
        public int ReferenceIndexMinutes { get; init; }

        /// <summary>Reference index daily closes held.</summary>
        public int ReferenceIndexDays { get; init; }
    }
}
