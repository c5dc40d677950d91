using TickStock.Core.Feed;
using Xunit;

namespace TickStock.Core.Tests.Feed;

public sealed class LiveBarGateTests
{
    // 2026-12-02 (a Wednesday) 10:00 New York = 15:00Z: inside the regular session.
    private static readonly long TenAm = new DateTimeOffset(2026, 12, 2, 15, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    private static MinuteAggregate Bar(string symbol, int minute) =>
        new(symbol, 10, 11, 9, 10.5, 100, TenAm + (minute * 60_000L), TenAm + ((minute + 1) * 60_000L));

    private static string Key(MinuteAggregate b) => $"{b.Symbol}@{(b.StartMs - TenAm) / 60_000}";

    [Fact]
    public void Each_symbol_and_minute_is_delivered_once_and_in_time_order()
    {
        var gate = new LiveBarGate(["A", "B"]);
        var out1 = new List<MinuteAggregate>();

        gate.OnLive(Bar("A", 0), out1);
        gate.OnLive(Bar("B", 0), out1);
        gate.OnLive(Bar("A", 0), out1); // replayed after a reconnect
        gate.OnLive(Bar("A", 1), out1);
        gate.OnLive(Bar("A", 1), out1);

        Assert.Equal(["A@0", "B@0", "A@1"], out1.Select(Key));
        Assert.Equal(2, gate.Duplicates);
    }

    [Fact]
    public void A_reconnect_that_skipped_minutes_back_fills_them_before_the_held_live_bars()
    {
        var gate = new LiveBarGate(["A", "B"]);
        var delivered = new List<MinuteAggregate>();
        gate.OnLive(Bar("A", 0), delivered);
        gate.OnLive(Bar("B", 0), delivered);

        gate.ConnectionLost();
        var gap = gate.OnLive(Bar("A", 4), delivered);
        gate.OnLive(Bar("B", 4), delivered);
        gate.OnLive(Bar("A", 5), delivered);

        Assert.NotNull(gap);
        Assert.Equal((TenAm, TenAm + (4 * 60_000L)), (gap.FromMs, gap.ToMs)); // minute 0 again: a cut burst loses part of it
        Assert.Equal(["A", "B"], gap.Symbols);
        Assert.Equal(["A@0", "B@0"], delivered.Select(Key)); // A's and B's live bars wait for their back-fill

        gate.OnBackfill(gap, "B", [Bar("B", 0), Bar("B", 1), Bar("B", 3), Bar("B", 4)], delivered); // minute 2: no trades
        gate.OnBackfill(gap, "A", [Bar("A", 0), Bar("A", 1), Bar("A", 2), Bar("A", 3)], delivered);

        Assert.Equal(["A@0", "B@0", "B@1", "B@3", "B@4", "A@1", "A@2", "A@3", "A@4", "A@5"], delivered.Select(Key));
        Assert.Equal(5, gate.Backfilled);
        Assert.Equal(0, gate.PendingBackfills);
    }

    [Fact]
    public void A_failed_back_fill_releases_the_held_bars()
    {
        var gate = new LiveBarGate(["A"]);
        var delivered = new List<MinuteAggregate>();
        gate.OnLive(Bar("A", 0), delivered);
        gate.ConnectionLost();
        var gap = gate.OnLive(Bar("A", 3), delivered);
        Assert.NotNull(gap);

        gate.OnBackfillFailed(gap, "A", delivered);

        Assert.Equal(["A@0", "A@3"], delivered.Select(Key));
        Assert.Equal(1, gate.BackfillsAbandoned);
    }

    [Fact]
    public void Past_the_hold_limit_every_pending_back_fill_is_given_up()
    {
        var gate = new LiveBarGate(["A", "B"], holdLimit: 2);
        var delivered = new List<MinuteAggregate>();
        gate.OnLive(Bar("A", 0), delivered);
        gate.ConnectionLost();
        gate.OnLive(Bar("A", 2), delivered);
        gate.OnLive(Bar("B", 2), delivered);
        Assert.Single(delivered);

        gate.OnLive(Bar("A", 3), delivered);

        Assert.Equal(["A@0", "A@2", "A@3", "B@2"], delivered.Select(Key).Order(StringComparer.Ordinal));
        Assert.Equal(2, gate.BackfillsAbandoned);
    }

    [Fact]
    public void A_reconnect_inside_the_same_minute_needs_no_back_fill()
    {
        var gate = new LiveBarGate(["A"]);
        var delivered = new List<MinuteAggregate>();
        gate.OnLive(Bar("A", 0), delivered);
        gate.ConnectionLost();

        Assert.Null(gate.OnLive(Bar("A", 0), delivered));
        Assert.Equal(1, gate.Duplicates);
    }

    [Fact]
    public void Pre_and_after_market_bars_are_counted_not_delivered_unless_asked_for()
    {
        var preMarket = new MinuteAggregate("A", 10, 10, 10, 10, 1, TenAm - (60 * 60_000L), TenAm - (59 * 60_000L)); // 09:00 New York
        var regular = new LiveBarGate(["A"]);
        var extended = new LiveBarGate(["A"], extendedHours: true);
        var a = new List<MinuteAggregate>();
        var b = new List<MinuteAggregate>();

        regular.OnLive(preMarket, a);
        extended.OnLive(preMarket, b);

        Assert.Empty(a);
        Assert.Equal(1, regular.OutsideSession);
        Assert.Single(b);
    }
    // The regular session's open of 2026-12-02: 09:30 New York, minute -30 of TenAm.
    private static readonly long Open = TenAm - (30 * 60_000L);

    [Fact]
    public void The_first_regular_session_bar_of_a_run_opens_a_start_back_fill_of_the_session_so_far()
    {
        var gate = new LiveBarGate(["A", "B"]);
        var delivered = new List<MinuteAggregate>();
        gate.RunStarted(backfillAtStart: true, delivered);

        var premarket = new MinuteAggregate("A", 10, 11, 9, 10, 5, TenAm - (90 * 60_000L), TenAm - (89 * 60_000L)); // 08:30
        Assert.Null(gate.OnLive(premarket, delivered)); // the SymbolActors get nothing before the open: no back-fill yet
        var start = gate.OnLive(Bar("A", 5), delivered);
        gate.OnLive(Bar("B", 5), delivered);

        Assert.NotNull(start);
        Assert.True(start.AtStart);
        Assert.Equal((Open, TenAm + (5 * 60_000L)), (start.FromMs, start.ToMs));
        Assert.Empty(delivered); // held until each symbol's back-fill

        // A's SymbolActor holds up to minute 2 (another node fed it); B's holds minute 5 already.
        gate.OnBackfill(start, "A", [Bar("A", 2), Bar("A", 3), Bar("A", 4)], delivered, heldElsewhereMs: TenAm + (2 * 60_000L));
        gate.OnBackfill(start, "B", [], delivered, heldElsewhereMs: TenAm + (5 * 60_000L));
        gate.OnLive(Bar("B", 5), delivered);
        gate.OnLive(Bar("B", 6), delivered);

        Assert.Equal(["A@3", "A@4", "A@5", "B@6"], delivered.Select(Key)); // nothing the SymbolActors hold, nothing twice
        Assert.Equal(2, gate.Backfilled);
        Assert.Equal(3, gate.Duplicates); // A@2 fetched again, B@5 held and B@5 replayed
    }

    [Fact]
    public void A_drop_during_a_start_back_fill_keeps_both_ranges_and_delivers_in_order_once_both_are_in()
    {
        var gate = new LiveBarGate(["A"]);
        var delivered = new List<MinuteAggregate>();
        gate.RunStarted(backfillAtStart: true, delivered);
        var start = gate.OnLive(Bar("A", 5), delivered)!;
        gate.ConnectionLost();
        var gap = gate.OnLive(Bar("A", 9), delivered)!;

        gate.OnBackfill(gap, "A", [Bar("A", 5), Bar("A", 6), Bar("A", 7), Bar("A", 8)], delivered);
        Assert.Empty(delivered); // the start back-fill's earlier minutes are still out
        gate.OnBackfill(gap, "A", [Bar("A", 6)], delivered); // a second answer to the same request: ignored
        gate.OnBackfill(start, "A", [Bar("A", 3), Bar("A", 4)], delivered, heldElsewhereMs: TenAm + (2 * 60_000L));

        Assert.Equal(["A@3", "A@4", "A@5", "A@6", "A@7", "A@8", "A@9"], delivered.Select(Key));
        Assert.Equal(6, gate.Backfilled);
        Assert.Equal(1, gate.Duplicates); // the live A@5, held, also came back-filled
        Assert.Equal(0, gate.PendingBackfills);
    }

    [Fact]
    public void Without_a_start_back_fill_a_run_delivers_at_once()
    {
        var gate = new LiveBarGate(["A"]);
        var delivered = new List<MinuteAggregate>();
        gate.RunStarted(backfillAtStart: false, delivered);

        Assert.Null(gate.OnLive(Bar("A", 5), delivered));
        Assert.Equal(["A@5"], delivered.Select(Key));
    }

    [Theory]
    [InlineData(FeedBackfillMode.Session, null, 0)] // nothing held: the whole session so far
    [InlineData(FeedBackfillMode.Gap, null, null)] // nothing held: starts live
    [InlineData(FeedBackfillMode.Session, -31, 0)] // yesterday's last minute (or a daily bar) is not today's
    [InlineData(FeedBackfillMode.Gap, -31, null)]
    [InlineData(FeedBackfillMode.Session, 10, 11)] // after the minute held
    [InlineData(FeedBackfillMode.Gap, 10, 11)]
    [InlineData(FeedBackfillMode.Gap, 34, null)] // holds the minute before the first live one: nothing missing
    [InlineData(FeedBackfillMode.Session, 40, null)] // ahead of the stream
    public void A_symbols_start_back_fill_begins_after_the_minute_its_SymbolActor_holds(FeedBackfillMode mode, int? heldMinute, int? expectedFromMinute)
    {
        var request = new BackfillRequest(Open, Open + (35 * 60_000L), ["A"]) { AtStart = true };
        long? held = heldMinute is { } h ? Open + (h * 60_000L) : null;

        var from = StartBackfill.From(mode, request, held);

        Assert.Equal(expectedFromMinute is { } m ? Open + (m * 60_000L) : null, from);
    }
}
