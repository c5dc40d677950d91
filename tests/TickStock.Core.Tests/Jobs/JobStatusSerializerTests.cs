using System.Text.Json;
using TickStock.Core.Jobs;
using Xunit;

namespace TickStock.Core.Tests.Jobs;

public sealed class JobStatusSerializerTests
{
    private static JobStatusDocument Running() => new()
    {
        JobId = "job-1",
        JobType = "csv_universe_load",
        Status = JobStatusValues.Running,
        Message = "AAPL: 1,950 bars",
        CurrentSymbol = "AAPL",
        TotalSymbols = 500,
        ProcessedSymbols = 225,
        SuccessfulSymbols = ["AAPL"],
        FailedSymbols = ["1BAD"],
        Errors = new Dictionary<string, string> { ["1BAD"] = "invalid symbol" },
        StartedAt = new DateTime(2024, 10, 30, 14, 56, 30),
        CompletedAt = new DateTime(2024, 10, 30, 15, 1, 2),
        Rows = new Dictionary<string, long> { ["ohlcv_1min"] = 1950 },
        SubmittedAt = "2024-10-30T14:56:00",
        Description = "S&P 500, 1 year",
    };

    [Fact]
    public void Running_status_has_exact_fields_and_omits_completed_at()
    {
        var json = JobStatusSerializer.Serialize(Running());
        using var doc = JsonDocument.Parse(json);
        var names = doc.RootElement.EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Equal(
            ["job_id", "job_type", "status", "progress", "message", "current_symbol", "total_symbols", "processed_symbols",
             "successful_symbols", "failed_symbols", "errors", "error_message", "started_at", "rows", "submitted_at", "description"],
            names);
        Assert.Equal(45, doc.RootElement.GetProperty("progress").GetInt32());
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("error_message").ValueKind);
        Assert.Equal("2024-10-30T14:56:30", doc.RootElement.GetProperty("started_at").GetString());
        Assert.Equal("invalid symbol", doc.RootElement.GetProperty("errors").GetProperty("1BAD").GetString());
        Assert.Equal(1950, doc.RootElement.GetProperty("rows").GetProperty("ohlcv_1min").GetInt64());
    }

    [Theory]
    [InlineData(JobStatusValues.Completed, 100)]
    [InlineData(JobStatusValues.CompletedWithErrors, 100)]
    [InlineData(JobStatusValues.Failed, 45)] // a failed (or cancelled) job reports the share it processed: 225 of 500
    public void Terminal_status_has_completed_at_and_progress_100_only_when_completed(string status, int progress)
    {
        var json = JobStatusSerializer.Serialize(Running() with { Status = status });
        using var doc = JsonDocument.Parse(json);
        Assert.Equal("2024-10-30T15:01:02", doc.RootElement.GetProperty("completed_at").GetString());
        Assert.Equal(progress, doc.RootElement.GetProperty("progress").GetInt32());
        Assert.False(doc.RootElement.TryGetProperty("cancelled", out _));
    }

    [Fact]
    public void Cancelled_job_is_failed_with_a_flag()
    {
        var json = JobStatusSerializer.Serialize(Running() with { Status = JobStatusValues.Failed, Cancelled = true, ErrorMessage = "cancelled by admin" });
        using var doc = JsonDocument.Parse(json);
        Assert.True(doc.RootElement.GetProperty("cancelled").GetBoolean());
        Assert.Equal("failed", doc.RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public void Progress_is_a_clamped_percent()
    {
        Assert.Equal(0, (Running() with { TotalSymbols = 0 }).Progress);
        Assert.Equal(100, (Running() with { ProcessedSymbols = 900 }).Progress);
        Assert.Equal(99, (Running() with { TotalSymbols = 100, ProcessedSymbols = 99 }).Progress);
    }

    [Fact]
    public void Consumer_fields_are_read_back_tolerantly()
    {
        Assert.Equal(("2024-10-30T14:56:00", "S&P", "cancelling"),
            JobStatusSerializer.ReadConsumerFields("""{"submitted_at":"2024-10-30T14:56:00","description":"S&P","status":"cancelling"}"""));
        Assert.Equal((null, null, null), JobStatusSerializer.ReadConsumerFields("not json"));
        Assert.Equal((null, null, null), JobStatusSerializer.ReadConsumerFields(null));
    }

    [Fact]
    public void Clock_formats_host_local_time_from_an_injected_zone()
    {
        var tokyo = TimeZoneInfo.CreateCustomTimeZone("test+9", TimeSpan.FromHours(9), "test+9", "test+9");
        var clock = new JobStatusClock(tokyo, new FixedTime(DateTimeOffset.Parse("2024-10-30T05:56:30Z", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal("2024-10-30T14:56:30", JobStatusClock.FormatLocal(clock.Now()));
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
