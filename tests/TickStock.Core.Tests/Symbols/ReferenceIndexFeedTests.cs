using TickStock.Core.Symbols;
using Xunit;

namespace TickStock.Core.Tests.Symbols;

/// <summary>When a subscriber of the reference index's numbered updates must ask for a snapshot.</summary>
public sealed class ReferenceIndexFeedTests
{
    private const long First = 11;
    private const long Second = 22;

    private static ReferenceIndexFeed Started()
    {
        var feed = new ReferenceIndexFeed();
        feed.SnapshotRequested();
        return feed;
    }

    [Fact]
    public void Updates_in_order_after_the_start_snapshot_need_nothing_more()
    {
        var feed = Started();
        feed.OnSnapshot(First, 3);

        Assert.False(feed.OnBroadcast(First, 4, carriesCloses: true));
        Assert.False(feed.OnBroadcast(First, 5, carriesCloses: true));
        Assert.False(feed.OnBroadcast(First, 5, carriesCloses: false)); // heartbeat: nothing missed
        Assert.Equal(5, feed.Covered);
        Assert.False(feed.AwaitingSnapshot);
    }

    [Fact]
    public void A_gap_in_the_updates_asks_once_and_the_snapshot_settles_it()
    {
        var feed = Started();
        feed.OnSnapshot(First, 0);

        Assert.True(feed.OnBroadcast(First, 3, carriesCloses: true)); // 1 and 2 passed this node by
        Assert.False(feed.OnBroadcast(First, 4, carriesCloses: true)); // already asked
        feed.OnSnapshot(First, 4);
        Assert.False(feed.OnBroadcast(First, 5, carriesCloses: true));
        Assert.Equal(5, feed.Covered);
    }

    [Fact]
    public void A_heartbeat_ahead_of_what_is_held_reveals_a_missed_tail_and_asks_again_while_waiting()
    {
        var feed = Started();
        feed.OnSnapshot(First, 2);

        Assert.True(feed.OnBroadcast(First, 7, carriesCloses: false));
        Assert.True(feed.OnBroadcast(First, 7, carriesCloses: false)); // the request or its answer may have been lost
        feed.OnSnapshot(First, 7);
        Assert.False(feed.OnBroadcast(First, 7, carriesCloses: false));
    }

    [Fact]
    public void An_update_that_overtakes_the_start_snapshot_waits_for_it()
    {
        var feed = Started();

        Assert.False(feed.OnBroadcast(First, 6, carriesCloses: true)); // first contact, the snapshot is on its way
        feed.OnSnapshot(First, 6);
        Assert.False(feed.OnBroadcast(First, 7, carriesCloses: true));
        Assert.Equal(First, feed.Incarnation);
    }

    [Fact]
    public void A_restarted_reference_index_whose_first_update_arrives_needs_no_snapshot_but_a_later_one_does()
    {
        var feed = Started();
        feed.OnSnapshot(First, 9);

        Assert.False(feed.OnBroadcast(Second, 1, carriesCloses: true)); // update 1 holds all the new incarnation had
        Assert.Equal(Second, feed.Incarnation);
        Assert.Equal(1, feed.Covered);

        var other = Started();
        other.OnSnapshot(First, 9);
        Assert.True(other.OnBroadcast(Second, 4, carriesCloses: true)); // updates 1–3 of the new incarnation were missed
        other.OnSnapshot(Second, 4);
        Assert.Equal(4, other.Covered);
    }

    [Fact]
    public void A_new_incarnation_with_nothing_published_yet_is_not_a_gap()
    {
        var feed = Started();
        feed.OnSnapshot(First, 9);

        Assert.False(feed.OnBroadcast(Second, 0, carriesCloses: false));
        Assert.Equal(Second, feed.Incarnation);
    }
}
