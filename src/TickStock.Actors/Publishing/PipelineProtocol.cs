using Akka.Actor;
using TickStock.Core.Contracts;

namespace TickStock.Actors.Publishing;

/// <summary>
/// Registry key of the pattern pipeline's entry: <c>registry.Get&lt;PatternPipeline&gt;()</c>. A
/// deliberate facade rather than the actor type: detectors only know "the pipeline", and the actor
/// behind the key is the <see cref="IntegrationLoggerActor"/> itself (not its parent), because the
/// row must be committed before the publish and every extra mailbox on that path costs latency.
/// </summary>
public sealed class PatternPipeline;

/// <summary>What the rest of the node sends to the pattern pipeline.</summary>
public static class PatternCommands
{
    /// <summary>
    /// A detected pattern to audit and publish (contract §2/§3.2). Fire-and-forget, and never across nodes: each
    /// SymbolActor hands its patterns to the pipeline of the node it lives on.
    /// </summary>
    public sealed record PatternDetected(PatternEvent Event) : INoSerializationVerificationNeeded;
}

/// <summary>Messages between the pipeline's actors, and the graceful-stop handshake.</summary>
public static class PipelineCommands
{
    /// <summary>An integration row that is not a pattern (heartbeat, start/stop, expiry): to the IntegrationLogger.</summary>
    public sealed record LogRow(IntegrationRow Row);

    /// <summary>Events whose audit rows are committed (or spilled): to the Publisher.</summary>
    public sealed record PublishBatch(IReadOnlyList<PatternEvent> Events);

    /// <summary>
    /// Graceful stop: write/publish everything buffered, then answer <see cref="FlushCompleted"/>.
    /// Sent to the <see cref="PatternPipelineActor"/> (which first stops the heartbeat), the
    /// IntegrationLogger (which then writes PRODUCER_STOPPED) or the Publisher.
    /// </summary>
    public sealed class Flush
    {
        public static readonly Flush Instance = new();
        private Flush() { }
    }

    public sealed record FlushCompleted(int UnpublishedEvents);
}

/// <summary>Between the IntegrationLogger and its <see cref="AuditSpillActor"/>.</summary>
public static class AuditSpillCommands
{
    /// <summary>Rows PostgreSQL did not take (or may have lost): to the spill file; their events are published after.</summary>
    public sealed record Spill(IReadOnlyList<PendingRow> Rows);

    /// <summary>To the logger: PostgreSQL answered again (the spill file is being inserted).</summary>
    public sealed class DatabaseBack
    {
        public static readonly DatabaseBack Instance = new();
        private DatabaseBack() { }
    }

    /// <summary>The node stops: finish the append in flight, start nothing more, answer with <see cref="Stopped"/>.</summary>
    public sealed class Stop
    {
        public static readonly Stop Instance = new();
        private Stop() { }
    }

    /// <summary>Rows neither PostgreSQL nor the disk took, for the stop to try once more.</summary>
    public sealed record Stopped(List<IntegrationRow> HeldRows);
}

/// <summary>What the Publisher tells its parent.</summary>
public static class PublisherEvents
{
    /// <summary>
    /// Events dropped unpublished (past expires_at, or beyond the queue's bound); each needs one
    /// PATTERN_EXPIRED row with <paramref name="Reason"/>, made at <paramref name="At"/>.
    /// </summary>
    public sealed record EventsDropped(IReadOnlyList<PatternEvent> Events, string Reason, DateTimeOffset At);
}

/// <summary>Reasons written in PATTERN_EXPIRED rows' details (contract §3.2).</summary>
public static class ExpiryReasons
{
    /// <summary>Past its expires_at while Redis could not be reached.</summary>
    public const string Expired = "expired before Redis could be reached";

    /// <summary>Dropped, oldest first, because the publish queue reached its bound while Redis was unreachable.</summary>
    public const string BufferFull = "buffer_full";
}
