using System.Text;
using TickStock.Core.Diagnostics;
using TickStock.Core.Jobs;
using Xunit;

namespace TickStock.Core.Tests.Jobs;

public class JobControlMessageTests
{
    [Fact]
    public void What_the_CLI_writes_the_daemon_reads_back()
    {
        var json = JobControlMessage.Cancel("job-1", "cli:ann", "2024-07-05T17:00:00").Serialize();
        Assert.Equal("""{"job_id":"job-1","action":"cancel","requested_by":"cli:ann","timestamp":"2024-07-05T17:00:00"}""", json);
        Assert.Equal(JobControlMessage.Cancel("job-1", "cli:ann", "2024-07-05T17:00:00"), JobControlMessage.Parse(Encoding.UTF8.GetBytes(json)).Message);
    }

    [Theory]
    [InlineData("not json", JobRejectReason.MalformedJson)]
    [InlineData("[1]", JobRejectReason.NotAnObject)]
    [InlineData("""{"action":"cancel"}""", JobRejectReason.NoJobId)]
    [InlineData("""{"job_id":"a:b","action":"cancel"}""", JobRejectReason.NoJobId)]
    [InlineData("""{"job_id":7,"action":"cancel"}""", JobRejectReason.NoJobId)]
    [InlineData("""{"job_id":"j","action":"pause"}""", JobRejectReason.UnknownAction)]
    [InlineData("""{"job_id":"j"}""", JobRejectReason.UnknownAction)]
    public void Anything_else_is_refused_with_its_reason(string message, JobRejectReason reason)
    {
        var parsed = JobControlMessage.Parse(Encoding.UTF8.GetBytes(message));
        Assert.Null(parsed.Message);
        Assert.Equal(reason, parsed.Reason);
    }

    [Fact]
    public void An_oversized_control_message_is_refused_unparsed()
    {
        var parsed = JobControlMessage.Parse(new byte[DataLoadJobParser.MaxMessageBytes + 1]);
        Assert.Equal(JobRejectReason.Oversized, parsed.Reason);
    }

    [Fact]
    public void The_rejected_message_counter_logs_the_first_few_per_channel_and_reason_then_reports_counts()
    {
        var counter = new RejectedMessageCounter(logFirstPerReason: 2);
        var logged = Enumerable.Range(0, 5).Select(_ => counter.Count("jobs", "MalformedJson")).ToList();
        Assert.Equal([true, true, false, false, false], logged);
        Assert.True(counter.Count("control", "MalformedJson"));
        Assert.Equal([new RejectedMessageCount("jobs", "MalformedJson", 3, 5)], counter.TakeReport());
        Assert.Empty(counter.TakeReport());
        Assert.False(counter.Count("jobs", "MalformedJson"));
        Assert.Equal([new RejectedMessageCount("jobs", "MalformedJson", 1, 6)], counter.TakeReport());
        Assert.Equal(7, counter.Total);
    }

    [Fact]
    public void A_status_document_reads_back_what_was_written_and_tolerates_the_consumers_hash_fields()
    {
        var doc = new JobStatusDocument
        {
            JobId = "j", JobType = "historical_load", Status = JobStatusValues.Running, TotalSymbols = 4, ProcessedSymbols = 1,
            FailedSymbols = ["X"], Errors = new Dictionary<string, string> { ["X"] = "no data" }, StartedAt = new DateTime(2024, 7, 5, 17, 0, 0),
            Rows = new Dictionary<string, long> { ["ohlcv_daily"] = 5 },
        };
        var back = JobStatusSerializer.Parse(JobStatusSerializer.Serialize(doc))!;
        Assert.Equal(JobStatusSerializer.Serialize(doc), JobStatusSerializer.Serialize(back));
        var hash = JobStatusSerializer.Parse("""{"job_id":"j","status":"pending","total_symbols":"10","processed_symbols":"x"}""")!;
        Assert.Equal((10, 0, DateTime.MinValue), (hash.TotalSymbols, hash.ProcessedSymbols, hash.StartedAt));
        Assert.Null(JobStatusSerializer.Parse("[1]"));
    }
}
