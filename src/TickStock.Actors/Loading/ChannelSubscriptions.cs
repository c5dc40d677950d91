using StackExchange.Redis;
using TickStock.Actors.Infrastructure;

namespace TickStock.Actors.Loading;

/// <summary>
/// Redis subscriptions of a set of channels, made all or none: a failure part-way unsubscribes what
/// was subscribed, the channel whose call failed included, so a retry never subscribes a channel twice.
/// Disposing unsubscribes.
/// </summary>
public sealed class ChannelSubscriptions : IDisposable
{
    private readonly ISubscriber _subscriber;
    private readonly List<(RedisChannel Channel, Action<RedisChannel, RedisValue> Handler)> _handlers;

    private ChannelSubscriptions(ISubscriber subscriber, List<(RedisChannel, Action<RedisChannel, RedisValue>)> handlers)
    {
        _subscriber = subscriber;
        _handlers = handlers;
    }

    /// <summary>Subscribes every channel; <paramref name="onMessage"/> gets the channel's name and the raw payload.</summary>
    public static async Task<ChannelSubscriptions> SubscribeAsync(RedisConnectionProvider redis, IReadOnlyList<string> channels, Action<string, byte[]> onMessage)
    {
        ArgumentNullException.ThrowIfNull(redis);
        return await SubscribeAsync((await redis.GetAsync().ConfigureAwait(false)).GetSubscriber(), channels, onMessage).ConfigureAwait(false);
    }

    /// <summary>As above, on <paramref name="subscriber"/>.</summary>
    public static async Task<ChannelSubscriptions> SubscribeAsync(ISubscriber subscriber, IReadOnlyList<string> channels, Action<string, byte[]> onMessage)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        ArgumentNullException.ThrowIfNull(channels);
        var handlers = new List<(RedisChannel, Action<RedisChannel, RedisValue>)>();
        try
        {
            foreach (var name in channels)
            {
                var channel = RedisChannel.Literal(name);
                Action<RedisChannel, RedisValue> handler = (_, value) => onMessage(name, (byte[]?)value ?? []);
                // Recorded before the call: the client registers the handler before it asks the server, and keeps it
                // when the call fails (no connection yet, a timeout), subscribing it again once connected. Not removed
                // here, it would live on beside the retry's handler and every message would arrive twice.
                handlers.Add((channel, handler));
                await subscriber.SubscribeAsync(channel, handler).ConfigureAwait(false);
            }
        }
        catch
        {
            foreach (var (channel, handler) in handlers)
            {
                subscriber.Unsubscribe(channel, handler, CommandFlags.FireAndForget);
            }

            throw;
        }

        return new ChannelSubscriptions(subscriber, handlers);
    }

    public void Dispose()
    {
        foreach (var (channel, handler) in _handlers)
        {
            _subscriber.Unsubscribe(channel, handler, CommandFlags.FireAndForget);
        }

        _handlers.Clear();
    }
}
