using NpgsqlTypes;
using TickStock.Actors.Publishing;

namespace TickStock.Actors.Tests.Publishing;

public class UnflushedRowsTests
{
    private static readonly DateTime ServerStart = new(2026, 11, 29, 9, 0, 0, DateTimeKind.Utc);

    private static WalPoint At(ulong lsn, DateTime? started = null) => new(new NpgsqlLogSequenceNumber(lsn), started ?? ServerStart);

    private static List<IntegrationRow> Rows(int n) =>
        Enumerable.Range(0, n).Select(_ => IntegrationRow.System("heartbeat", "PRODUCER_ALIVE", "{}", DateTimeOffset.UnixEpoch)).ToList();

    [Fact]
    public void A_flush_position_releases_the_oldest_batches_it_covers_and_never_one_it_does_not()
    {
        var held = new UnflushedRows();
        held.Hold(At(100), Rows(1));
        held.Hold(At(200), Rows(2));
        // Two writes in flight finished out of order: 400 completed before 300.
        held.Hold(At(400), Rows(4));
        held.Hold(At(300), Rows(3));

        Assert.Equal(3, held.Release(At(250), out var uncertain));
        Assert.Equal(7, held.RowCount);
        Assert.Null(uncertain);
        // 300 is covered but waits behind 400, which is not: later than it could, never too early.
        Assert.Equal(0, held.Release(At(399), out uncertain));
        Assert.Equal(7, held.RowCount);
        Assert.Equal(7, held.Release(At(400), out uncertain));
        Assert.True(held.IsEmpty);
        Assert.Equal(0, held.RowCount);
        Assert.Null(uncertain);
    }

    [Fact]
    public void After_a_server_restart_positions_do_not_compare_and_the_old_batches_become_uncertain()
    {
        var held = new UnflushedRows();
        var before = Rows(2);
        held.Hold(At(500), before);

        // A crash lost the WAL from 400 on and the new server life writes there again: its position
        // 600 is past 500 but says nothing about the lost commit.
        Assert.Equal(0, held.Release(At(600, ServerStart.AddMinutes(1)), out var uncertain));

        Assert.Equal(before, uncertain);
        Assert.True(held.IsEmpty);
        Assert.Equal(0, held.RowCount);
    }

    [Fact]
    public void One_position_can_give_up_on_an_old_life_release_covered_batches_and_keep_the_rest_at_once()
    {
        var restarted = ServerStart.AddMinutes(1);
        var held = new UnflushedRows();
        var oldLife = Rows(2);
        var later = Rows(4);
        var last = Rows(3);
        held.Hold(At(900), oldLife);
        held.Hold(At(100, restarted), Rows(1));
        held.Hold(At(300, restarted), later);
        held.Hold(At(150, restarted), last);

        Assert.Equal(1, held.Release(At(200, restarted), out var uncertain));

        Assert.Equal(oldLife, uncertain);
        Assert.Equal(7, held.RowCount);
        Assert.Equal([.. later, .. last], held.TakeAll());
    }

    [Fact]
    public void TakeAll_empties_the_holder_and_returns_every_row_once()
    {
        var held = new UnflushedRows();
        var a = Rows(2);
        var b = Rows(3);
        held.Hold(At(10), a);
        held.Hold(At(20), b);
        held.Hold(At(30), []);

        var all = held.TakeAll();

        Assert.Equal([.. a, .. b], all);
        Assert.True(held.IsEmpty);
        Assert.Equal(0, held.RowCount);
        Assert.Empty(held.TakeAll());
    }

    [Fact]
    public void MoveOut_hands_over_every_batch_with_its_commit_point_and_leaves_the_holder_empty()
    {
        var held = new UnflushedRows();
        var a = Rows(2);
        var b = Rows(3);
        held.Hold(At(10), a);
        held.Hold(At(20), b);

        var moved = held.MoveOut();

        Assert.True(held.IsEmpty);
        Assert.Equal(0, held.RowCount);
        Assert.Equal(5, moved.RowCount);
        // The commit points came along: 15 covers the first batch only.
        Assert.Equal(2, moved.Release(At(15), out var uncertain));
        Assert.Null(uncertain);
        Assert.Equal(b, moved.TakeAll());
    }
}
