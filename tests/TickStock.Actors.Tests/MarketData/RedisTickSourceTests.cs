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

/// <summary>The redis tick source against the local Redis: parsing, rejects, and surviving a dropped connection.</summary>
public class RedisTickSourceTests : Akka.Hosting.TestKit.TestKit
{
    protected override void ConfigureAkka(Akka.Hosting.AkkaConfigurationBuilder builder, IServiceProvider provider)
    {
    }

    [Fact]
    public async Task Ticks_arrive_bad_messages_are_counted_and_the_subscription_survives_a_killed_connection()
    {
        string channel = $"tickstock.data.raw.test-{Guid.NewGuid():N}";
        await using var provider = new RedisConnectionProvider(new RedisSettings { Configuration = LocalServices.RedisConfiguration }, "tick-source-test");
        var admin = ConfigurationOptions.Parse(LocalServices.RedisConfiguration);
        admin.AllowAdmin = true;
        await using var publisher = await ConnectionMultiplexer.ConnectAsync(admin);
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

            // Drop every pub/sub connection on the server; the multiplexer reconnects and re-subscribes.
            var server = publisher.GetServer(publisher.GetEndPoints()[0]);
            await server.ExecuteAsync("CLIENT", "KILL", "TYPE", "pubsub");
            int before = received.Count;
            await AwaitConditionAsync(async () =>
            {
                await sub.PublishAsync(RedisChannel.Literal(channel), """{"ticker":"AFTER","price":11,"timestamp":1732812400}""");
                return received.Skip(before).Any(t => t.Symbol == "AFTER");
            }, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(250));
            Assert.Contains(received, t => t.Symbol == "AFTER");
        }
        finally
        {
            killSwitch.Shutdown();
        }
    }
}
