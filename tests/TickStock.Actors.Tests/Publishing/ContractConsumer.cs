using System.Collections.Concurrent;
using System.Text.Json;
using Npgsql;
using StackExchange.Redis;

namespace TickStock.Actors.Tests.Publishing;

/// <summary>
/// Stands in for the consumer app: subscribes to the pattern channel, checks every field of every
/// message against contract §2, checks the PATTERN_PUBLISHED row was already committed when the
/// message arrived, and logs EVENT_RECEIVED / EVENT_PARSED / WEBSOCKET_DELIVERED through
/// log_integration_event the way the consumer does (untyped literals).
/// </summary>
public sealed class ContractConsumer : IAsyncDisposable
{
    private static readonly string[] TopLevel = ["event_type", "source", "timestamp", "data"];
    private static readonly string[] DataFields =
    [
        "symbol", "pattern", "confidence", "flow_id", "tier", "source", "price_change", "current_price", "volume",
        "timestamp", "expires_at", "timeframe", "indicators",
    ];

    private readonly ConnectionMultiplexer _redis;
    private readonly NpgsqlDataSource _db;
    private readonly bool _logCheckpoints;
    private readonly ConcurrentQueue<string> _problems = new();

    private readonly string _mainChannel;

    private ContractConsumer(ConnectionMultiplexer redis, NpgsqlDataSource db, bool logCheckpoints, string mainChannel)
    {
        _mainChannel = mainChannel;
        _redis = redis;
        _db = db;
        _logCheckpoints = logCheckpoints;
    }

    /// <summary>flow_id → how many times it arrived on the main channel (mirrors are counted in <see cref="PerChannel"/>).</summary>
    public ConcurrentDictionary<Guid, int> Received { get; } = new();

    /// <summary>Messages per channel.</summary>
    public ConcurrentDictionary<string, int> PerChannel { get; } = new();

    public IReadOnlyCollection<string> Problems => _problems;

    public static async Task<ContractConsumer> StartAsync(string redisConfiguration, NpgsqlDataSource db, IEnumerable<string> channels, bool logCheckpoints = true)
    {
        var redis = await ConnectionMultiplexer.ConnectAsync(redisConfiguration).ConfigureAwait(false);
        var list = channels.ToList();
        var consumer = new ContractConsumer(redis, db, logCheckpoints, list[0]);
        foreach (var channel in list)
        {
            var queue = await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(channel)).ConfigureAwait(false);
            queue.OnMessage(message => consumer.OnMessageAsync(channel, message.Message!));
        }

        return consumer;
    }

    private async Task OnMessageAsync(string channel, byte[] payload)
    {
        PerChannel.AddOrUpdate(channel, 1, (_, n) => n + 1);
        Guid flowId;
        string symbol, pattern;
        double confidence;
        try
        {
            (flowId, symbol, pattern, confidence) = Validate(payload);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or KeyNotFoundException)
        {
            _problems.Enqueue($"{channel}: {ex.Message}: {System.Text.Encoding.UTF8.GetString(payload)}");
            return;
        }

        // Row before publish: the row must already be visible when the message is here.
        await using (var check = _db.CreateCommand("SELECT count(*) FROM integration_events WHERE flow_id = $1 AND checkpoint = 'PATTERN_PUBLISHED'"))
        {
            check.Parameters.Add(new NpgsqlParameter { Value = flowId });
            if ((long)(await check.ExecuteScalarAsync())! == 0) _problems.Enqueue($"{flowId}: message arrived before its PATTERN_PUBLISHED row was committed");
        }

        if (channel != _mainChannel) return;
        var first = Received.AddOrUpdate(flowId, 1, (_, n) => n + 1) == 1;
        if (_logCheckpoints && first)
        {
            var conf = confidence.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
            foreach (var checkpoint in new[] { "EVENT_RECEIVED", "EVENT_PARSED", "WEBSOCKET_DELIVERED" })
            {
                await using var log = _db.CreateCommand(
                    $"SELECT log_integration_event('{flowId}', 'pattern_detected', 'TickStockAppV2', '{checkpoint}', '{channel}', '{symbol}', '{pattern}', {conf}, 1, '{{\"test\": true}}')");
                await log.ExecuteNonQueryAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Contract §2, field by field; throws with the first problem.</summary>
    public static (Guid FlowId, string Symbol, string Pattern, double Confidence) Validate(byte[] payload)
    {
        using var doc = JsonDocument.Parse(payload);
        var root = doc.RootElement;
        Expect(root.EnumerateObject().Select(p => p.Name).SequenceEqual(TopLevel), "top-level fields are " + string.Join(",", root.EnumerateObject().Select(p => p.Name)));
        Expect(root.GetProperty("event_type").GetString() == "pattern_detected", "event_type");
        Expect(root.GetProperty("source").GetString() == "TickStockPL", "source");
        Expect(root.GetProperty("timestamp").ValueKind == JsonValueKind.Number, "timestamp is a number");
        var data = root.GetProperty("data");
        Expect(data.ValueKind == JsonValueKind.Object, "data is an object");
        Expect(data.EnumerateObject().Select(p => p.Name).SequenceEqual(DataFields), "data fields are " + string.Join(",", data.EnumerateObject().Select(p => p.Name)));
        var symbol = data.GetProperty("symbol").GetString()!;
        Expect(symbol.Length is > 0 and <= 20, "symbol length");
        var pattern = data.GetProperty("pattern").GetString()!;
        Expect(pattern.Length is > 0 and <= 50, "pattern length");
        var confidence = data.GetProperty("confidence").GetDouble();
        Expect(confidence is >= 0 and <= 1, "confidence range");
        var flowText = data.GetProperty("flow_id").GetString()!;
        var flowId = Guid.ParseExact(flowText, "D");
        Expect(flowText[14] == '4', "flow_id is a UUID v4");
        var tier = data.GetProperty("tier").GetString();
        Expect(tier is "daily" or "intraday" or "combo" or "test", "tier");
        Expect(data.GetProperty("source").GetString() == tier, "data.source equals tier");
        foreach (var number in new[] { "price_change", "current_price", "timestamp", "expires_at" })
        {
            Expect(data.GetProperty(number).ValueKind == JsonValueKind.Number, number + " is a number");
        }

        Expect(data.GetProperty("volume").TryGetInt64(out _), "volume is an integer");
        Expect(data.GetProperty("expires_at").GetDouble() > data.GetProperty("timestamp").GetDouble(), "expires_at after timestamp");
        Expect(data.GetProperty("timeframe").ValueKind == JsonValueKind.String, "timeframe");
        Expect(data.GetProperty("indicators").ValueKind == JsonValueKind.Object
               && data.GetProperty("indicators").EnumerateObject().All(p => p.Value.ValueKind == JsonValueKind.Number), "indicators are numbers");
        return (flowId, symbol, pattern, confidence);
    }

    private static void Expect(bool condition, string what)
    {
        if (!condition) throw new InvalidOperationException("contract violation: " + what);
    }

    public async ValueTask DisposeAsync() => await _redis.DisposeAsync().ConfigureAwait(false);
}
