using TickStock.Core.Contracts;

namespace TickStock.Actors.Publishing;

/// <summary>Messages between the pipeline's actors (and from heartbeats/health/shutdown).</summary>
public static class PipelineCommands
{
    /// <summary>An integration row that is not a pattern (heartbeat, start/stop, expiry).</summary>
    public sealed record LogRow(IntegrationRow Row);

    /// <summary>Events whose audit rows are committed (or spilled): publish them.</summary>
    public sealed record PublishBatch(IReadOnlyList<PatternEvent> Events);

    /// <summary>Refresh the Redis heartbeat keys with this unix-seconds value.</summary>
    public sealed record SetHeartbeat(double UnixSeconds);

    /// <summary>Publish a ready health message on the health channel.</summary>
    public sealed record PublishHealth(byte[] Message);

    /// <summary>Graceful stop: write/publish everything buffered, then answer <see cref="FlushCompleted"/>.</summary>
    public sealed class Flush
    {
        public static readonly Flush Instance = new();
        private Flush() { }
    }

    public sealed record FlushCompleted(int UnpublishedEvents);
}

/// <summary>Registry key of the Publisher actor.</summary>
public sealed class PatternPublisher;
