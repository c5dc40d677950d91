using TickStock.Core.Contracts;

namespace TickStock.Actors.Publishing;

/// <summary>An audit row waiting to be written, with the event to publish once it is (null for other rows).</summary>
public sealed record PendingRow(IntegrationRow Row, PatternEvent? Event)
{
    public static List<IntegrationRow> RowsOf(List<PendingRow> batch) => batch.ConvertAll(p => p.Row);

    /// <summary>The batch's events, in order (rows that are not patterns have none).</summary>
    public static List<PatternEvent> EventsOf(List<PendingRow> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var events = new List<PatternEvent>(batch.Count);
        foreach (var pending in batch)
        {
            if (pending.Event is { } e) events.Add(e);
        }

        return events;
    }
}

/// <summary>
/// The IntegrationLogger's rows waiting to be written and the count of batches out (to PostgreSQL
/// or the spill file). Pure bookkeeping, so the batching and the memory bound are unit-tested.
/// New rows are never refused (each is a detected pattern or a heartbeat, arriving at the rate
/// the node produces them); only rows that came back because neither PostgreSQL nor the disk took
/// them are bounded, by <see cref="MemoryCapacity"/>.
/// </summary>
public sealed class AuditBacklog(int memoryCapacity)
{
    private readonly Queue<PendingRow> _rows = new();

    public int MemoryCapacity { get; } = memoryCapacity;

    /// <summary>Rows waiting (not those in flight).</summary>
    public int Count => _rows.Count;

    /// <summary>Batches taken and not yet reported back through <see cref="Completed"/>.</summary>
    public int InFlight { get; private set; }

    public bool IsIdle => InFlight == 0 && _rows.Count == 0;

    /// <summary>Nothing is out (rows may wait).</summary>
    public bool NothingInFlight => InFlight == 0;

    public void Add(PendingRow row) => _rows.Enqueue(row);

    /// <summary>
    /// The next batch (up to <paramref name="maxBatch"/> rows, oldest first) if fewer than
    /// <paramref name="maxInFlight"/> batches are out and a row waits; otherwise null.
    /// </summary>
    public List<PendingRow>? TryTake(int maxBatch, int maxInFlight)
    {
        if (InFlight >= maxInFlight || _rows.Count == 0) return null;
        var batch = new List<PendingRow>(Math.Min(_rows.Count, maxBatch));
        while (batch.Count < maxBatch && _rows.TryDequeue(out var next)) batch.Add(next);
        InFlight++;
        return batch;
    }

    /// <summary>A batch taken by <see cref="TryTake"/> is done with (written, spilled or handed back).</summary>
    public void Completed()
    {
        if (InFlight == 0) throw new InvalidOperationException("no batch is in flight");
        InFlight--;
    }

    /// <summary>
    /// Rows that neither PostgreSQL nor the spill file took come back as rows only (their events
    /// were delivered regardless: delivery beats audit). Kept up to <see cref="MemoryCapacity"/>
    /// rows waiting in all; the newest are kept. Returns how many rows were dropped.
    /// </summary>
    public int Requeue(IReadOnlyList<IntegrationRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var room = Math.Max(0, MemoryCapacity - _rows.Count);
        var dropped = Math.Max(0, rows.Count - room);
        for (var i = dropped; i < rows.Count; i++) _rows.Enqueue(new PendingRow(rows[i], null));
        return dropped;
    }

    /// <summary>
    /// Neither PostgreSQL nor the disk takes rows: the waiting events leave now (delivery beats
    /// audit) and their rows stay, up to <see cref="MemoryCapacity"/> (the oldest
    /// beyond it are dropped and counted in <paramref name="dropped"/>). Returns the events.
    /// </summary>
    public List<PatternEvent> ReleaseEvents(out int dropped)
    {
        var events = new List<PatternEvent>();
        var rows = new List<IntegrationRow>(_rows.Count);
        while (_rows.TryDequeue(out var pending))
        {
            if (pending.Event is { } e) events.Add(e);
            rows.Add(pending.Row);
        }

        dropped = Requeue(rows);
        return events;
    }

    /// <summary>Every waiting row, handed elsewhere as it is (not counted in flight).</summary>
    public List<PendingRow> TakeAll()
    {
        var rows = _rows.ToList();
        _rows.Clear();
        return rows;
    }

    /// <summary>Every waiting row (the node is stopping and writes them itself).</summary>
    public List<IntegrationRow> TakeAllRows()
    {
        var rows = _rows.Select(p => p.Row).ToList();
        _rows.Clear();
        return rows;
    }
}
