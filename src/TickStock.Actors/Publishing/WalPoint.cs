using NpgsqlTypes;

namespace TickStock.Actors.Publishing;

/// <summary>
/// A position in PostgreSQL's write-ahead log, with the start time of the server that reported it:
/// after a crash the server reuses the positions of the WAL it lost, so two points compare only
/// within one life of the server.
/// </summary>
public readonly record struct WalPoint(NpgsqlLogSequenceNumber Lsn, DateTime ServerStartedUtc)
{
    /// <summary>True when this flush position makes <paramref name="commit"/> durable.</summary>
    public bool Covers(WalPoint commit) => ServerStartedUtc == commit.ServerStartedUtc && Lsn >= commit.Lsn;

    /// <summary>True when <paramref name="other"/> comes from a different life of the server.</summary>
    public bool IsOtherLifeThan(WalPoint other) => ServerStartedUtc != other.ServerStartedUtc;
}

/// <summary>A commit that did not wait for its WAL flush, and the flush position seen right after it.</summary>
public readonly record struct DeferredCommit(WalPoint Commit, WalPoint Flushed);
