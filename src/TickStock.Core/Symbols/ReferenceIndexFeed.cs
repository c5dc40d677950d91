namespace TickStock.Core.Symbols;

/// <summary>
/// A subscriber's view of the reference index's broadcast stream, to tell when it missed updates and must ask the
/// reference index for a snapshot of every close it holds. The subscriber is a node's feed of its close store
/// (<c>ReferenceIndexFeedActor</c>), one per node.
/// </summary>
/// <remarks>
/// <para>Why this is needed: across cluster nodes the broadcasts travel through distributed pub/sub, whose
/// subscriptions reach the other nodes by gossip, so the first updates after a subscriber starts (or after its node
/// joins) can pass it by. Updates are therefore numbered per incarnation of the reference index's actor (an incarnation
/// is a fresh random id each time that actor starts): <c>sequence</c> n carries the closes added since update n − 1,
/// and update 1 of an incarnation carries all it held then. Heartbeats carry the latest sequence and no closes, so a
/// missed tail shows up even when the reference index has gone quiet.</para>
/// <para>Pure state: the caller sends the snapshot request when a method returns true. Closes are idempotent (kept by
/// key), so asking once too often costs a message, never a wrong value; every rule below errs that way.</para>
/// </remarks>
public sealed class ReferenceIndexFeed
{
    private long _incarnation;
    private long _covered;

    /// <summary>Incarnation whose updates are being followed; 0 before any was seen.</summary>
    public long Incarnation => _incarnation;

    /// <summary>Every update of <see cref="Incarnation"/> up to this sequence is held (received or inside a snapshot).</summary>
    public long Covered => _covered;

    /// <summary>True between asking for a snapshot and receiving one.</summary>
    public bool AwaitingSnapshot { get; private set; }

    /// <summary>Records that a snapshot was asked for (the subscriber does so when it starts).</summary>
    public void SnapshotRequested() => AwaitingSnapshot = true;

    /// <summary>
    /// An update (<paramref name="carriesCloses"/>) or a heartbeat from the reference index. Returns true when updates were
    /// missed and a snapshot should be requested now.
    /// </summary>
    public bool OnBroadcast(long incarnation, long sequence, bool carriesCloses)
    {
        if (incarnation != _incarnation)
        {
            bool firstContact = _incarnation == 0;
            _incarnation = incarnation;
            _covered = 0;
            if (firstContact && AwaitingSnapshot)
            {
                return false; // the snapshot asked for at start is on its way and settles where we stand
            }
        }

        if (sequence <= _covered)
        {
            return false;
        }

        if (carriesCloses && sequence == _covered + 1)
        {
            _covered = sequence;
            return false;
        }

        // A gap. An update does not ask again while a request is out; a heartbeat does, in case it was lost.
        if (carriesCloses && AwaitingSnapshot)
        {
            return false;
        }

        AwaitingSnapshot = true;
        return true;
    }

    /// <summary>A snapshot taken by <paramref name="incarnation"/> after its update <paramref name="sequence"/>.</summary>
    public void OnSnapshot(long incarnation, long sequence)
    {
        AwaitingSnapshot = false;
        if (incarnation != _incarnation)
        {
            // Which incarnation is newer cannot be told; following the snapshot's is safe because a broadcast of any
            // other incarnation resets the count and asks again.
            _incarnation = incarnation;
            _covered = sequence;
        }
        else if (sequence > _covered)
        {
            _covered = sequence;
        }
    }
}
