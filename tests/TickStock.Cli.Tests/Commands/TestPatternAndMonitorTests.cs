using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.RegularExpressions;
using StackExchange.Redis;
using TickStock.Actors.Persistence;
using TickStock.Testing;

namespace TickStock.Cli.Tests.Commands;

public partial class TestPatternAndMonitorTests
{
    [GeneratedRegex(@"flow_id ([0-9a-f\-]{36})")]
    private static partial Regex FlowIdLine();

    [Fact]
    public async Task Test_pattern_writes_the_row_publishes_the_event_and_prints_its_flow_id_and_subscriber_count()
    {
        await using var schema = await ScratchSchema.CreateAsync("cli");
        await new SchemaMigrator(schema.DataSource).MigrateAsync();
        await using var redis = await ConnectionMultiplexer.ConnectAsync(LocalServices.RedisConfiguration);
        var names = new IsolatedChannels("cli");
        var received = new ConcurrentQueue<string>();
        (await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(names.Patterns)))
            .OnMessage(m => received.Enqueue((string)m.Message!));

        using var run = ChildProcess.StartCli(["test-pattern", "--symbol", "zzcli", "--pattern", "Hammer", "--confidence", "0.777", "--tier", "daily"],
            names.Environment(new Dictionary<string, string?> { ["TICKSTOCK_PG"] = schema.ConnectionString }));

        Assert.Equal(0, await run.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var flowId = FlowIdLine().Match(run.Output).Groups[1].Value;
        Assert.True(Guid.TryParse(flowId, out _), run.Output);
        // Exactly one subscriber: this test's, on the test's own channel.
        Assert.Contains($"on {names.Patterns}: 1 subscriber(s) received it", run.Output, StringComparison.Ordinal);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!received.Any(m => m.Contains(flowId, StringComparison.Ordinal)) && DateTime.UtcNow < deadline) await Task.Delay(50);
        var message = JsonDocument.Parse(received.First(m => m.Contains(flowId, StringComparison.Ordinal))).RootElement.GetProperty("data");
        Assert.Equal("ZZCLI", message.GetProperty("symbol").GetString());
        Assert.Equal("Hammer", message.GetProperty("pattern").GetString());
        Assert.Equal(0.777, message.GetProperty("confidence").GetDouble());
        Assert.Equal("daily", message.GetProperty("source").GetString());
        Assert.Equal("ZZCLI|Hammer|0.78|daily", await schema.ScalarAsync<string>(
            $"SELECT symbol || '|' || pattern_name || '|' || confidence || '|' || (details->>'tier') FROM integration_events WHERE flow_id = '{flowId}' AND checkpoint = 'PATTERN_PUBLISHED'"));
    }

    [Fact]
    public async Task Test_pattern_rejects_an_out_of_range_confidence_before_touching_any_service()
    {
        using var run = ChildProcess.StartCli(["test-pattern", "--confidence", "1.5"],
            new Dictionary<string, string?> { ["TICKSTOCK_PG"] = "Host=127.0.0.1;Port=9;Database=x", ["TICKSTOCK_REDIS"] = "127.0.0.1:9" });

        Assert.Equal(2, await run.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("confidence 1.5 is outside 0..1", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Monitor_shows_liveness_recent_flows_unreceived_patterns_and_checkpoint_counts()
    {
        await using var schema = await ScratchSchema.CreateAsync("mon");
        await new SchemaMigrator(schema.DataSource).MigrateAsync();
        var received = Guid.NewGuid();
        var lost = Guid.NewGuid();
        await schema.ExecuteAsync($"""
            SELECT log_integration_event(gen_random_uuid(), 'heartbeat', 'TickStockPL', 'PRODUCER_ALIVE');
            INSERT INTO integration_events (flow_id, "timestamp", event_type, source_system, checkpoint, symbol, pattern_name, confidence)
            VALUES ('{received}', now() - interval '60 seconds', 'pattern_detected', 'TickStockPL', 'PATTERN_PUBLISHED', 'MONA', 'Doji', 0.7),
                   ('{received}', now() - interval '60 seconds' + interval '42 milliseconds', 'pattern_detected', 'TickStockAppV2', 'EVENT_RECEIVED', 'MONA', 'Doji', 0.7),
                   ('{lost}', now() - interval '30 seconds', 'pattern_detected', 'TickStockPL', 'PATTERN_PUBLISHED', 'MONB', 'Hammer', 0.9);
            """);

        // The Redis heartbeat the monitor reads is this test's key (a running daemon's would make the row vary).
        var names = new IsolatedChannels("mon");
        await using var redis = await ConnectionMultiplexer.ConnectAsync(LocalServices.RedisConfiguration);
        await redis.GetDatabase().StringSetAsync(names.HeartbeatKey,
            (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0).ToString(System.Globalization.CultureInfo.InvariantCulture), TimeSpan.FromSeconds(60));

        // A port nothing listens on: a developer's running node must not appear in this test's output.
        using var run = ChildProcess.StartCli(["monitor", "--node", "127.0.0.1:1"], names.Environment(new Dictionary<string, string?>
        {
            ["TICKSTOCK_PG"] = schema.ConnectionString,
            ["COLUMNS"] = "200",
        }));

        Assert.Equal(0, await run.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        foreach (var text in new[] { "Producer liveness", "Redis " + names.HeartbeatKey, "PRODUCER_ALIVE (TickStockPL)", "Alive", "Recent pattern flows", "MONA", "42.0 ms",
                     "PATTERN_PUBLISHED → EVENT_RECEIVED", "1 published pattern(s) never received", "MONB Hammer", "Checkpoints" })
        {
            Assert.Contains(text, run.Output, StringComparison.Ordinal);
        }
    }
}
