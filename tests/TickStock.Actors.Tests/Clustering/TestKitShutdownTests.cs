using Akka;
using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using TickStock.Actors.Configuration;
using TickStock.Actors.Hosting;

namespace TickStock.Actors.Tests.Clustering;

/// <summary>
/// The test kit every actor test here derives from lets a clustered node's coordinated shutdown run to its end when it
/// takes longer than Akka.TestKit's 5 s patience (a loaded machine; here a task of the first phase that takes 7 s).
/// Akka.Hosting's own kit stops the guardian by force at 5 s, under the running shutdown: with the old base class this
/// test fails (the slow task is cut short). The same forced stop, with a phase left that nothing completes any more,
/// is what hung a whole CI run (see <see cref="HostedTestKit"/>).
/// </summary>
public sealed class TestKitShutdownTests
{
    [Fact]
    public async Task A_coordinated_shutdown_longer_than_the_test_kit_patience_runs_to_its_end_before_the_kit_returns()
    {
        var kit = new SlowToStop();
        await kit.InitializeAsync();
        await kit.ReadyAsync();

        // Bounded only so that a regression fails the test instead of hanging the suite; the stop takes ~8 s.
        await kit.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(90), TestContext.Current.CancellationToken);

        Assert.True(kit.Sys.WhenTerminated.IsCompleted);
        Assert.True(kit.SlowTaskFinished, "the slow shutdown task was cut short");
    }

    private sealed class SlowToStop : HostedTestKit
    {
        private volatile bool _slowTaskFinished;

        public bool SlowTaskFinished => _slowTaskFinished;

        protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider)
        {
            builder.AddTickStockCluster(new NodeClusterSettings()).AddStartup((system, _) =>
                CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeServiceUnbind, "slower-than-the-test-kit", async () =>
                {
                    await Task.Delay(TimeSpan.FromSeconds(7));
                    _slowTaskFinished = true;
                    return Done.Instance;
                }));
        }

        public Task ReadyAsync() =>
            AwaitConditionAsync(() => Task.FromResult(Cluster.Get(Sys).SelfMember.Status == MemberStatus.Up), TimeSpan.FromSeconds(20));
    }
}
