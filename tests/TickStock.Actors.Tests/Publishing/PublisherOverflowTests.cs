using Akka.Actor;
using TickStock.Actors.Publishing;

namespace TickStock.Actors.Tests.Publishing;

/// <summary>
/// Issue 18.2: the publish queue's bound while batches are in flight. Every event ends up either
/// published or with exactly one PATTERN_EXPIRED row (reason buffer_full), never both, never
/// neither, and the counters say so.
/// </summary>
public class PublisherOverflowTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_bound_below_the_batch_size_drops_only_events_not_in_flight_each_with_one_PATTERN_EXPIRED_row()
    {
        await using var rig = await PipelineRig.StartAsync(s => s.RedisBufferCapacity = 3);
        await using var consumer = await rig.StartConsumerAsync(logCheckpoints: false);
        var events = Enumerable.Range(0, 300).Select(i => PipelineRig.Event(i)).ToList();

        // Small bursts, so new batches reach the publisher while one is in flight.
        foreach (var burst in events.Chunk(6))
        {
            foreach (var e in burst) rig.Logger.Tell(new PatternCommands.PatternDetected(e));
            await Task.Delay(2);
        }

        Assert.True(await PipelineRig.EventuallyAsync(async () =>
            rig.Stats.PatternsPublished + rig.Stats.PatternsExpired == events.Count
            && await rig.Schema.ScalarAsync<long>("SELECT count(*) FROM integration_events WHERE checkpoint = 'PATTERN_EXPIRED'") == rig.Stats.PatternsExpired
            && consumer.Received.Count == rig.Stats.PatternsPublished, Patience),
            $"published {rig.Stats.PatternsPublished} + expired {rig.Stats.PatternsExpired} of {events.Count}; received {consumer.Received.Count}");
        Assert.True(rig.Stats.PatternsExpired > 0, "the bound never applied");
        Assert.Equal(0, rig.Stats.BufferedEvents);

        var expired = ((await rig.Schema.ScalarAsync<string>(
            "SELECT coalesce(string_agg(flow_id::text || '|' || (details->>'reason'), ','), '') FROM integration_events WHERE checkpoint = 'PATTERN_EXPIRED'")) ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries).Select(x => x.Split('|')).ToList();
        Assert.All(expired, x => Assert.Equal(ExpiryReasons.BufferFull, x[1]));
        var expiredIds = expired.Select(x => Guid.Parse(x[0])).ToList();
        Assert.Equal(expiredIds.Count, expiredIds.Distinct().Count());
        Assert.All(events, e => Assert.True(consumer.Received.ContainsKey(e.FlowId) ^ expiredIds.Contains(e.FlowId),
            $"{e.FlowId}: received {consumer.Received.ContainsKey(e.FlowId)}, expired {expiredIds.Contains(e.FlowId)}"));
        Assert.All(consumer.Received.Values, n => Assert.Equal(1, n));
    }
}
