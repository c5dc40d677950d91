using Akka.Actor;
using Akka.Hosting;
using TickStock.Actors.Configuration;
using TickStock.Actors.Infrastructure;
using static TickStock.Actors.Publishing.PipelineCommands;

namespace TickStock.Actors.Publishing;

/// <summary>
/// Parent of the pattern pipeline: creates and supervises the <see cref="PublisherActor"/>, the
/// <see cref="IntegrationLoggerActor"/> and (in the daemon) the <see cref="HeartbeatActor"/>, and
/// registers them. It stays off the events' path: detectors reach the logger directly through the
/// <see cref="PatternPipeline"/> key, and the logger hands committed events straight to the
/// publisher. Through it pass only the rare messages between its children (events the publisher
/// dropped, which need PATTERN_EXPIRED rows) and the graceful stop.
/// </summary>
public sealed class PatternPipelineActor : ReceiveActor
{
    private readonly List<IActorRef> _flushWaiters = [];
    private IActorRef _publisher = ActorRefs.Nobody;
    private IActorRef _integrationLogger = ActorRefs.Nobody;
    private IActorRef? _heartbeat;

    public PatternPipelineActor(IIntegrationEventStore store, RedisConnectionProvider redis, ProducerStats stats, PipelineSettings settings,
        string? startupDetails, string? dispatcher, SpillFile? spill)
    {
        Props OnDispatcher(Props props) => dispatcher is null ? props : props.WithDispatcher(dispatcher);
        _publisher = Context.ActorOf(OnDispatcher(PublisherActor.Props(redis, stats, settings)), "publisher");
        _integrationLogger = Context.ActorOf(OnDispatcher(IntegrationLoggerActor.Props(store, spill ?? new SpillFile(settings.SpillPath, settings.SpillMaxBytes), _publisher, stats, settings)),
            "integration-logger");
        if (startupDetails is not null)
        {
            _heartbeat = Context.ActorOf(HeartbeatActor.Props(redis, _integrationLogger, stats, settings, startupDetails), "heartbeat");
        }

        Receive<PublisherEvents.EventsDropped>(m =>
        {
            foreach (var e in m.Events) _integrationLogger.Tell(new LogRow(IntegrationRow.Expired(e, m.Reason, m.At)));
        });
        Receive<PatternCommands.PatternDetected>(m => _integrationLogger.Forward(m));
        Receive<Flush>(_ => OnFlush());
        Receive<Terminated>(t => t.ActorRef.Equals(_heartbeat), _ =>
        {
            _heartbeat = null;
            foreach (var waiter in _flushWaiters) _integrationLogger.Tell(Flush.Instance, waiter);
            _flushWaiters.Clear();
        });
    }

    /// <param name="startupDetails">PRODUCER_STARTED details; null for no heartbeat (tests and the bench).</param>
    /// <param name="dispatcher">Dispatcher of the publisher and the logger (the daemon's io-dispatcher).</param>
    /// <param name="spill">The spill file (the daemon's is in its state directory); by default settings.SpillPath as it is.</param>
    public static Props Props(IIntegrationEventStore store, RedisConnectionProvider redis, ProducerStats stats, PipelineSettings settings,
        string? startupDetails = null, string? dispatcher = null, SpillFile? spill = null) =>
        Akka.Actor.Props.Create(() => new PatternPipelineActor(store, redis, stats, settings, startupDetails, dispatcher, spill));

    protected override void PreStart()
    {
        // Registered by the parent because it is the one that knows them; overwrite, as a restart
        // of this actor makes new children.
        var registry = ActorRegistry.For(Context.System);
        registry.Register<PatternPipeline>(_integrationLogger, overwrite: true);
        registry.Register<IntegrationLoggerActor>(_integrationLogger, overwrite: true);
        registry.Register<PublisherActor>(_publisher, overwrite: true);
    }

    /// <summary>
    /// A failure of the logger or the publisher is a bug (their I/O failures are messages): restart
    /// it in place, under the same reference, so the other keeps talking to it.
    /// </summary>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Restart);

    /// <summary>Stop: the heartbeat first (no row may follow PRODUCER_STOPPED), then the logger flushes and answers the asker.</summary>
    private void OnFlush()
    {
        if (_heartbeat is null)
        {
            _integrationLogger.Forward(Flush.Instance);
            return;
        }

        _flushWaiters.Add(Sender);
        if (_flushWaiters.Count > 1) return;
        Context.Watch(_heartbeat);
        Context.Stop(_heartbeat);
    }
}
