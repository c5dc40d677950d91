using Akka.Actor;
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
    public sealed record MinuteBar(string Symbol, Bar Bar) : IWithSymbol;

    /// <summary>Several consecutive 1-minute bars of one symbol in time order (fewer messages for fast sources).</summary>
    public sealed record MinuteBars(string Symbol, IReadOnlyList<Bar> Bars) : IWithSymbol;

    /// <summary>One completed daily bar (published like live data).</summary>
    public sealed record DailyBar(string Symbol, Bar Bar) : IWithSymbol;

    /// <summary>Historical daily bars in time order: they seed indicators and combo set-ups, nothing is published.</summary>
    public sealed record SeedDailyBars(string Symbol, IReadOnlyList<Bar> Bars) : IWithSymbol;

    /// <summary>One trade/tick; the actor builds 1-minute bars from ticks on exchange-time minute boundaries.</summary>
    public sealed record Tick(string Symbol, double Price, double Volume, long TimeMs) : IWithSymbol;

    /// <summary>Reply to a processed command (Ask-based back-pressure from the market data sources).</summary>
    public sealed record Ack
    {
        public static readonly Ack Instance = new();

        private Ack()
        {
        }
    }
}

/// <summary>
/// How the benchmark's closes reach every SymbolActor of a node (relative strength): the benchmark's own actor
/// publishes each batch of new closes on the node's EventStream, and a starting actor asks it for what it holds.
/// </summary>
public static class BenchmarkMessages
{
    /// <summary>New (or, as a snapshot reply, all held) closes of the benchmark, oldest first.</summary>
    public sealed record Closes(string Benchmark, IReadOnlyList<KeyedClose> Minutes, IReadOnlyList<KeyedClose> Daily);

    /// <summary>Published by a starting SymbolActor; the benchmark's actor answers <paramref name="ReplyTo"/> with <see cref="Closes"/>.</summary>
    public sealed record SnapshotRequest(string Benchmark, IActorRef ReplyTo);
}

/// <summary>Queries a SymbolActor answers.</summary>
public static class SymbolQueries
{
    /// <summary>Asks a SymbolActor what it holds; answered with <see cref="SymbolStatus"/>.</summary>
    public sealed record GetStatus(string Symbol) : IWithSymbol;

    public sealed record SymbolStatus(string Symbol, long BarsSeen, DateTimeOffset StartedAt)
    {
        /// <summary>Daily bars held (seeded + live).</summary>
        public long DailyBars { get; init; }

        /// <summary>Patterns sent to the pipeline by this incarnation.</summary>
        public long PatternsPublished { get; init; }

        /// <summary>Benchmark 1-minute closes held (relative strength).</summary>
        public int BenchmarkMinutes { get; init; }

        /// <summary>Benchmark daily closes held.</summary>
        public int BenchmarkDays { get; init; }
    }
}
