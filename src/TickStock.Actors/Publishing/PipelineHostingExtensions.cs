using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using TickStock.Actors.Configuration;
using TickStock.Actors.Infrastructure;
using static TickStock.Actors.Publishing.PipelineCommands;

namespace TickStock.Actors.Publishing;

/// <summary>Registry key of the health reporter.</summary>
public sealed class HealthReporter;

public static class PipelineHostingExtensions
{
    /// <summary>Dispatcher of the I/O-owning actors, defined in hocon/akka.conf.</summary>
    public const string IoDispatcher = "akka.actor.io-dispatcher";

    /// <summary>
    /// The pattern pipeline (IntegrationLogger → Publisher), heartbeats and health. Needs
    /// NpgsqlDataSource, RedisConnectionProvider and ProducerStats in DI. On coordinated shutdown
    /// (before the node leaves the cluster) it flushes rows and events and writes PRODUCER_STOPPED.
    /// </summary>
    public static AkkaConfigurationBuilder AddPatternPipeline(this AkkaConfigurationBuilder builder, TickStockOptions options, string startupDetails)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        return builder.WithActors((system, registry, resolver) =>
        {
            var settings = options.Pipeline;
            var stats = resolver.GetService<ProducerStats>();
            var redis = resolver.GetService<RedisConnectionProvider>();
            var store = new IntegrationEventStore(resolver.GetService<NpgsqlDataSource>());

            // Their own dispatcher (hocon: akka.actor.io-dispatcher): the same .NET thread pool as the
            // default dispatcher, but a larger throughput per mailbox run, and it can be moved alone.
            var publisher = system.ActorOf(PublisherActor.Props(redis, stats, settings).WithDispatcher(IoDispatcher), "publisher");
            var logger = system.ActorOf(IntegrationLoggerActor.Props(store, new SpillFile(settings.SpillPath), publisher, stats, settings)
                .WithDispatcher(IoDispatcher), "integration-logger");
            publisher.Tell(new PublisherActor.UseAuditLog(logger));
            var heartbeat = system.ActorOf(HeartbeatActor.Props(publisher, logger, stats, settings, startupDetails), "heartbeat");
            var health = system.ActorOf(HealthActor.Props(publisher, redis, stats, options), "health");

            registry.Register<PatternPipeline>(logger);
            registry.Register<PatternPublisher>(publisher);
            registry.Register<HealthReporter>(health);

            CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeServiceUnbind, "flush-pattern-pipeline", async () =>
            {
                await heartbeat.GracefulStop(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
                await logger.Ask<FlushCompleted>(Flush.Instance, TimeSpan.FromSeconds(9)).ConfigureAwait(false);
                return Akka.Done.Instance;
            });
        });
    }
}
