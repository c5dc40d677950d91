using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Event;
using TickStock.Actors.Publishing;

namespace TickStock.Actors.Tests.Publishing;

/// <summary>
/// Issue 18.1: the spill file cannot be written and PostgreSQL is cut at the same time. Events keep
/// flowing; spill attempts back off instead of spinning; once PostgreSQL is back every row arrives,
/// once, although the disk still fails; the failure is logged per change of state, not per attempt.
/// </summary>
public class SpillAndDatabaseDownTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task With_the_spill_file_unwritable_rows_reach_PostgreSQL_as_soon_as_it_is_back_none_lost_or_doubled_and_the_log_stays_short()
    {
        // A regular file where the spill folder should be: every append fails (as root too).
        var blocker = Path.Combine(Path.GetTempPath(), "tickstock-tests", "blocked-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.GetDirectoryName(blocker)!);
        await File.WriteAllTextAsync(blocker, "not a folder");
        try
        {
            await using var rig = await PipelineRig.StartAsync(s => s.SpillPath = Path.Combine(blocker, "spill.jsonl"));
            var lines = new ConcurrentQueue<LogEvent>();
            var listener = rig.System.ActorOf(Props.Create(() => new LogListener(lines)));
            rig.System.EventStream.Subscribe(listener, typeof(Warning));
            rig.System.EventStream.Subscribe(listener, typeof(Error));
            await using var consumer = await rig.StartConsumerAsync(logCheckpoints: false);
            var events = Enumerable.Range(0, 300).Select(i => PipelineRig.Event(i)).ToList();
            foreach (var e in events.Take(100)) rig.Logger.Tell(new PatternCommands.PatternDetected(e));
            Assert.True(await PipelineRig.EventuallyAsync(() => Task.FromResult(consumer.Received.Count == 100), Patience));

            rig.PostgresProxy.Cut();
            foreach (var e in events.Skip(100)) rig.Logger.Tell(new PatternCommands.PatternDetected(e));

            // Delivery beats audit, with neither PostgreSQL nor the disk.
            Assert.True(await PipelineRig.EventuallyAsync(() => Task.FromResult(consumer.Received.Count == events.Count), Patience),
                $"received {consumer.Received.Count} of {events.Count}");
            Assert.True(await PipelineRig.EventuallyAsync(() => Task.FromResult(rig.Stats.SpillFailures >= 2), Patience));
            await Task.Delay(TimeSpan.FromSeconds(2)); // the double outage lasts a while
            var attemptsDuringOutage = rig.Stats.SpillFailures;

            rig.PostgresProxy.Restore();

            Assert.True(await PipelineRig.EventuallyAsync(async () =>
                await rig.Schema.ScalarAsync<long>("SELECT count(*) FROM integration_events WHERE checkpoint = 'PATTERN_PUBLISHED'") >= events.Count, Patience),
                "the rows did not reach PostgreSQL after it came back");
            Assert.Equal(events.Count, await rig.RowsAsync("PATTERN_PUBLISHED"));
            Assert.Equal(events.Count, await rig.Schema.ScalarAsync<long>("SELECT count(*) FROM integration_events WHERE checkpoint = 'PATTERN_PUBLISHED'"));
            Assert.True(await PipelineRig.EventuallyAsync(() => Task.FromResult(!rig.Stats.PostgresDown), Patience));
            Assert.True(rig.Stats.SpillFailing);
            // Backed off (100 ms doubling to 1 s), not a tight loop of file opens.
            Assert.InRange(attemptsDuringOutage, 2, 40);
            var pipelineLines = lines.Where(l => l.LogSource.Contains("integration-logger", StringComparison.Ordinal)).ToList();
            Assert.True(pipelineLines.Count <= 6, string.Join("\n", pipelineLines.Select(l => l.Message?.ToString())));
        }
        finally
        {
            File.Delete(blocker);
        }
    }

    private sealed class LogListener : ReceiveActor
    {
        public LogListener(ConcurrentQueue<LogEvent> lines) => Receive<LogEvent>(lines.Enqueue);
    }
}
