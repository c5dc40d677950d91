using System.Globalization;
using Akka.Actor;
using Akka.Event;
using TickStock.Actors.Configuration;
using TickStock.Actors.Infrastructure;
using TickStock.Core.Contracts;
using static TickStock.Actors.Publishing.PipelineCommands;

namespace TickStock.Actors.Publishing;

/// <summary>
/// Liveness signals (contract §4): the Redis heartbeat keys, written here, and the PRODUCER_ALIVE
/// row, sent to the IntegrationLogger; each once at start and then on its interval, plus the
/// PRODUCER_STARTED row. A child of <see cref="PatternPipelineActor"/>, stopped before the final flush.
/// </summary>
public sealed class HeartbeatActor : ReceiveActor, IWithTimers
{
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly RedisConnectionProvider _redis;
    private readonly ProducerStats _stats;
    private readonly PipelineSettings _settings;
    private readonly TimeProvider _clock;
    private bool _lastBeatFailed;

    public HeartbeatActor(RedisConnectionProvider redis, IActorRef integrationLogger, ProducerStats stats, PipelineSettings settings,
        string startupDetails, TimeProvider? clock = null)
    {
        _redis = redis;
        _stats = stats;
        _settings = settings;
        _clock = clock ?? TimeProvider.System;
        Receive<RedisBeat>(_ => WriteKeysAsync(UnixTime.Now(_clock)).PipeTo(Self, success: () => new BeatWritten(null), failure: ex => new BeatWritten(ex)));
        Receive<BeatWritten>(OnBeatWritten);
        Receive<DatabaseBeat>(_ => integrationLogger.Tell(new LogRow(IntegrationRow.System("heartbeat", "PRODUCER_ALIVE", AliveDetails(_stats), _clock.GetUtcNow()))));
        Receive<Started>(_ =>
        {
            integrationLogger.Tell(new LogRow(IntegrationRow.System("system_startup", "PRODUCER_STARTED", startupDetails, _clock.GetUtcNow())));
            Self.Tell(RedisBeat.Instance);
            Self.Tell(DatabaseBeat.Instance);
            Timers.StartPeriodicTimer("redis", RedisBeat.Instance, settings.RedisHeartbeatInterval);
            Timers.StartPeriodicTimer("database", DatabaseBeat.Instance, settings.DatabaseHeartbeatInterval);
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(RedisConnectionProvider redis, IActorRef integrationLogger, ProducerStats stats, PipelineSettings settings,
        string startupDetails, TimeProvider? clock = null) =>
        Akka.Actor.Props.Create(() => new HeartbeatActor(redis, integrationLogger, stats, settings, startupDetails, clock));

    protected override void PreStart() => Self.Tell(Started.Instance);

    /// <summary>Both keys with one value: unix seconds as a plain decimal string; the legacy key expires if we stop.</summary>
    private async Task WriteKeysAsync(double unixSeconds)
    {
        var db = (await _redis.GetAsync().ConfigureAwait(false)).GetDatabase();
        var value = unixSeconds.ToString("0.000", CultureInfo.InvariantCulture);
        await Task.WhenAll(
            db.StringSetAsync(_settings.Channels.HeartbeatKey, value),
            db.StringSetAsync(_settings.Channels.LegacyHeartbeatKey, value, TimeSpan.FromSeconds(60))).ConfigureAwait(false);
    }

    private void OnBeatWritten(BeatWritten m)
    {
        // Once per change: a Redis outage would otherwise log a line every interval.
        if (m.Error is not null && !_lastBeatFailed) _log.Warning("Redis heartbeat not written: {0}", m.Error.Message.Split('\n')[0]);
        else if (m.Error is null && _lastBeatFailed) _log.Info("Redis heartbeat written again");
        _lastBeatFailed = m.Error is not null;
    }

    /// <summary>details of a PRODUCER_ALIVE row (contract §3.2); last_pattern_time is a unix float or null.</summary>
    public static string AliveDetails(ProducerStats stats)
    {
        ArgumentNullException.ThrowIfNull(stats);
        return WireFormat.Object(w =>
        {
            w.WriteNumber("patterns_detected", stats.PatternsDetected);
            w.WriteNumber("uptime_seconds", stats.UptimeSeconds);
            if (stats.LastPatternTime is { } last) WireFormat.WriteUnixSeconds(w, "last_pattern_time", last, digits: 3);
            else w.WriteNull("last_pattern_time");
        });
    }

    private sealed record BeatWritten(Exception? Error);

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
