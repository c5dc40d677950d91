using TickStock.Core.Jobs;
using TickStock.Core.Loading;
using TickStock.Core.Universe;
using Xunit;

namespace TickStock.Core.Tests.Jobs;

/// <summary>The loading module's job board: pure decisions the coordinator carries out.</summary>
public class JobBoardTests
{
    private static readonly DateTime Now = new(2024, 7, 5, 17, 0, 0);

    private static JobBoard Board() => new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(8));

    private static LoadJobState State(string id, params string[] symbols)
    {
        var job = (HistoricalLoadJob)DataLoadJobParser.Parse(DataLoadJobMessage.HistoricalLoad(id, symbols, 0.02, "day", null, null)).Job!;
        var window = JobWindowCalculator.Compute(new DateTimeOffset(2024, 7, 5, 21, 0, 0, TimeSpan.Zero), job.Years);
        return LoadJobState.Start(job, window, null, Now, [.. job.Symbols.Valid.Select(s => new UniverseEntry(s, null, null))], job.Symbols.Invalid, null, null);
    }

    private static JobBoard Running(params LoadJobState[] states)
    {
        var board = Board();
        foreach (var state in states)
        {
            Assert.Equal(SubmitDecision.Prepare, board.Submit(state.JobId));
            board.Prepared(state, Now, out _);
        }

        return board;
    }

    [Fact]
    public void Idle_fetchers_get_one_symbol_per_job_in_turn_in_arrival_order()
    {
        var board = Running(State("a", "A1", "A2", "A3"), State("b", "B1"));
        Assert.Equal(["A1", "B1", "A2"], board.TakeAssignments(3).Select(a => a.Entry.Symbol));
        Assert.Equal(["A3"], board.TakeAssignments(5).Select(a => a.Entry.Symbol));
        Assert.Empty(board.TakeAssignments(5));
    }

    [Fact]
    public void A_cancel_during_preparation_is_kept_and_handed_back_when_the_job_is_prepared()
    {
        var board = Board();
        board.Submit("p");
        Assert.Equal(CancelDecision.Deferred, board.Cancel("p", "alice", Now).Decision);
        board.Prepared(State("p", "X"), Now, out var cancel);
        Assert.Equal((true, "alice"), cancel);
        var (decision, change) = board.Cancel("p", cancel.By, Now);
        Assert.Equal(CancelDecision.Cancelled, decision);
        Assert.True(change!.Ended);
        Assert.True(change.State.Cancelled);
        Assert.Empty(board.TakeAssignments(4));
    }

    [Fact]
    public void A_repeated_job_id_is_refused_while_the_first_runs_and_its_status_stays_running()
    {
        var board = Running(State("d", "X", "Y"));
        Assert.Equal(SubmitDecision.AlreadyRunning, board.Submit("d"));
        var change = board.RefuseDuplicate("d")!;
        Assert.Equal(JobStatusValues.Running, change.State.Status);
        Assert.Contains("refused", change.State.Message, StringComparison.Ordinal);
        Assert.False(board.IsFree("d"));
        Assert.False(board.Rejected("d")); // a rejection of that id may not be written over it
    }

    [Fact]
    public void An_interrupted_symbol_goes_back_to_the_front_pauses_dispatch_and_the_wait_doubles_until_a_symbol_loads()
    {
        var board = Running(State("o", "X", "Y"));
        var first = board.TakeAssignments(1).Single();
        var (change, retryIn) = board.SymbolInterrupted("o", first.Entry, "PostgreSQL (refused)");
        Assert.Equal(TimeSpan.FromSeconds(1), retryIn);
        Assert.Equal(JobStatusValues.Running, change!.State.Status);
        Assert.Equal("waiting for PostgreSQL (refused)", change.State.Message);
        Assert.Empty(board.TakeAssignments(2));

        board.Unpause();
        var again = board.TakeAssignments(1).Single();
        Assert.Equal("X", again.Entry.Symbol);
        Assert.Equal(TimeSpan.FromSeconds(2), board.SymbolInterrupted("o", again.Entry, "PostgreSQL").RetryIn);
        board.Unpause();
        var third = board.TakeAssignments(2);
        Assert.Equal(["X", "Y"], third.Select(a => a.Entry.Symbol));
        board.SymbolLoaded("o", "X", TableCounts.Zero, Now);
        var end = board.SymbolLoaded("o", "Y", TableCounts.Zero, Now)!;
        Assert.Equal(JobStatusValues.Completed, end.State.Status);
        Assert.Equal(["X", "Y"], end.State.Successful);
        Assert.Equal(TimeSpan.FromSeconds(1), Running(State("q", "Z")).SymbolInterrupted("q", new UniverseEntry("Z", null, null), "x").RetryIn);
    }

    [Fact]
    public void A_resumed_job_with_nothing_left_ends_at_once_and_a_job_that_waits_to_start_backs_off()
    {
        var board = Board();
        var done = State("r", "X").TakeNext().State.Succeeded("X", TableCounts.Zero);
        Assert.Equal(JobStatusValues.Completed, board.Resume(done, Now).State.Status);
        Assert.True(board.IsFree("r"));

        board.Submit("w");
        Assert.Equal([1, 2, 4, 8, 8], Enumerable.Range(0, 5).Select(_ => board.WaitToStart("w").TotalSeconds));
        board.Cancel("w", "bob", Now);
        Assert.Equal((true, "bob"), board.RetryPreparation("w"));
        Assert.True(board.IsFree("w"));
    }
}
