using System.Collections.Concurrent;
using System.Text.Json;
using StackExchange.Redis;

namespace TickStock.Cluster.Tests;

/// <summary>
/// Backtest detection fanned out over the cluster: with two backtest nodes a job's symbols are detected on both (the
/// run's log names the nodes and how many symbols each answered), and the result is byte for byte the result of the
/// same job run after the second node left (one node detecting everything).
/// </summary>
public class BacktestFanOutTests
{
    private const string Now = "2024-07-05T21:00:00Z";
    private static readonly TimeSpan JobTimeout = TimeSpan.FromSeconds(90);

    [Fact(Timeout = 300_000)]
    public async Task A_jobs_symbols_are_detected_on_both_nodes_and_give_the_same_result_as_on_one()
    {
        await using var cluster = await ClusterHarness.CreateAsync("btfan");
        cluster.Common["TICKSTOCK_MARKET_DATA"] = "none";
        cluster.Common["TICKSTOCK_NOW"] = Now;
        var nodes = cluster.Define(2);
        await cluster.StartAllAsync();
        var host = await WaitForLineAsync(cluster, "Backtest coordinator listening on " + cluster.Channels.BacktestJobs);
        foreach (var node in nodes)
        {
            Assert.True(await node.Process.WaitForLineAsync("Backtest worker ready on " + node.Address, ClusterHarness.StartTimeout), cluster.Logs());
        }

        var results = new ConcurrentDictionary<string, string>();
        await cluster.Redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(cluster.Channels.BacktestResults), (_, value) =>
        {
            using var document = JsonDocument.Parse(value.ToString());
            results.TryAdd(document.RootElement.GetProperty("job_id").GetString()!, value.ToString());
        });

        // Twelve symbols, history loaded from the embedded stub on demand; the window of symbols out at once (16)
        // covers them all, so the router's round robin gives each node a share.
        var symbols = string.Join(',', Enumerable.Range(0, 12).Select(i => $"\"F{i:D2}\""));
        var spread = await RunAsync(cluster, results, "fan-two", symbols);
        var detectedOn = host.Output.Split('\n').Single(l => l.Contains("Backtest fan-two: 12 symbols detected on", StringComparison.Ordinal));
        Assert.True(detectedOn.Contains("on 2 node(s)", StringComparison.Ordinal) && nodes.All(n => detectedOn.Contains(n.Address + " ", StringComparison.Ordinal)),
            detectedOn + "\n" + cluster.Logs());

        // The other node leaves (SIGTERM): the same job on the coordinator's node alone gives the same bytes.
        var other = nodes.Single(n => n != host);
        Assert.Equal(0, await other.TerminateAsync(TimeSpan.FromSeconds(60)));
        await cluster.WaitForMembersAsync(host, up: 1, where: v => v.GetProperty("members").GetArrayLength() == 1);
        var alone = await RunAsync(cluster, results, "fan-one", symbols);
        Assert.Contains("Backtest fan-one: 12 symbols detected on 1 node(s): " + host.Address + " 12", host.Output, StringComparison.Ordinal);
        Assert.Equal(spread, alone);
    }

    /// <summary>Submits a job, waits for its result, asserts it completed with trades, returns its <c>results</c> object's text.</summary>
    private static async Task<string> RunAsync(ClusterHarness cluster, ConcurrentDictionary<string, string> results, string jobId, string symbols)
    {
        var job = $$$"""{"type":"backtest_job","job_id":"{{{jobId}}}","symbols":[{{{symbols}}}],"start_date":"2024-01-02","end_date":"2024-06-28","patterns":[],"parameters":{}}""";
        Assert.True(await cluster.Redis.GetSubscriber().PublishAsync(RedisChannel.Literal(cluster.Channels.BacktestJobs), job) > 0, "no node subscribed");
        var deadline = DateTime.UtcNow + JobTimeout;
        while (!results.ContainsKey(jobId) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.True(results.TryGetValue(jobId, out var raw), $"no result for {jobId} within {JobTimeout}\n{cluster.Logs()}");
        using var document = JsonDocument.Parse(raw);
        Assert.True(document.RootElement.GetProperty("status").GetString() == "completed", raw + "\n" + cluster.Logs());
        Assert.True(document.RootElement.GetProperty("results").GetProperty("total_trades").GetInt32() > 0, raw);
        return document.RootElement.GetProperty("results").GetRawText();
    }

    private static async Task<ClusterNode> WaitForLineAsync(ClusterHarness cluster, string line)
    {
        var deadline = DateTime.UtcNow + ClusterHarness.StartTimeout;
        while (DateTime.UtcNow < deadline)
        {
            var found = cluster.Nodes.Where(n => n.Output.Contains(line, StringComparison.Ordinal)).ToList();
            if (found.Count > 0)
            {
                Assert.True(found.Count == 1, $"'{line}' on more than one node\n{cluster.Logs()}");
                return found[0];
            }

            await Task.Delay(200);
        }

        Assert.Fail($"no node logged '{line}'\n{cluster.Logs()}");
        return null!;
    }
}
