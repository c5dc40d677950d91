using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using StackExchange.Redis;
using TickStock.Actors.Hosting;
using TickStock.Actors.MarketData;
using TickStock.Daemon;
using TickStock.PolygonStub;

namespace TickStock.Cli.Commands;

/// <summary>
/// `tickstock bench feed`: the whole market's minute through the live path. A daemon host (in this process, against the
/// configured Redis and PostgreSQL, on channels of its own) streams from a local stub over the WebSocket; after warm-up
/// minutes (so the SymbolActors have the windows their detectors need), the stub's clock is frozen until everything is
/// processed, then set 3 s before a minute boundary at real speed: at the boundary one AM event per symbol arrives, as
/// the provider sends them. Measured from the bar end (<c>e</c>, on the wall clock): every bar acknowledged by its
/// SymbolActor, and every resulting pattern received from Redis by a subscriber (just after Redis acknowledged it).
/// </summary>
internal static class BenchFeedCommand
{
    public static Command Create()
    {
        var symbols = new Option<int>("--symbols") { Description = "Symbols subscribed (one AM event each per minute).", DefaultValueFactory = _ => 11_000 };
        var warmup = new Option<int>("--warmup-minutes") { Description = "Minutes streamed before the measured one (detector windows).", DefaultValueFactory = _ => 20 };
        var command = new Command("feed", "A burst of one AM event per symbol at one minute boundary through the WebSocket, the SymbolActors and the pipeline (configured Redis/PostgreSQL): time until every pattern is published, p50/p99 from bar end.")
        {
            symbols, warmup,
        };
        command.SetAction((parse, ct) => CliServices.RunAsync(() => RunAsync(parse.GetValue(symbols), parse.GetValue(warmup), ct)));
        return command;
    }

