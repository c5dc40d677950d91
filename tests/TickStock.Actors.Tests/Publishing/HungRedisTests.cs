using Akka.Actor;
using TickStock.Actors.Publishing;

namespace TickStock.Actors.Tests.Publishing;

/// <summary>
/// Redis that hangs instead of going away (the proxy accepts and stalls; what the publisher sent is held,
/// not dropped): nothing is delivered while it hangs, audit rows keep being committed, and every event
/// reaches the consumer once Redis answers again, none expired. Asserted through the pipeline's entry
/// points only, not on how long any of it took.
/// </summary>
public sealed class HungRedisTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_hung_Redis_loses_no_event_and_the_backlog_is_published_when_it_answers_again()
    {
        await using var rig = await PipelineRig.StartAsync();
        await using var consumer = await rig.StartConsumerAsync(logCheckpoints: false);
        var events = Enumerable.Range(0, 120).Select(i => PipelineRig.Event(i)).ToList();

        foreach (var e in events.Take(20)) rig.Logger.Tell(new PatternCommands.PatternDetected(e));
        Assert.True(await PipelineRig.EventuallyAsync(() => Task.FromResult(consumer.Received.Count == 20), Patience));

        rig.RedisProxy.BlackHole();
        foreach (var e in events.Skip(20)) rig.Logger.Tell(new PatternCommands.PatternDetected(e));

        // Audit rows keep being committed while Redis hangs; the events wait.
        Assert.True(await PipelineRig.EventuallyAsync(async () => await rig.RowsAsync("PATTERN_PUBLISHED") == events.Count, Patience),
            $"{await rig.RowsAsync("PATTERN_PUBLISHED")} of {events.Count} rows while Redis hung");
        Assert.True(consumer.Received.Count < events.Count, "events were delivered through a hung Redis");

        rig.RedisProxy.Restore();

        Assert.True(await PipelineRig.EventuallyAsync(() => Task.FromResult(events.All(e => consumer.Received.ContainsKey(e.FlowId))), Patience),
            $"received {consumer.Received.Count} of {events.Count} after Redis answered again; redis down: {rig.Stats.RedisDown}");
        Assert.Empty(consumer.Problems);
        Assert.Equal(0, rig.Stats.PatternsExpired);
        Assert.True(await PipelineRig.EventuallyAsync(() => Task.FromResult(!rig.Stats.RedisDown), Patience));
    }
}
