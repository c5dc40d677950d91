using Akka.Actor;

namespace TickStock.Actors.Tests;

/// <summary>
/// Akka.Hosting's test kit, stopped without the hang it can end in. Its dispose terminates the actor system (which runs
/// coordinated shutdown), waits 5 s, and past that stops the guardian by force, under the coordinated shutdown still
/// running. That stops the scheduler the remaining phase timeouts are scheduled on (CoordinatedShutdown times a phase
/// out through <c>FutureTimeoutSupport.After</c> on the system scheduler), so a phase waiting for something the dead
/// system no longer delivers never ends; the kit then stops its host, whose Akka service awaits
/// <c>CoordinatedShutdown.Run</c> without looking at its token, and the test collection waits forever. A dump of a
/// local hang showed the runner idle with one collection slot taken, every actor system terminated, no scheduler alive
/// and the last test started (PolygonStartBackfillTests) finished: only its class's dispose was left. Here the
/// coordinated shutdown gets the time its own phase timeouts bound it to before anything is forced.
/// </summary>
public abstract class HostedTestKit : Akka.Hosting.TestKit.TestKit, IAsyncDisposable
{
    /// <summary>A dispose still running after this has hung; the class fails naming itself instead of holding the run.</summary>
    private static readonly TimeSpan DisposePatience = TimeSpan.FromSeconds(180);

    /// <summary>Above the sum of the phase timeouts a test node can meet (each 5–15 s); a run normally takes 1–3 s.</summary>
    private static readonly TimeSpan ShutdownPatience = TimeSpan.FromSeconds(120);

    protected HostedTestKit(ITestOutputHelper? output = null)
        : base(output: output)
    {
    }

    /// <summary>
    /// The kit's own dispose, started on a pool thread: the test's last continuation may run on a thread whose task
    /// scheduler belongs to the actor system being stopped (remoting's event loops run tasks on their own scheduler), and
    /// the kit's awaits (no ConfigureAwait) would queue their continuations there. Bounded, so a hang fails this class.
    /// </summary>
    ValueTask IAsyncDisposable.DisposeAsync() => new(DisposeOnPoolAsync());

    private async Task DisposeOnPoolAsync()
    {
        var dispose = Task.Run(() => DisposeAsync().AsTask());
        try
        {
            await dispose.WaitAsync(DisposePatience).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{GetType().Name}: the test kit's dispose did not finish within {DisposePatience.TotalSeconds} s");
        }
    }

    protected override void Shutdown(ActorSystem system, TimeSpan? duration = null, bool verifySystemShutdown = false) =>
        base.Shutdown(system, duration ?? ShutdownPatience, verifySystemShutdown);
}
