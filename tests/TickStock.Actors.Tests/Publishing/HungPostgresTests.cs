using Akka.Actor;
using TickStock.Actors.Publishing;

namespace TickStock.Actors.Tests.Publishing;

/// <summary>
/// PostgreSQL that hangs instead of going away: the proxy accepts and stalls (the open connections stop
/// answering, new ones are accepted and never served). The rig's connection string states the bounds —
/// Command Timeout 5 s for a write in flight, Timeout 3 s for opening a connection — so a hung write fails
/// as a timeout, its rows are spilled, every event is still published, and the rows reach the table once
/// the server answers again. Asserted through the pipeline's entry points only (the logger's
/// PatternDetected, the stats, the table and the spill file), not on how long any of it took.
/// </summary>
public sealed class HungPostgresTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_hung_PostgreSQL_makes_the_pipeline_spill_and_publish_then_insert_every_row_when_it_answers_again()
    {
        await using var rig = await PipelineRig.StartAsync();
        await using var consumer = await rig.StartConsumerAsync(logCheckpoints: false);
        var events = Enumerable.Range(0, 120).Select(i => PipelineRig.Event(i)).ToList();

        foreach (var e in events.Take(20)) rig.Logger.Tell(new PatternCommands.PatternDetected(e));
        Assert.True(await PipelineRig.EventuallyAsync(async () => consumer.Received.Count == 20 && await rig.RowsAsync("PATTERN_PUBLISHED") == 20, Patience));

        rig.PostgresProxy.BlackHole();
        foreach (var e in events.Skip(20)) rig.Logger.Tell(new PatternCommands.PatternDetected(e));

        // The writes time out instead of waiting forever: rows go to the spill file and the events out.
        Assert.True(await PipelineRig.EventuallyAsync(() => Task.FromResult(consumer.Received.Count == events.Count), Patience),
            $"received {consumer.Received.Count} of {events.Count} while PostgreSQL hung; spilled {rig.Stats.RowsSpilled}");
        Assert.True(rig.Stats.PostgresDown);
        Assert.True(rig.Stats.RowsSpilled >= 100, $"spilled {rig.Stats.RowsSpilled}");
        Assert.True(File.Exists(rig.SpillPath) || File.Exists(rig.SpillPath + ".draining"));

        rig.PostgresProxy.Restore();

        Assert.True(await PipelineRig.EventuallyAsync(async () => await rig.RowsAsync("PATTERN_PUBLISHED") == events.Count, Patience),
            $"{await rig.RowsAsync("PATTERN_PUBLISHED")} of {events.Count} rows after PostgreSQL answered again");
        Assert.True(await PipelineRig.EventuallyAsync(() => Task.FromResult(!rig.Stats.PostgresDown), Patience));
        Assert.False(File.Exists(rig.SpillPath) || File.Exists(rig.SpillPath + ".draining"));
        Assert.Equal(events.Count, await rig.Schema.ScalarAsync<long>("SELECT count(*) FROM integration_events WHERE checkpoint = 'PATTERN_PUBLISHED'"));
        Assert.All(events, e => Assert.Equal(1, consumer.Received[e.FlowId]));
    }
}