    private static async Task<int> RunAsync(int symbolCount, int warmupMinutes, CancellationToken ct)
    {
        if (symbolCount <= 0 || warmupMinutes < 1) throw new CliException("--symbols must be positive and --warmup-minutes at least 1", ExitCodes.ConfigurationError);
        var runId = Guid.NewGuid().ToString("N")[..8];
        var universe = Enumerable.Range(0, symbolCount).Select(i => $"F{i:D5}").ToList();
        // 09:45 New York on a Wednesday; warm-up at one market minute per second.
        var start = new DateTimeOffset(2026, 12, 2, 14, 45, 0, TimeSpan.Zero);
        await using var stub = await PolygonStubServer.StartAsync(new PolygonStubOptions { Now = start, ClockSpeed = 60 }, ct).ConfigureAwait(false);
        var stateDir = Directory.CreateTempSubdirectory("tickstock-bench-feed").FullName;
        var channel = $"tickstock.bench.{runId}.patterns";
        foreach (var (name, value) in new Dictionary<string, string>
                 {
                     ["TICKSTOCK_MARKET_DATA"] = "polygon",
                     ["TICKSTOCK_FEED_UNIVERSE"] = string.Join(',', universe),
                     ["POLYGON_BASE_URL"] = stub.BaseUrl,
                     ["POLYGON_WS_URL"] = PolygonStreamSetup.StreamUrlOf(stub.BaseUrl).ToString(),
                     ["POLYGON_RATE_PER_MIN"] = "1000000",
                     // The figure is the burst, not the start: no session-so-far back-fill during the warm-up unless asked for.
                     ["TICKSTOCK_FEED_BACKFILL"] = Environment.GetEnvironmentVariable("TICKSTOCK_FEED_BACKFILL") ?? "off",
                     ["TICKSTOCK_PATTERNS_CHANNEL"] = channel,
                     ["TICKSTOCK_HEALTH_CHANNEL"] = $"tickstock.bench.{runId}.health",
                     ["TICKSTOCK_HEALTH_CHECK_CHANNEL"] = $"tickstock.bench.{runId}.health.check",
                     ["TICKSTOCK_HEARTBEAT_KEY"] = $"tickstock.bench.{runId}:heartbeat",
                     ["TICKSTOCK_LEGACY_HEARTBEAT_KEY"] = $"tickstock.bench.{runId}:legacy-heartbeat",
                     ["TICKSTOCK_JOBS_CHANNEL"] = $"tickstock.bench.{runId}.jobs",
                     ["TICKSTOCK_JOBS_CONTROL_CHANNEL"] = $"tickstock.bench.{runId}.jobs.control",
                     ["TICKSTOCK_JOBS_STATUS_PREFIX"] = $"tickstock.bench.{runId}.jobs.status:",
                     ["TICKSTOCK_HTTP"] = "off",
                     ["TICKSTOCK_STATE_DIR"] = stateDir,
                 })
        {
            Environment.SetEnvironmentVariable(name, value);
        }

        var options = CliServices.Options();
        await using var subscriber = await CliServices.RedisAsync(options, "tickstock-bench-feed").ConfigureAwait(false);
        var received = new ConcurrentQueue<(long At, Guid FlowId)>();
        await subscriber.GetSubscriber().SubscribeAsync(RedisChannel.Literal(channel), (_, message) =>
        {
            var at = Stopwatch.GetTimestamp();
            using var document = JsonDocument.Parse((byte[])message!);
            received.Enqueue((at, document.RootElement.GetProperty("data").GetProperty("flow_id").GetGuid()));
        }).ConfigureAwait(false);

        using var host = DaemonHost.Build([]);
        await host.StartAsync(ct).ConfigureAwait(false);
        try
        {
            var registry = host.Services.GetRequiredService<ActorRegistry>();
            var feed = await registry.WaitForAsync<MarketDataFeed>(TimeSpan.FromSeconds(30), ct).ConfigureAwait(false);
            async Task<MarketDataFeedQueries.FeedStats> Stats() =>
                await feed.Ask<MarketDataFeedQueries.FeedStats>(MarketDataFeedQueries.GetStats.Instance, TimeSpan.FromSeconds(10), ct).ConfigureAwait(false);

            await Console.Error.WriteLineAsync($"bench feed: {symbolCount} symbols over ws from {stub.BaseUrl}; warm-up of {warmupMinutes} market minutes at one per second").ConfigureAwait(false);
            var warmDeadline = Stopwatch.StartNew();
            while ((await Stats().ConfigureAwait(false)).Live is not { } live || live.LastBarEndMs is not { } end
                   || end < start.ToUnixTimeMilliseconds() + (warmupMinutes * 60_000L))
            {
                if (warmDeadline.Elapsed > TimeSpan.FromMinutes(10)) throw new CliException("the warm-up did not finish in 10 minutes", ExitCodes.ResultFailed);
                await Task.Delay(250, ct).ConfigureAwait(false);
            }

            // Freeze the market and let everything queued drain (bars delivered and patterns published stop changing).
            stub.SetMarketClock(stub.MarketClock.GetUtcNow(), 1e-9);
            var frozenAt = stub.MarketClock.GetUtcNow();
            long lastDelivered = -1;
            var lastPatterns = -1;
            while (true)
            {
                await Task.Delay(2000, ct).ConfigureAwait(false);
                var delivered = (await Stats().ConfigureAwait(false)).Live!.Delivered;
                if (delivered == lastDelivered && received.Count == lastPatterns) break;
                lastDelivered = delivered;
                lastPatterns = received.Count;
            }

            var warmPatterns = received.Count;
            var boundary = frozenAt.ToUnixTimeMilliseconds() - (frozenAt.ToUnixTimeMilliseconds() % 60_000) + 60_000;
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            var load = File.Exists("/proc/loadavg") ? (await File.ReadAllTextAsync("/proc/loadavg", ct).ConfigureAwait(false)).Split(' ')[0] : "?";
            // The boundary 3 s ahead at real speed: e of the burst is then wall "now + 3 s".
            stub.SetMarketClock(DateTimeOffset.FromUnixTimeMilliseconds(boundary) - TimeSpan.FromSeconds(3), 1);
            var barEnd = Stopwatch.GetTimestamp() + (3 * Stopwatch.Frequency);
            var before = lastDelivered;
            // Done when the burst's bars have been delivered and neither bars nor patterns changed for 3 s.
            var quietSince = Stopwatch.GetTimestamp();
            var (seenBars, seenPatterns) = (before, received.Count);
            while (true)
            {
                await Task.Delay(100, ct).ConfigureAwait(false);
                var live = (await Stats().ConfigureAwait(false)).Live!;
                if (live.Delivered != seenBars || received.Count != seenPatterns || !(live.LastBarEndMs >= boundary))
                {
                    (seenBars, seenPatterns) = (live.Delivered, received.Count);
                    quietSince = Stopwatch.GetTimestamp();
                }
                else if (Stopwatch.GetElapsedTime(quietSince).TotalSeconds >= 3)
                {
                    break;
                }

                if (Stopwatch.GetElapsedTime(barEnd).TotalSeconds > 120) throw new CliException("the burst was not processed within 2 minutes", ExitCodes.ResultFailed);
            }

            var finalStats = (await Stats().ConfigureAwait(false)).Live!;
            var burst = received.Skip(warmPatterns).ToList();
            var latencies = burst.Select(r => (r.At - barEnd) * 1000.0 / Stopwatch.Frequency).Order().ToArray();
            var result = new Dictionary<string, object>
            {
                ["symbols"] = symbolCount,
                ["burst_bars"] = finalStats.Delivered - before,
                ["patterns"] = latencies.Length,
                ["all_published_s"] = latencies.Length == 0 ? 0 : Math.Round(latencies[^1] / 1000, 3),
                ["p50_ms"] = latencies.Length == 0 ? 0 : Math.Round(Percentile(latencies, 0.50), 1),
                ["p99_ms"] = latencies.Length == 0 ? 0 : Math.Round(Percentile(latencies, 0.99), 1),
                ["load_avg_1m_before"] = load,
            };
            Console.WriteLine(JsonSerializer.Serialize(result));
            await DeleteRowsAsync(options, received.Select(r => r.FlowId).ToArray(), ct).ConfigureAwait(false);
            return latencies.Length > 0 ? ExitCodes.Ok : ExitCodes.ResultFailed;
        }
        finally
        {
            await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
            Directory.Delete(stateDir, recursive: true);
        }
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    /// <summary>The bench's audit rows are removed so they never show up as real patterns.</summary>
    private static async Task DeleteRowsAsync(Actors.Configuration.TickStockOptions options, Guid[] flowIds, CancellationToken ct)
    {
        await using var db = await CliServices.PostgresAsync(options, ct).ConfigureAwait(false);
        await using var cmd = db.CreateCommand("DELETE FROM integration_events WHERE flow_id = ANY($1)");
        cmd.Parameters.Add(new NpgsqlParameter { Value = flowIds });
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
