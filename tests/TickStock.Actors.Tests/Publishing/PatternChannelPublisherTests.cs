using System.Collections.Concurrent;
using StackExchange.Redis;
using TickStock.Actors.Publishing;
using TickStock.Core.Contracts;
using TickStock.Testing;

namespace TickStock.Actors.Tests.Publishing;

/// <summary>The publish path's messages, written into pooled chunks, against the real Redis.</summary>
public class PatternChannelPublisherTests
{
    [Fact]
    public async Task Messages_across_scripts_and_chunks_arrive_byte_for_byte_as_the_wire_format_writes_them()
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(LocalServices.RedisConfiguration);
        var channels = new ChannelNames { Patterns = $"t{Guid.NewGuid():N}.events.patterns" };
        var received = new ConcurrentQueue<byte[]>();
        await connection.GetSubscriber().SubscribeAsync(RedisChannel.Literal(channels.Patterns), (_, message) => received.Enqueue((byte[])message!));
        var clock = new FixedClock(DateTimeOffset.FromUnixTimeMilliseconds(1_732_812_345_678));
        // 600 events: three scripts, several 64 KiB chunks, and one message bigger than a chunk
        // (an oversized array of its own) between ordinary ones.
        var events = Enumerable.Range(0, 600).Select(i => PatternEvent.Create($"S{i}", "Volume_Spike", 0.5 + i % 40 / 100.0, PatternTier.Intraday, "1min",
            100 + i, 0.25 * i, 1_000 + i, clock.GetUtcNow(),
            Enumerable.Range(0, i == 300 ? 4_000 : i % 7).ToDictionary(k => $"indicator_{k}", k => k + i / 1000.0))).ToList();

        var counts = await new PatternChannelPublisher(connection, channels).PublishAsync(events, clock);
        // A second publish reuses the chunks the first one gave back.
        var again = await new PatternChannelPublisher(connection, channels).PublishAsync(events.Take(10).ToList(), clock);

        Assert.All(counts.Concat(again), n => Assert.Equal(1, n));
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (received.Count < 610 && DateTime.UtcNow < deadline) await Task.Delay(20);
        var expected = events.Concat(events.Take(10)).Select(e => WireFormat.PatternMessage(e, UnixTime.Now(clock))).ToList();
        // Compared as sorted sets of exact bytes: the subscriber's handler need not see them in order.
        Assert.Equal(expected.Select(Convert.ToHexString).Order(StringComparer.Ordinal), received.Select(Convert.ToHexString).Order(StringComparer.Ordinal));
        Assert.True(expected[300].Length > 64 * 1024);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
