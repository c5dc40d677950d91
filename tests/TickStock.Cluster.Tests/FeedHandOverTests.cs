using System.Globalization;
using System.Text.RegularExpressions;
using TickStock.Actors.Polygon;
using TickStock.Actors.MarketData;
using TickStock.Core.Calendar;
using TickStock.PolygonStub;

namespace TickStock.Cluster.Tests;

/// <summary>
/// The live feed singleton under a hand-over: two nodes with the feed role stream the provider's minute aggregates
/// from one stub (in this process, so both nodes see the same market clock); the feed runs on the oldest, which holds
/// no SymbolActors, so every SymbolActor lives on the other node and survives the move. The oldest leaves; the feed
/// starts on the survivor, asks the SymbolActors what they hold, back-fills the minutes nobody streamed during the
/// move from REST, and goes on live: each SymbolActor ends with every minute of the session once.
/// </summary>
public partial class FeedHandOverTests
{
    private static readonly string[] Universe = ["AAPL", "MSFT", "NVDA", "XOM"];
    private static readonly TimeSpan FlowTimeout = TimeSpan.FromSeconds(60);

    [Fact(Timeout = 240_000)]
    public async Task When_the_feed_node_leaves_the_feed_moves_and_each_SymbolActor_gets_every_minute_of_the_session_once()
    {
        // 09:40 New York, frozen until both nodes are up (a bar sent before the SymbolActors' node joined would wait in
        // the first node's region proxy), then a market minute every half second (a hand-over of a second or two misses minutes).
        var start = new DateTimeOffset(2026, 12, 2, 14, 40, 30, TimeSpan.Zero);
        await using var stub = await PolygonStubServer.StartAsync(new PolygonStubOptions { Now = start, ClockSpeed = 1e-9 });
        await using var cluster = await ClusterHarness.CreateAsync("feedmove");
        cluster.Common["TICKSTOCK_MARKET_DATA"] = "polygon";
        cluster.Common["POLYGON_BASE_URL"] = stub.BaseUrl;
        cluster.Common["POLYGON_RATE_PER_MIN"] = "100000";
        cluster.Common["TICKSTOCK_FEED_UNIVERSE"] = string.Join(',', Universe);
        var nodes = cluster.Define(2);
        var (feedNode, symbolsNode) = (nodes[0], nodes[1]);
        feedNode.Environment["TICKSTOCK_ROLES"] = "feed";
        await cluster.StartAllAsync();

        stub.SetMarketClock(stub.MarketClock.GetUtcNow(), 120);
        await WaitForMinutesAsync(cluster, symbolsNode, Minutes(start, 4));
        Assert.True(feedNode.Output.Contains("Market data source polygon started", StringComparison.Ordinal), "the feed runs on the oldest node\n" + cluster.Logs());

        // The hand-over itself can take as little as a few hundred milliseconds; run the market five times faster while
        // it happens so that at least one minute passes with no source connected (the gap the new source must back-fill).
        stub.SetMarketClock(stub.MarketClock.GetUtcNow(), 600);
        Assert.Equal(0, await feedNode.TerminateAsync(TimeSpan.FromSeconds(60)));
        stub.SetMarketClock(stub.MarketClock.GetUtcNow(), 120);
        var leftAt = stub.MarketClock.GetUtcNow();
        await cluster.WaitForMembersAsync(symbolsNode, up: 1, where: v => v.GetProperty("members").GetArrayLength() == 1);
        await WaitForMinutesAsync(cluster, symbolsNode, Minutes(leftAt, 3));

        // Freeze the market and let what is in flight land, then compare.
        stub.SetMarketClock(stub.MarketClock.GetUtcNow(), 1e-9);
        var (statuses, processed) = await QuiescentAsync(symbolsNode);

        var feed = await symbolsNode.GetJsonAsync("/v1/feed");
        Assert.True(feed.GetProperty("backfilled").GetInt64() > 0, "the source that took over back-filled nothing: " + feed + "\n" + cluster.Logs());
        Assert.Contains("Polygon stream: run started at", symbolsNode.Output, StringComparison.Ordinal);
        using var rest = new PolygonClient(new PolygonClientSettings { BaseUrl = _ => Task.FromResult(stub.BaseUrl) }, UnlimitedRateLimiter.Instance);
        var open = new DateTimeOffset(2026, 12, 2, 14, 30, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        foreach (var (symbol, (bars, last)) in statuses)
        {
            // Whole: every minute the REST API has from the open to the last one held (the first source back-filled
            // 09:30 onwards at its start, the second the minutes of the move).
            var served = await new PolygonMinuteBackfill(rest).FetchAsync(symbol, open, last.ToUnixTimeMilliseconds() + 1, CancellationToken.None);
            var expected = served.Count(b => NyseCalendar.IsInRegularSession(DateTimeOffset.FromUnixTimeMilliseconds(b.StartMs)));
            Assert.True(expected == bars, $"{symbol}: {bars} minute bars held, the session to {last:HH:mm} has {expected}\n{cluster.Logs()}");
        }

        // Once: the SymbolActors (all on this node) received exactly the bars they hold. A minute delivered twice would
        // be counted here and dropped by the SymbolActor as out of order.
        Assert.True(statuses.Values.Sum(s => s.Bars) == processed, $"{processed} minute bars reached the SymbolActors, {statuses.Values.Sum(s => s.Bars)} held\n{cluster.Logs()}");
    }

    private static DateTimeOffset Minutes(DateTimeOffset from, int minutes) => from + TimeSpan.FromMinutes(minutes);

    /// <summary>Until every symbol's SymbolActor holds a bar starting at <paramref name="until"/> or later.</summary>
    private static async Task WaitForMinutesAsync(ClusterHarness cluster, ClusterNode node, DateTimeOffset until)
    {
        var deadline = DateTime.UtcNow + FlowTimeout;
        var last = new Dictionary<string, string?>();
        while (DateTime.UtcNow < deadline)
        {
            var all = true;
            foreach (var symbol in Universe)
            {
                var status = await TryStatusAsync(node, symbol);
                last[symbol] = status?.Last.ToString("HH:mm", CultureInfo.InvariantCulture);
                all &= status is { } s && s.Last >= until;
            }

            if (all) return;
            await Task.Delay(500);
        }

        Assert.Fail($"not every symbol reached {until:HH:mm} UTC: {string.Join(", ", last.Select(l => $"{l.Key} {l.Value ?? "none"}"))}\n{cluster.Logs()}");
    }

    /// <summary>The SymbolActors' holdings and the node's minute-bar count once neither changes for two polls in a row.</summary>
    private static async Task<(Dictionary<string, (long Bars, DateTimeOffset Last)> Statuses, long Processed)> QuiescentAsync(ClusterNode node)
    {
        var previous = "";
        for (var i = 0; i < 30; i++)
        {
            await Task.Delay(1500);
            var statuses = new Dictionary<string, (long, DateTimeOffset)>();
            foreach (var symbol in Universe) statuses[symbol] = (await TryStatusAsync(node, symbol))!.Value;
            var processed = await MinuteBarsProcessedAsync(node);
            var now = string.Join(';', statuses.Select(s => $"{s.Key}={s.Value}")) + "|" + processed;
            if (now == previous) return (statuses, processed);
            previous = now;
        }

        Assert.Fail("the SymbolActors kept changing after the market was frozen: " + previous);
        return default;
    }

    private static async Task<(long Bars, DateTimeOffset Last)?> TryStatusAsync(ClusterNode node, string symbol)
    {
        using var response = await node.Http.GetAsync("/v1/symbols/" + symbol);
        if (!response.IsSuccessStatusCode) return null; // not started yet
        using var document = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = document.RootElement;
        if (root.GetProperty("last_bar_time").GetString() is not { } last) return null;
        return (root.GetProperty("minute_bars").GetInt64(), DateTimeOffset.Parse(last, CultureInfo.InvariantCulture));
    }

    /// <summary>tickstock_bars_processed_total{timeframe="1min"}: minute bars received by this node's SymbolActors, accepted or not.</summary>
    private static async Task<long> MinuteBarsProcessedAsync(ClusterNode node)
    {
        var metrics = await node.Http.GetStringAsync("/metrics");
        var match = MinuteBarsProcessed().Match(metrics);
        Assert.True(match.Success, "no 1-minute bars_processed in /metrics:\n" + metrics);
        return long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex("""^tickstock_bars_processed(?:_total)?\{[^}]*timeframe="1min"[^}]*\}\s+(\d+)""", RegexOptions.Multiline)]
    private static partial Regex MinuteBarsProcessed();
}
