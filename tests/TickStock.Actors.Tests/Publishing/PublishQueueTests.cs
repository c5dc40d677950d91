using TickStock.Actors.Publishing;
using TickStock.Core.Contracts;

namespace TickStock.Actors.Tests.Publishing;

/// <summary>The Publisher's queue decisions: batching, acknowledgement, retry order, expiry and the bound.</summary>
public class PublishQueueTests
{
    private const double Now = 1_732_812_345;

    private static List<PatternEvent> Events(int from, int count, double expiresAt = Now + 3600) =>
        Enumerable.Range(from, count).Select(i => PipelineRig.Event(i) with { ExpiresAt = expiresAt }).ToList();

    [Fact]
    public void Batches_leave_oldest_first_one_at_a_time_and_only_when_acknowledged()
    {
        var queue = new PublishQueue(100);
        var events = Events(0, 10);
        Assert.Null(queue.Add(events));

        var first = queue.TakeBatch(4, Now, out var expired);
        Assert.Null(expired);
        Assert.Equal(events.Take(4), first);
        Assert.Null(queue.TakeBatch(4, Now, out _)); // one batch in flight at a time
        Assert.Equal(10, queue.Count);

        Assert.Equal(4, queue.Acknowledge());
        Assert.Equal(6, queue.Count);
        Assert.Equal(events.Skip(4).Take(4), queue.TakeBatch(4, Now, out _));
    }

    [Fact]
    public void A_failed_batch_goes_back_to_the_front_in_order()
    {
        var queue = new PublishQueue(100);
        var events = Events(0, 6);
        queue.Add(events);
        queue.TakeBatch(3, Now, out _);
        queue.Add(Events(6, 2));

        queue.Fail();

        Assert.False(queue.IsInFlight);
        Assert.Equal(events.Take(5), queue.TakeBatch(5, Now, out _));
    }

    [Fact]
    public void Expired_events_are_removed_before_a_batch_is_taken()
    {
        var queue = new PublishQueue(100);
        var stale = Events(0, 3, expiresAt: Now - 1);
        var fresh = Events(3, 2);
        queue.Add([stale[0], fresh[0], stale[1], fresh[1], stale[2]]);

        var batch = queue.TakeBatch(10, Now, out var expired);

        Assert.Equal(stale, expired);
        Assert.Equal(fresh, batch);
    }

    [Fact]
    public void Beyond_the_bound_the_oldest_waiting_events_are_dropped_never_one_in_flight()
    {
        var queue = new PublishQueue(10);
        var events = Events(0, 10);
        queue.Add(events);
        var inFlight = queue.TakeBatch(6, Now, out _)!;

        var late = Events(10, 3);
        var dropped = queue.Add(late);

        // The four waiting behind the batch are the oldest droppable ones: three of them go.
        Assert.Equal(events.Skip(6).Take(3), dropped);
        Assert.Equal(10, queue.Count);
        // The acknowledgement removes exactly the batch that was sent; the rest is still there.
        Assert.Equal(6, queue.Acknowledge());
        Assert.Equal(events.Skip(9).Concat(late), queue.TakeBatch(10, Now, out _));
        Assert.Equal(events.Take(6), inFlight);
    }

    [Fact]
    public void A_bound_below_the_batch_size_drops_new_events_while_a_full_batch_is_in_flight_and_keeps_the_queue()
    {
        var queue = new PublishQueue(3);
        var events = Events(0, 3);
        queue.Add(events);
        var batch = queue.TakeBatch(2000, Now, out _);
        Assert.Equal(events, batch);

        var late = Events(3, 2);
        Assert.Equal(late, queue.Add(late));
        Assert.Equal(3, queue.Count);

        queue.Fail();
        Assert.Equal(events, queue.TakeBatch(2000, Now, out _));
        Assert.Equal(3, queue.Acknowledge());
        Assert.Equal(0, queue.Count);
    }
}
