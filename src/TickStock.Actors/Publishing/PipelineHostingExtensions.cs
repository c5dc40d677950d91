using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using TickStock.Actors.Configuration;
using TickStock.Actors.Infrastructure;
using static TickStock.Actors.Publishing.PipelineCommands;

namespace TickStock.Actors.Publishing;

public static class PipelineHostingExtensions
{
    /// <summary>Dispatcher of the I/O-owning actors, defined in hocon/akka.conf.</summary>
    public const string IoDispatcher = "akka.actor.io-dispatcher";

    /// <summary>
    /// The pattern pipeline (<see cref="PatternPipelineActor"/>: IntegrationLogger → Publisher, and
    /// the heartbeat) and the health reporter. Needs NpgsqlDataSource, RedisConnectionProvider and
    /// ProducerStats in DI. On coordinated shutdown (before the node leaves the cluster) it stops
    /// the heartbeat, flushes rows and events and writes PRODUCER_STOPPED.
    /// </summary>
    public static AkkaConfigurationBuilder AddPatternPipeline(this AkkaConfigurationBuilder builder, TickStockOptions options, string startupDetails) =>
        builder.AddPatternPipeline(options, _ => startupDetails);

    /// <summary>
    /// As <see cref="AddPatternPipeline(AkkaConfigurationBuilder, TickStockOptions, string)"/>, with the PRODUCER_STARTED
    /// details made from the node's remoting address (each node of a cluster writes its own row, naming itself).
    /// </summary>
    public static AkkaConfigurationBuilder AddPatternPipeline(this AkkaConfigurationBuilder builder, TickStockOptions options, Func<string, string> startupDetails)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(startupDetails);
        return builder.WithActors((system, registry, resolver) =>
        {
            var details = startupDetails(((ExtendedActorSystem)system).Provider.DefaultAddress.ToString());
            var stats = resolver.GetService<ProducerStats>();
            var redis = resolver.GetService<RedisConnectionProvider>();
            var store = new IntegrationEventStore(resolver.GetService<NpgsqlDataSource>());

            // The publisher and the logger run on their own dispatcher (hocon: akka.actor.io-dispatcher):
            // the same .NET thread pool as the default one, but a larger throughput per mailbox run,
            // and it can be moved alone. The pipeline registers its children itself.
            var spill = new SpillFile(options.StatePath(options.Pipeline.SpillPath), options.Pipeline.SpillMaxBytes);
            var pipeline = system.ActorOf(PatternPipelineActor.Props(store, redis, stats, options.Pipeline, details, IoDispatcher, spill), "pattern-pipeline");
            var health = system.ActorOf(HealthActor.Props(redis, stats, options), "health");
            registry.Register<PatternPipelineActor>(pipeline);
            registry.Register<HealthActor>(health);

            // After the market-data feed stopped (before-service-unbind) and before the shard regions hand their
            // SymbolActors to other nodes (cluster-sharding-shutdown-region) and the node leaves (cluster-leave).
            CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseServiceRequestsDone, "flush-pattern-pipeline", async () =>
            {
                await pipeline.Ask<FlushCompleted>(Flush.Instance, TimeSpan.FromSeconds(11)).ConfigureAwait(false);
                return Akka.Done.Instance;
            });
        });
    }
}
