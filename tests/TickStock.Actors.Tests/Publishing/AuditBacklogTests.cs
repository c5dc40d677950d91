using TickStock.Actors.Publishing;

namespace TickStock.Actors.Tests.Publishing;

/// <summary>The IntegrationLogger's batching, write slots and the memory bound of rows nothing took.</summary>
public class AuditBacklogTests
{
    private static List<IntegrationRow> Rows(int n) =>
        Enumerable.Range(0, n).Select(i => IntegrationRow.System("heartbeat", "PRODUCER_ALIVE", "{}", DateTimeOffset.UnixEpoch.AddSeconds(i))).ToList();

    [Fact]
    public void Batches_are_taken_oldest_first_up_to_the_free_write_slots()
    {
        var backlog = new AuditBacklog(100);
        var rows = Rows(5);
        foreach (var row in rows) backlog.Add(new PendingRow(row, null));

        var first = backlog.TryTake(maxBatch: 2, maxInFlight: 2);
        var second = backlog.TryTake(maxBatch: 2, maxInFlight: 2);

        Assert.Equal(rows.Take(2), first!.Select(p => p.Row));
        Assert.Equal(rows.Skip(2).Take(2), second!.Select(p => p.Row));
        Assert.Null(backlog.TryTake(2, 2));
        backlog.Completed();
        Assert.Equal(rows.Skip(4), backlog.TryTake(2, 2)!.Select(p => p.Row));
        Assert.False(backlog.IsIdle);
        backlog.Completed();
        backlog.Completed();
        Assert.True(backlog.IsIdle);
    }

    [Fact]
    public void Requeued_rows_are_kept_newest_first_up_to_the_memory_bound_and_the_rest_counted()
    {
        var backlog = new AuditBacklog(5);
        backlog.Add(new PendingRow(Rows(1)[0], null));
        backlog.Add(new PendingRow(Rows(1)[0], null));
        var failed = Rows(6);

        Assert.Equal(3, backlog.Requeue(failed));

        Assert.Equal(5, backlog.Count);
        Assert.Equal(failed.Skip(3), backlog.TryTake(10, 1)!.Skip(2).Select(p => p.Row));
    }

    [Fact]
    public void With_nowhere_to_write_events_are_released_and_their_rows_kept_within_the_bound()
    {
        var backlog = new AuditBacklog(3);
        var patterns = Enumerable.Range(0, 4).Select(i => PipelineRig.Event(i)).ToList();
        var rows = Rows(4);
        for (var i = 0; i < 4; i++) backlog.Add(new PendingRow(rows[i], patterns[i]));

        var events = backlog.ReleaseEvents(out var dropped);

        Assert.Equal(patterns, events);
        Assert.Equal(1, dropped);
        var kept = backlog.TryTake(10, 1)!;
        Assert.Equal(rows.Skip(1), kept.Select(p => p.Row));
        Assert.All(kept, p => Assert.Null(p.Event));
    }

    [Fact]
    public void Completing_more_batches_than_were_taken_is_a_bug()
    {
        Assert.Throws<InvalidOperationException>(() => new AuditBacklog(1).Completed());
    }
}
