using StackExchange.Redis;
using TickStock.Core.Contracts;

namespace TickStock.Actors.Publishing;

/// <summary>
/// PUBLISHes pattern events on the contract channel (+ the tier mirror), pipelined: every command
/// of a batch is sent before any reply is awaited.
/// </summary>
public sealed class PatternChannelPublisher(ISubscriber subscriber, ChannelNames channels)
{
    /// <summary>Publishes each event; returns the subscriber count of each main-channel publish.</summary>
    public async Task<long[]> PublishAsync(IReadOnlyList<PatternEvent> events, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(events);
        var main = RedisChannel.Literal(channels.Patterns);
        var pending = new Task<long>[events.Count];
        var mirrors = new List<Task>();
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            var message = WireFormat.PatternMessage(e, UnixTime.Now(clock));
            pending[i] = subscriber.PublishAsync(main, message);
            if (channels.MirrorTiers && PatternTier.MirrorChannel(channels.Patterns, e.Tier) is { } mirror)
            {
                mirrors.Add(subscriber.PublishAsync(RedisChannel.Literal(mirror), message));
            }
        }

        var counts = await Task.WhenAll(pending).ConfigureAwait(false);
        await Task.WhenAll(mirrors).ConfigureAwait(false);
        return counts;
    }
}

/// <summary>Channel names (contract §1 defaults; all configurable).</summary>
public sealed class ChannelNames
{
    public string Patterns { get; set; } = "tickstock.events.patterns";
    public bool MirrorTiers { get; set; } = true;
    public string HealthStatus { get; set; } = "tickstock.health.status";
    public string HealthCheck { get; set; } = "tickstock.health.check";
    public string HeartbeatKey { get; set; } = "tickstock:producer:heartbeat";
    public string LegacyHeartbeatKey { get; set; } = "tickstockpl:heartbeat";
}
