using System.Collections;
using Akka.Actor;
using Akka.Hosting;
using TickStock.Actors.Hosting;

namespace TickStock.Actors.Tests.Hosting;

/// <summary>
/// Waiting for a registration. A registry whose waiter misses a registration (what Akka.Hosting's GetAsync does
/// when the registration lands between its look-up and its waiter) must not make the caller wait forever.
/// </summary>
public sealed class ActorRegistryWaitsTests
{
    private sealed class Key;

    [Fact]
    public async Task A_registration_the_library_waiter_misses_is_still_found()
    {
        var registry = new MissingTheNotification();

        var found = await registry.WaitForAsync<Key>(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Same(MissingTheNotification.Actor, found);
        Assert.True(registry.WaitersAbandoned >= 1, "the library's waiter was never given up on");
    }

    [Fact]
    public async Task An_actor_registered_before_or_while_waiting_is_returned()
    {
        var registered = new ActorRegistry();
        registered.Register<Key>(ActorRefs.Nobody);
        Assert.Same(ActorRefs.Nobody, await registered.WaitForAsync<Key>(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken));

        var later = new ActorRegistry();
        var waiting = later.WaitForAsync<Key>(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        await Task.Delay(250, TestContext.Current.CancellationToken);
        Assert.False(waiting.IsCompleted);
        later.Register<Key>(ActorRefs.Nobody);
        Assert.Same(ActorRefs.Nobody, await waiting);
    }

    [Fact]
    public async Task Nothing_registered_in_time_fails_naming_the_key()
    {
        var error = await Assert.ThrowsAsync<TimeoutException>(() => new ActorRegistry().WaitForAsync<Key>(TimeSpan.FromMilliseconds(300), TestContext.Current.CancellationToken));

        Assert.Contains(nameof(Key), error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// The lost notification, made deterministic: the first look-up misses, the actor is registered right after it,
    /// and the waiter the caller then gets is never completed (only cancelled).
    /// </summary>
    private sealed class MissingTheNotification : IReadOnlyActorRegistry
    {
        public static readonly IActorRef Actor = ActorRefs.Nobody;
        private int _lookups;
        private int _abandoned;

        public int WaitersAbandoned => _abandoned;

        public bool TryGet<TKey>(out IActorRef actor) => TryGet(typeof(TKey), out actor);

        public bool TryGet(Type key, out IActorRef actor)
        {
            actor = Actor;
            return Interlocked.Increment(ref _lookups) > 1;
        }

        public IActorRef Get<TKey>() => throw new NotSupportedException();

        public Task<IActorRef> GetAsync<TKey>(CancellationToken ct = default) => GetAsync(typeof(TKey), ct);

        public async Task<IActorRef> GetAsync(Type key, CancellationToken ct = default)
        {
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            finally
            {
                Interlocked.Increment(ref _abandoned);
            }

            throw new InvalidOperationException("unreachable");
        }

        public IEnumerator<KeyValuePair<Type, IActorRef>> GetEnumerator() => Enumerable.Empty<KeyValuePair<Type, IActorRef>>().GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
