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
    public void A_flush_position_releases_exactly_the_batches_committed_at_or_before_it_whatever_order_they_came_in()
    {
        var held = new UnflushedRows();
        // Two writes in flight finish out of order: the later commit is held first.
        held.Hold(At(300), Rows(3));
        held.Hold(At(100), Rows(1));
        held.Hold(At(200), Rows(2));

        Assert.Equal(3, held.Release(At(200), out var uncertain));
        Assert.Equal(3, held.RowCount);
        Assert.Null(uncertain);
        Assert.Equal(0, held.Release(At(299), out uncertain));
        Assert.Equal(3, held.RowCount);
        Assert.Equal(3, held.Release(At(300), out uncertain));
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
    public void One_position_can_release_some_batches_keep_others_and_give_up_on_an_old_life_at_once()
    {
        var restarted = ServerStart.AddMinutes(1);
        var held = new UnflushedRows();
        var oldLife = Rows(2);
        var later = Rows(4);
        held.Hold(At(900), oldLife);
        held.Hold(At(100, restarted), Rows(1));
        held.Hold(At(300, restarted), later);
        held.Hold(At(150, restarted), Rows(3));

        Assert.Equal(4, held.Release(At(200, restarted), out var uncertain));

        Assert.Equal(oldLife, uncertain);
        Assert.Equal(4, held.RowCount);
        Assert.Equal(later, held.TakeAll());
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
}
