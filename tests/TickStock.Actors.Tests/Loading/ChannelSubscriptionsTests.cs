using System.Collections.Concurrent;
using System.Reflection;
using System.Text;
using StackExchange.Redis;
using TickStock.Actors.Loading;
using TickStock.Actors.Tests.Clustering;
using TickStock.Testing;

namespace TickStock.Actors.Tests.Loading;

/// <summary>
/// All-or-none subscription against a real Redis. The client registers a handler before it asks the server and keeps
/// it when the call fails; a retry must not leave two handlers on a channel (the job coordinator's flood test saw every
/// job message refused twice after its first subscribe failed under load).
/// </summary>
public sealed class ChannelSubscriptionsTests : IAsyncLifetime
{
    private readonly string _first = $"test.cs{Guid.NewGuid():N}.first";
    private readonly string _second = $"test.cs{Guid.NewGuid():N}.second";
    private ConnectionMultiplexer _listener = null!;
    private ConnectionMultiplexer _publisher = null!;

    public async ValueTask InitializeAsync()
    {
        _listener = await ConnectionMultiplexer.ConnectAsync(LocalServices.RedisConfiguration);
        _publisher = await ConnectionMultiplexer.ConnectAsync(LocalServices.RedisConfiguration);
    }

    public async ValueTask DisposeAsync()
    {
        await _listener.DisposeAsync();
        await _publisher.DisposeAsync();
    }

    [Fact]
    public async Task After_a_failed_subscribe_the_retry_delivers_each_message_once()
    {
        var received = new ConcurrentQueue<(string Channel, string Payload)>();
        void OnMessage(string channel, byte[] payload) => received.Enqueue((channel, Encoding.UTF8.GetString(payload)));

        // The first channel's call fails after the server took it (what a timeout looks like to the client).
        var failing = FailingSubscriber.Wrap(_listener.GetSubscriber(), failOn: _first);
        await Assert.ThrowsAsync<TimeoutException>(() => ChannelSubscriptions.SubscribeAsync(failing, [_first, _second], OnMessage));

        using var subscriptions = await ChannelSubscriptions.SubscribeAsync(_listener.GetSubscriber(), [_first, _second], OnMessage);
        foreach (var payload in new[] { "1", "2", "3" })
        {
            await _publisher.GetSubscriber().PublishAsync(RedisChannel.Literal(_first), payload);
        }

        await _publisher.GetSubscriber().PublishAsync(RedisChannel.Literal(_second), "end");
        await ClusterTestNode.EventuallyAsync(() => Task.FromResult(received.Any(m => m.Channel == _second) && received.Count(m => m.Channel == _first) >= 3),
            "the three messages and the end marker arrive");

        // A second handler would run within the same delivery; give it a moment to show up.
        await Task.Delay(300, TestContext.Current.CancellationToken);
        Assert.Equal(["1", "2", "3"], received.Where(m => m.Channel == _first).Select(m => m.Payload).Order());
        Assert.Single(received, m => m.Channel == _second);
    }

    [Fact]
    public async Task Disposing_unsubscribes_every_channel()
    {
        var subscriptions = await ChannelSubscriptions.SubscribeAsync(_listener.GetSubscriber(), [_first, _second], (_, _) => { });
        Assert.Equal(1, await _publisher.GetSubscriber().PublishAsync(RedisChannel.Literal(_first), "x"));

        subscriptions.Dispose();
        await ClusterTestNode.EventuallyAsync(async () => await _publisher.GetSubscriber().PublishAsync(RedisChannel.Literal(_first), "x")
            + await _publisher.GetSubscriber().PublishAsync(RedisChannel.Literal(_second), "x") == 0, "no client listens on either channel");
    }

    /// <summary>Forwards to a real subscriber; subscribing <c>failOn</c> goes through to the server, then fails.</summary>
    public class FailingSubscriber : DispatchProxy
    {
        private ISubscriber _inner = null!;
        private RedisChannel _failOn;

        public static ISubscriber Wrap(ISubscriber inner, string failOn)
        {
            var proxy = Create<ISubscriber, FailingSubscriber>();
            var self = (FailingSubscriber)(object)proxy;
            self._inner = inner;
            self._failOn = RedisChannel.Literal(failOn);
            return proxy;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            ArgumentNullException.ThrowIfNull(targetMethod);
            object? result = targetMethod.Invoke(_inner, args);
            return targetMethod.Name == nameof(ISubscriber.SubscribeAsync) && args is [RedisChannel channel, ..] && channel == _failOn && result is Task call
                ? FailAfter(call)
                : result;
        }

        private static async Task FailAfter(Task call)
        {
            await call.ConfigureAwait(false);
            throw new TimeoutException("injected: the server subscribed, the client gave up waiting");
        }
    }
}
