using System.Collections.Concurrent;
using Akka.Event;
using Akka.Streams;
using Akka.Streams.Dsl;
using StackExchange.Redis;
using TickStock.Actors.Configuration;
using TickStock.Actors.Infrastructure;
using TickStock.Actors.MarketData;
using TickStock.Actors.Symbols;
using TickStock.Testing;

namespace TickStock.Actors.Tests.MarketData;

/// <summary>The redis tick source against the local Redis: parsing, rejects, and surviving a dropped connection (its own only).</summary>
public class RedisTickSourceTests : HostedTestKit
{
    protected override void ConfigureAkka(Akka.Hosting.AkkaConfigurationBuilder builder, IServiceProvider provider)
    {
    }

    [Fact]
    public async Task Ticks_arrive_bad_messages_are_counted_and_the_subscription_survives_a_killed_connection()
    {
        string tag = Guid.NewGuid().ToString("N");
        string channel = $"tickstock.data.raw.test-{tag}";
        // A client name of its own, so the test can find (and cut) only its own connections on the shared server.
        string clientName = $"tick-source-test-{tag}";
        await using var provider = new RedisConnectionProvider(new RedisSettings { Configuration = LocalServices.RedisConfiguration }, clientName);
        var admin = ConfigurationOptions.Parse(LocalServices.RedisConfiguration);
        admin.AllowAdmin = true;
        await using var publisher = await ConnectionMultiplexer.ConnectAsync(admin);

        // Another pub/sub client on the same server (as another test's would be): it must not be disturbed.
        var bystanderOptions = ConfigurationOptions.Parse(LocalServices.RedisConfiguration);
        bystanderOptions.ClientName = $"tick-source-bystander-{tag}";
        await using var bystander = await ConnectionMultiplexer.ConnectAsync(bystanderOptions);
        await bystander.GetSubscriber().SubscribeAsync(RedisChannel.Literal(channel + ".bystander"), (_, _) => { });
        var server = publisher.GetServer(publisher.GetEndPoints()[0]);
        long[] bystanderClients = await ClientIdsAsync(server, bystanderOptions.ClientName);
        Assert.NotEmpty(bystanderClients);
        var counters = new TickSourceCounters();
        var received = new ConcurrentQueue<SymbolCommands.Tick>();

        var killSwitch = MarketDataSources.RedisTicks(provider, channel, Logging.GetLogger(Sys, "test"), counters)
            .ViaMaterialized(KillSwitches.Single<IWithSymbol>(), Keep.Right)
            .To(Sink.ForEach<IWithSymbol>(t => received.Enqueue((SymbolCommands.Tick)t)))
            .Run(Sys.Materializer());
        try
        {
            var sub = publisher.GetSubscriber();
            await AwaitConditionAsync(async () =>
            {
                await sub.PublishAsync(RedisChannel.Literal(channel), """{"ticker":"RDS","price":10.5,"volume":5,"timestamp":1732812345.5}""");
                return !received.IsEmpty;
            }, TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(200));
            Assert.True(received.TryPeek(out var first));
            Assert.Equal("RDS", first.Symbol);
            Assert.Equal(1732812345500, first.TimeMs);

            long rejectedBefore = counters.Rejected;
            await sub.PublishAsync(RedisChannel.Literal(channel), "{broken");
            await sub.PublishAsync(RedisChannel.Literal(channel), new string('x', TickMessageParser.MaxMessageBytes + 10));
            await AwaitConditionAsync(() => Task.FromResult(counters.Rejected == rejectedBefore + 2), TimeSpan.FromSeconds(20));

            // Cut the source's own connections (never a server-wide CLIENT KILL TYPE pubsub: it would drop every other
            // test's subscriptions too); the multiplexer reconnects and re-subscribes.
            long[] own = await ClientIdsAsync(server, clientName);
            Assert.NotEmpty(own);
            foreach (long id in own)
            {
                await server.ExecuteAsync("CLIENT", "KILL", "ID", id);
            }

            int before = received.Count;
            await AwaitConditionAsync(async () =>
            {
                await sub.PublishAsync(RedisChannel.Literal(channel), """{"ticker":"AFTER","price":11,"timestamp":1732812400}""");
                return received.Skip(before).Any(t => t.Symbol == "AFTER");
            }, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(250));
            Assert.Contains(received, t => t.Symbol == "AFTER");
            Assert.DoesNotContain(await ClientIdsAsync(server, clientName), own.Contains); // really cut, and reconnected
            Assert.Equal(bystanderClients, await ClientIdsAsync(server, bystanderOptions.ClientName)); // untouched
        }
        finally
        {
            killSwitch.Shutdown();
        }
    }

    /// <summary>The ids of the server's client connections named <paramref name="name"/>, in ascending order.</summary>
    private static async Task<long[]> ClientIdsAsync(IServer server, string name) =>
        (await server.ClientListAsync()).Where(c => c.Name == name).Select(c => c.Id).Order().ToArray();
}
