using System.Text.Json;
using TickStock.Core.Jobs;
using TickStock.Core.Loading;
using TickStock.Core.Universe;
using Xunit;

namespace TickStock.Core.Tests.Jobs;

/// <summary>The pure job state behind the status key (contract §6.1).</summary>
public class LoadJobStateTests
{
    private static readonly DateTime Started = new(2024, 7, 5, 17, 0, 0);

    private static LoadJobState NewJob()
    {
        var parsed = DataLoadJobParser.Parse("""{"job_id":"j1","job_type":"historical_load","symbols":["AAPL","msft","bad$"],"years":0.02}""");
        var job = Assert.IsType<HistoricalLoadJob>(parsed.Job);
        var window = JobWindowCalculator.Compute(DateTimeOffset.Parse("2024-07-05T21:00:00Z", System.Globalization.CultureInfo.InvariantCulture), job.Years);
        return LoadJobState.Start(job, window, null, Started,
            [.. job.Symbols.Valid.Select(s => new UniverseEntry(s, null, null))], job.Symbols.Invalid, "2024-07-05T16:59:00", null);
    }

    [Fact]
    public void Invalid_symbols_fail_at_once_the_rest_run_and_the_job_ends_completed_with_errors()
    {
        var state = NewJob();
        Assert.Equal(3, state.TotalSymbols);
        Assert.Equal(["BAD$"], state.Failed);
        Assert.Equal(33, state.ToDocument().Progress);

        var running = JsonDocument.Parse(JobStatusSerializer.Serialize(state.ToDocument())).RootElement;
        Assert.Equal("running", running.GetProperty("status").GetString());
        Assert.False(running.TryGetProperty("completed_at", out _));
        Assert.False(running.TryGetProperty("cancelled", out _));
        Assert.Equal("2024-07-05T16:59:00", running.GetProperty("submitted_at").GetString());

        (state, var first) = state.TakeNext();
        (state, var second) = state.TakeNext();
        (state, var none) = state.TakeNext();
        Assert.Equal(("AAPL", "MSFT"), (first!.Symbol, second!.Symbol));
        Assert.Null(none);
        Assert.False(state.AllSymbolsDone);

        state = state.Succeeded("AAPL", new TableCounts(100, 7, 1, 1, 1)).FailedSymbol("MSFT", "no data");
        Assert.True(state.AllSymbolsDone);
        state = state.Complete(Started.AddMinutes(1));
        var done = JsonDocument.Parse(JobStatusSerializer.Serialize(state.ToDocument())).RootElement;
        Assert.Equal("completed_with_errors", done.GetProperty("status").GetString());
        Assert.Equal(100, done.GetProperty("progress").GetInt32());
        Assert.Equal("2024-07-05T17:01:00", done.GetProperty("completed_at").GetString());
        Assert.Equal("no data", done.GetProperty("errors").GetProperty("MSFT").GetString());
        Assert.Equal(100, done.GetProperty("rows").GetProperty("ohlcv_1min").GetInt64());
    }

    [Fact]
    public void A_cancel_ends_the_job_failed_and_cancelled_naming_who_and_drops_what_was_pending()
    {
        var state = NewJob().TakeNext().State.Cancel("alice", Started.AddSeconds(5));
        Assert.True(state.IsTerminal);
        Assert.Null(state.TakeNext().Next);
        var doc = JsonDocument.Parse(JobStatusSerializer.Serialize(state.ToDocument())).RootElement;
        Assert.Equal("failed", doc.GetProperty("status").GetString());
        Assert.True(doc.GetProperty("cancelled").GetBoolean());
        Assert.Equal("cancelled by alice", doc.GetProperty("error_message").GetString());
        Assert.Equal(33, doc.GetProperty("progress").GetInt32()); // 1 of 3 processed (the invalid symbol), not 100
        Assert.True(doc.TryGetProperty("completed_at", out _));
    }
}
