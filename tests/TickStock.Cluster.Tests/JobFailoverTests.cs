using System.Globalization;
using System.Text.Json;
using StackExchange.Redis;
using TickStock.Core.Calendar;
using TickStock.Core.Loading;

namespace TickStock.Cluster.Tests;

/// <summary>
/// The JobCoordinator singleton under node loss: SIGKILL of the node that hosts it mid-job, and a rolling restart of
/// every node while a job runs. Each time the job resumes from its PostgreSQL progress and completes, with every bar
/// table consistent and no row twice. History comes from each node's embedded Polygon stub (deterministic data).
/// </summary>
public class JobFailoverTests
{
    private const string Now = "2024-07-05T21:00:00Z";
    private static readonly TimeSpan JobTimeout = TimeSpan.FromSeconds(150);

    [Fact(Timeout = 300_000)]
    public async Task Killing_the_node_that_hosts_the_job_coordinator_moves_it_and_the_job_resumes_and_completes_once()
    {
        await using var cluster = await ClusterHarness.CreateAsync("jobkill");
        const int count = 40;
        cluster.WriteUniverse("forty.csv", "symbol\n" + string.Join('\n', Enumerable.Range(0, count).Select(i => $"K{i:D2}")) + "\n");
        cluster.Common["TICKSTOCK_MARKET_DATA"] = "none";
        cluster.Common["TICKSTOCK_NOW"] = Now;
        var nodes = cluster.Define(3);
        await cluster.StartAllAsync();
        var host = await CoordinatorHostAsync(cluster);

        await PublishJobAsync(cluster, """{"job_id":"kill-1","job_type":"csv_universe_load","csv_file":"forty.csv","years":0.1}""");
        await WaitForStatusAsync(cluster, "kill-1", s => s.GetProperty("processed_symbols").GetInt32() >= 2);

        // SIGKILL: no leave, no hand-over; the job is left "running" in PostgreSQL. The operator downs the dead node
        // (ctl cluster down), as the runbook says; the partition test shows the resolver doing it unasked.
        host.Kill();
        Assert.Equal("running", await cluster.Schema.ScalarAsync<string>("SELECT status FROM data_load_jobs WHERE job_id = 'kill-1'"));
        var doneAtKill = await cluster.Schema.ScalarAsync<long>("SELECT count(*) FROM data_load_job_symbols WHERE job_id = 'kill-1' AND status = 'done'");
        Assert.InRange(doneAtKill, 2, count - 1);
        var survivor = nodes.First(n => n != host);
        await ClusterHarness.RunCtlAsync(survivor, ["cluster", "down", host.Address], 0);
        await cluster.WaitForMembersAsync(survivor, up: 2, where: v => v.GetProperty("members").GetArrayLength() == 2);

        var status = await WaitForEndAsync(cluster, "kill-1");
        Assert.True(status.GetProperty("status").GetString() == "completed", status + "\n" + cluster.Logs());
        Assert.Equal(count, status.GetProperty("processed_symbols").GetInt32());
        var resumedOn = nodes.Where(n => n != host && n.Output.Contains("Resuming job kill-1", StringComparison.Ordinal)).ToList();
        Assert.True(resumedOn.Count == 1, "the job must resume on exactly one surviving node\n" + cluster.Logs());

        await AssertTablesConsistentAsync(cluster, "kill-1", count, 0.1);
    }

    [Fact(Timeout = 420_000)]
    public async Task A_rolling_restart_of_all_three_nodes_with_a_job_running_completes_the_job()
    {
        await using var cluster = await ClusterHarness.CreateAsync("jobroll");
        const int count = 300;
        cluster.WriteUniverse("many.csv", "symbol\n" + string.Join('\n', Enumerable.Range(0, count).Select(i => $"W{i:D3}")) + "\n");
        cluster.Common["TICKSTOCK_MARKET_DATA"] = "none";
        cluster.Common["TICKSTOCK_NOW"] = Now;
        var nodes = cluster.Define(3);
        await cluster.StartAllAsync();

        await PublishJobAsync(cluster, """{"job_id":"roll-1","job_type":"csv_universe_load","csv_file":"many.csv","years":0.2}""");
        await WaitForStatusAsync(cluster, "roll-1", s => s.GetProperty("processed_symbols").GetInt32() >= 1);

        // One node at a time: SIGTERM (graceful leave, singleton handed over), restart, wait until all three are up.
        var restarts = 0;
        foreach (var node in nodes)
        {
            var before = await StatusAsync(cluster, "roll-1");
            // Precondition, not a timing assert: a job that already ended would prove nothing about this restart.
            Assert.True(before.GetProperty("status").GetString() == "running",
                $"the job ended before {node.Name} was restarted ({restarts} restarts done): give it more symbols\n{before}");
            Assert.Equal(0, await node.TerminateAsync(TimeSpan.FromSeconds(60)));
            await cluster.WaitForMembersAsync(nodes.First(n => n != node), up: 2, where: v => v.GetProperty("members").GetArrayLength() == 2);
            await node.StartAsync();
            await cluster.WaitForMembersAsync(node, up: 3);
            restarts++;
        }

        var status = await WaitForEndAsync(cluster, "roll-1");
        Assert.True(status.GetProperty("status").GetString() == "completed", status + "\n" + cluster.Logs());
        Assert.Equal(count, status.GetProperty("processed_symbols").GetInt32());
        await AssertTablesConsistentAsync(cluster, "roll-1", count, 0.2);
    }

