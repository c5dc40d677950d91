namespace TickStock.Actors.Publishing;

/// <summary>
/// Audit rows whose commit did not wait for PostgreSQL's WAL flush, kept until the server reports
/// a flush position past their commit. Until then a server crash could take them away although
/// their events are already published, so a failure turns them into "uncertain" rows that are
/// inserted again where missing. Pure bookkeeping, owned by the IntegrationLogger actor.
/// </summary>
public sealed class UnflushedRows
{
    // In commit order as the writes completed. Two writes in flight may complete out of LSN order;
    // a batch behind a later commit is then let go with it, a little later than it could be: never
    // before its own flush.
    private readonly Queue<(WalPoint Commit, IReadOnlyList<IntegrationRow> Rows)> _held = new();

    /// <summary>Rows held (not batches).</summary>
    public int RowCount { get; private set; }

    public bool IsEmpty => _held.Count == 0;

    public void Hold(WalPoint commit, IReadOnlyList<IntegrationRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0) return;
        _held.Enqueue((commit, rows));
        RowCount += rows.Count;
    }

    /// <summary>
    /// Lets go of the oldest batches the flush position covers, up to the first it does not, and
    /// returns how many rows that was. Batches committed in an earlier life of the server (it
    /// restarted since) are no longer comparable: they are removed too and returned in
    /// <paramref name="uncertain"/> (null when there are none). Called once per write: it looks
    /// only at the batches it removes plus one, and allocates nothing in the usual case.
    /// </summary>
    public int Release(WalPoint flushed, out List<IntegrationRow>? uncertain)
    {
        uncertain = null;
        var released = 0;
        while (_held.TryPeek(out var batch))
        {
            if (flushed.Covers(batch.Commit)) released += batch.Rows.Count;
            else if (flushed.IsOtherLifeThan(batch.Commit)) (uncertain ??= []).AddRange(batch.Rows);
            else break;

            _held.Dequeue();
            RowCount -= batch.Rows.Count;
        }

        return released;
    }

    /// <summary>Moves every held batch, with its commit point, into a new set (a stop sorts them out off the actor).</summary>
    public UnflushedRows MoveOut()
    {
        var moved = new UnflushedRows();
        while (_held.TryDequeue(out var batch)) moved.Hold(batch.Commit, batch.Rows);
        RowCount = 0;
        return moved;
    }

    /// <summary>Removes and returns every held row (the database failed: none is known durable).</summary>
    public List<IntegrationRow> TakeAll()
    {
        var rows = _held.SelectMany(batch => batch.Rows).ToList();
        _held.Clear();
        RowCount = 0;
        return rows;
    }
}
