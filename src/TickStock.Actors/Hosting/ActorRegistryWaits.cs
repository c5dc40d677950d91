using Akka.Actor;
using Akka.Hosting;

namespace TickStock.Actors.Hosting;

/// <summary>
/// Waiting for an actor to be registered without the race in Akka.Hosting's <c>GetAsync</c> (1.5.73): it looks the key
/// up and only then adds its waiter, so a registration landing between the two (an actor's PreStart on another
/// thread, e.g. the pattern pipeline registering its children) notifies nobody and the caller waits forever. Seen as
/// a test hung in <c>GetAsync&lt;IntegrationLoggerActor&gt;</c> right after the pipeline actor was created.
/// </summary>
public static class ActorRegistryWaits
{
    /// <summary>How often a registration missed by the library's waiter is looked for again.</summary>
    private static readonly TimeSpan Recheck = TimeSpan.FromMilliseconds(100);

    /// <summary>The actor registered under <typeparamref name="TKey"/>, waiting up to <paramref name="timeout"/> for it.</summary>
    /// <exception cref="TimeoutException">Nothing was registered under the key in time (named in the message).</exception>
    public static async Task<IActorRef> WaitForAsync<TKey>(this IReadOnlyActorRegistry registry, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(registry);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (true)
        {
            if (registry.TryGet<TKey>(out var actor)) return actor;
            using var slice = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
            slice.CancelAfter(Recheck);
            try
            {
                return await registry.GetAsync<TKey>(slice.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                if (deadline.IsCancellationRequested && !registry.TryGet<TKey>(out _))
                {
                    throw new TimeoutException($"No actor was registered as {typeof(TKey).Name} within {timeout.TotalSeconds:0.#} s");
                }
            }
        }
    }
}