    /// <summary>The node whose log says the coordinator listens: the singleton runs on the oldest node.</summary>
    private static async Task<ClusterNode> CoordinatorHostAsync(ClusterHarness cluster)
    {
        var line = "Job coordinator listening on " + cluster.Channels.JobChannel;
        var deadline = DateTime.UtcNow + ClusterHarness.StartTimeout;
        while (DateTime.UtcNow < deadline)
        {
            var hosts = cluster.Nodes.Where(n => n.Output.Contains(line, StringComparison.Ordinal)).ToList();
            if (hosts.Count > 0)
            {
                Assert.True(hosts.Count == 1, "the coordinator runs on more than one node\n" + cluster.Logs());
                return hosts[0];
            }

            await Task.Delay(200);
        }

        Assert.Fail("no node started the job coordinator\n" + cluster.Logs());
        return null!;
    }

    private static async Task PublishJobAsync(ClusterHarness cluster, string json)
    {
        await CoordinatorHostAsync(cluster);
        var receivers = await cluster.Redis.GetSubscriber().PublishAsync(RedisChannel.Literal(cluster.Channels.JobChannel), json);
        Assert.True(receivers > 0, "no node subscribed to " + cluster.Channels.JobChannel);
    }

    private static async Task<JsonElement> StatusAsync(ClusterHarness cluster, string jobId)
    {
        var value = await cluster.Redis.GetDatabase().StringGetAsync(cluster.Channels.JobStatusPrefix + jobId);
        Assert.True(value.HasValue, $"no status key for {jobId}");
        using var document = JsonDocument.Parse(value.ToString());
        return document.RootElement.Clone();
    }

    private static async Task<JsonElement> WaitForStatusAsync(ClusterHarness cluster, string jobId, Func<JsonElement, bool> until)
    {
        var deadline = DateTime.UtcNow + JobTimeout;
        JsonElement last = default;
        while (DateTime.UtcNow < deadline)
        {
            var value = await cluster.Redis.GetDatabase().StringGetAsync(cluster.Channels.JobStatusPrefix + jobId);
            if (value.HasValue)
            {
                using var document = JsonDocument.Parse(value.ToString());
                last = document.RootElement.Clone();
                if (until(last)) return last;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"job {jobId}: condition not reached within {JobTimeout}; last status {last}\n{cluster.Logs()}");
        return last;
    }

    private static Task<JsonElement> WaitForEndAsync(ClusterHarness cluster, string jobId) =>
        WaitForStatusAsync(cluster, jobId, s => s.GetProperty("status").GetString() is "completed" or "completed_with_errors" or "failed");

    /// <summary>
    /// The five bar tables hold every symbol with the same bars (whatever was written twice around a crash or a
    /// hand-over was upserted, not doubled or lost), daily rows are exactly the window's sessions, and every job
    /// symbol is done once.
    /// </summary>
    private static async Task AssertTablesConsistentAsync(ClusterHarness cluster, string jobId, int count, double years)
    {
        var schema = cluster.Schema;
        // The primary keys forbid a doubled bar; a symbol lost or half-written around the crash would hold fewer
        // bars than the others. Daily, weekly and monthly bars are the same calendar for every symbol; the stub's
        // minutes have occasional empty ones per ticker, so intraday tables are compared by the days they cover.
        foreach (var (table, measure) in new[]
                 {
                     ("ohlcv_1min", "count(DISTINCT \"timestamp\"::date)"), ("ohlcv_hourly", "count(DISTINCT \"timestamp\"::date)"),
                     ("ohlcv_daily", "count(*)"), ("ohlcv_weekly", "count(*)"), ("ohlcv_monthly", "count(*)"),
                 })
        {
            Assert.Equal(count, await schema.ScalarAsync<long>($"SELECT count(DISTINCT symbol) FROM {table}"));
            var shapes = await schema.ScalarAsync<long>($"SELECT count(DISTINCT n) FROM (SELECT {measure} AS n FROM {table} GROUP BY symbol) c");
            Assert.True(shapes == 1, $"{table}: symbols differ in {measure}");
        }

        var window = JobWindowCalculator.Compute(DateTimeOffset.Parse(Now, CultureInfo.InvariantCulture), years);
        var sessions = NyseCalendar.TradingDays(window.Daily.FirstDate, window.Daily.LastDate).Count();
        Assert.Equal(count * sessions, await schema.ScalarAsync<long>("SELECT count(*) FROM ohlcv_daily"));
        Assert.Equal(count, await schema.ScalarAsync<long>($"SELECT count(*) FROM data_load_job_symbols WHERE job_id = '{jobId}' AND status = 'done'"));
        Assert.Equal(count, await schema.ScalarAsync<long>($"SELECT count(*) FROM data_load_job_symbols WHERE job_id = '{jobId}'"));
        Assert.Equal("completed", await schema.ScalarAsync<string>($"SELECT status FROM data_load_jobs WHERE job_id = '{jobId}'"));
    }
}
