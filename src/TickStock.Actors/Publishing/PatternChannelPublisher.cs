using StackExchange.Redis;
using TickStock.Core.Contracts;

namespace TickStock.Actors.Publishing;

/// <summary>
/// PUBLISHes pattern events on the contract channel (+ the tier mirror). A batch goes to Redis as a
/// few server-side scripts, each publishing up to <see cref="EventsPerScript"/> events: the
/// per-command cost of the client then stops being the bottleneck (one PUBLISH command per message
/// and mirror costs more client CPU than the whole server side), while each script stays short so
/// Redis is never blocked for long. Every PUBLISH still delivers one message, in order.
/// </summary>
public sealed class PatternChannelPublisher(IConnectionMultiplexer connection, ChannelNames channels)
{
    public const int EventsPerScript = 250;

    // The three mirror channel names, built once rather than concatenated per event.
    private readonly Dictionary<string, RedisValue> _mirrors = new[] { PatternTier.Daily, PatternTier.Intraday, PatternTier.Combo }
        .ToDictionary(tier => tier, tier => (RedisValue)PatternTier.MirrorChannel(channels.Patterns, tier), StringComparer.Ordinal);

    // ARGV[1] = main channel; then (mirror channel or "", message) pairs. Returns the main channel's
    // subscriber count per message.
    private const string PublishScript = """
        local counts = {}
        local main = ARGV[1]
        local n = 0
        for i = 2, #ARGV, 2 do
          n = n + 1
          counts[n] = redis.call('PUBLISH', main, ARGV[i + 1])
          if ARGV[i] ~= '' then redis.call('PUBLISH', ARGV[i], ARGV[i + 1]) end
        end
        return counts
        """;

    /// <summary>Publishes each event; returns the subscriber count of each main-channel publish.</summary>
    public async Task<long[]> PublishAsync(IReadOnlyList<PatternEvent> events, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(events);
        var db = connection.GetDatabase();
        var scripts = new Task<RedisResult>[(events.Count + EventsPerScript - 1) / EventsPerScript];
        // The messages are copied into pooled chunks that the scripts' arguments point into, instead
        // of one new array per message (the largest allocation per event on the publish path).
        var messages = new MessageArena();
        for (int start = 0, script = 0; start < events.Count; start += EventsPerScript, script++)
        {
            var count = Math.Min(EventsPerScript, events.Count - start);
            var args = new RedisValue[1 + 2 * count];
            args[0] = channels.Patterns;
            var publishedAt = UnixTime.Now(clock);
            for (var i = 0; i < count; i++)
            {
                var e = events[start + i];
                args[1 + 2 * i] = channels.MirrorTiers && _mirrors.TryGetValue(e.Tier, out var mirror) ? mirror : RedisValue.EmptyString;
                args[2 + 2 * i] = messages.Add(WireFormat.WritePatternMessage(e, publishedAt));
            }

            scripts[script] = db.ScriptEvaluateAsync(PublishScript, keys: null, values: args);
        }

        // Only after every script has answered are its arguments certainly written: the chunks go
        // back to the pool then. A failed publish leaves them to the collector, since a command that
        // failed on our side might still be read from them later.
        var results = await Task.WhenAll(scripts).ConfigureAwait(false);
        messages.Release();
        var counts = new long[events.Count];
        var k = 0;
        foreach (var result in results)
        {
            foreach (var n in (long[])result!) counts[k++] = n;
        }

        return counts;
    }
}

/// <summary>Channel names (contract §1 defaults; all configurable).</summary>
public sealed class ChannelNames
{
    public string Patterns { get; set; } = "tickstock.events.patterns";
    public bool MirrorTiers { get; set; } = true;
    public string HealthStatus { get; set; } = "tickstock.health.status";
    public string HealthCheck { get; set; } = "tickstock.health.check";
    public string HeartbeatKey { get; set; } = "tickstock:producer:heartbeat";
    public string LegacyHeartbeatKey { get; set; } = "tickstockpl:heartbeat";
}
