using Akka.Actor;
using TickStock.Actors.Configuration;
using TickStock.Core.Contracts;
using static TickStock.Actors.Publishing.PipelineCommands;

namespace TickStock.Actors.Publishing;

/// <summary>
/// Liveness signals (contract §4): the Redis heartbeat keys and the PRODUCER_ALIVE row, each sent
/// once at start and then on its interval, plus the PRODUCER_STARTED row.
/// </summary>
public sealed class HeartbeatActor : ReceiveActor, IWithTimers
{
    private readonly ProducerStats _stats;
    private readonly TimeProvider _clock;

    public HeartbeatActor(IActorRef publisher, IActorRef auditLog, ProducerStats stats, PipelineSettings settings,
        string startupDetails, TimeProvider? clock = null)
    {
        _stats = stats;
        _clock = clock ?? TimeProvider.System;
        Receive<RedisBeat>(_ => publisher.Tell(new SetHeartbeat(UnixTime.Now(_clock))));
        Receive<DatabaseBeat>(_ => auditLog.Tell(new LogRow(AliveRow())));
        Receive<Started>(_ =>
        {
            auditLog.Tell(new LogRow(IntegrationRow.System("system_startup", "PRODUCER_STARTED", startupDetails, _clock.GetUtcNow())));
            Self.Tell(RedisBeat.Instance);
            Self.Tell(DatabaseBeat.Instance);
            Timers.StartPeriodicTimer("redis", RedisBeat.Instance, settings.RedisHeartbeatInterval);
            Timers.StartPeriodicTimer("database", DatabaseBeat.Instance, settings.DatabaseHeartbeatInterval);
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IActorRef publisher, IActorRef auditLog, ProducerStats stats, PipelineSettings settings,
        string startupDetails, TimeProvider? clock = null) =>
        Akka.Actor.Props.Create(() => new HeartbeatActor(publisher, auditLog, stats, settings, startupDetails, clock));

    protected override void PreStart() => Self.Tell(Started.Instance);

    private IntegrationRow AliveRow()
    {
        var details = WireFormat.Object(w =>
        {
            w.WriteNumber("patterns_detected", _stats.PatternsDetected);
            w.WriteNumber("uptime_seconds", _stats.UptimeSeconds);
            if (_stats.LastPatternTime is { } last) w.WriteNumber("last_pattern_time", WireFormat.Round(last, 3));
            else w.WriteNull("last_pattern_time");
        });
        return IntegrationRow.System("heartbeat", "PRODUCER_ALIVE", details, _clock.GetUtcNow());
    }

    private sealed class RedisBeat
    {
        public static readonly RedisBeat Instance = new();
    }

    private sealed class DatabaseBeat
    {
        public static readonly DatabaseBeat Instance = new();
    }

    private sealed class Started
    {
        public static readonly Started Instance = new();
    }
}
