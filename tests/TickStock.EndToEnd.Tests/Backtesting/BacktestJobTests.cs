using System.Globalization;
using System.Text;
using System.Text.Json;
using TickStock.EndToEnd.Tests.Loading;
using TickStock.Testing;

namespace TickStock.EndToEnd.Tests.Backtesting;

/// <summary>
/// Backtest jobs through a real daemon, Redis and PostgreSQL (contract §5): history loaded on demand from the
/// embedded stub, progress and exactly one result, the same results object as <c>tickstock backtest file</c> over
/// the same stored bars, every hostile job kind answered <c>failed</c>, cancel, and a killed node's job re-run.
/// </summary>
public class BacktestJobTests
{
    private const string Now = "2024-07-05T21:00:00Z";
    private static readonly TimeSpan JobTimeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task A_job_loads_missing_history_reports_progress_and_one_result_identical_to_backtest_file_and_hostile_jobs_fail_cleanly()
    {
        await using var h = await BacktestHarness.CreateAsync("btjob");
        var daemon = await h.StartDaemonAsync(Now);
        Assert.Equal(0, await h.Loading.CountAsync("SELECT count(*) FROM ohlcv_daily"));

        await h.SubmitAsync(BacktestHarness.Job("bt-main", "\"AAPL\",\"msft\",\"NVDA\"", "2024-01-02", "2024-06-28"));
        var (result, raw) = await h.WaitForResultAsync("bt-main", JobTimeout, daemon);
        Assert.True(result.Str("status") == "completed", raw + "\n" + daemon.Output);
        Assert.Equal(["event_type", "source", "timestamp", "job_id", "status", "results", "error_message"], result.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal("backtest_result", result.Str("event_type"));
        Assert.Equal("TickStockPL", result.Str("source"));
        Assert.Equal(JsonValueKind.Null, result.GetProperty("error_message").ValueKind);
        var results = result.GetProperty("results");
        Assert.Equal(["AAPL", "MSFT", "NVDA"], results.GetProperty("per_symbol").EnumerateObject().Select(p => p.Name).ToArray());
        Assert.True(results.GetProperty("total_trades").GetInt32() > 0, raw);

        // The history was missing and was loaded through a data-load job: warm-up and range are stored now.
        Assert.True(await daemon.WaitForLineAsync("lack daily rows", TimeSpan.FromSeconds(1)), daemon.Output);
        Assert.Equal(3, await h.Loading.CountAsync("SELECT count(DISTINCT symbol) FROM ohlcv_daily WHERE date < '2024-01-02'"));

        // Progress: contract shape, fractions in 0..1 and never decreasing, one at least per symbol, ending at 1.
        var progress = h.Progress("bt-main");
        Assert.True(progress.Count >= 3, string.Join('\n', progress));
        Assert.All(progress, p => Assert.Equal(["event_type", "source", "timestamp", "job_id", "progress", "current_symbol", "estimated_completion", "status"],
            p.EnumerateObject().Select(x => x.Name).ToArray()));
        Assert.All(progress, p => Assert.Equal("running", p.Str("status")));
        var fractions = progress.Select(p => p.GetProperty("progress").GetDouble()).ToList();
        Assert.All(fractions, f => Assert.InRange(f, 0, 1));
        Assert.Equal(fractions.Order().ToList(), fractions);
        Assert.Equal(1.0, fractions[^1]);

        // The same engine over the same stored bars: `backtest file` prints the same results object, byte for byte.
        var folder = Path.Combine(h.Loading.DataDirectory, "bars");
        Directory.CreateDirectory(folder);
        foreach (var symbol in new[] { "AAPL", "MSFT", "NVDA" })
        {
            await File.WriteAllTextAsync(Path.Combine(folder, symbol + ".csv"), await ExportAsync(h, symbol));
        }

        using (var file = ChildProcess.StartCli(["backtest", "file", folder, "--from", "2024-01-02", "--to", "2024-06-28", "--format", "json"]))
        {
            Assert.Equal(0, await file.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            var line = file.Output.Split('\n').Single(l => l.StartsWith("{\"start_date\"", StringComparison.Ordinal));
            using var offline = JsonDocument.Parse(line);
            Assert.Equal(offline.RootElement.GetProperty("results").GetRawText(), results.GetRawText());
        }

        // The CLI's daemon path: the consumer's message, the result followed on the channel, exit 0 when completed.
        using (var cli = ChildProcess.StartCli(["backtest", "run", "--symbols", "AAPL,MSFT,NVDA", "--from", "2024-01-02", "--to", "2024-06-28", "--wait", "--json", "--job-id", "bt-cli"],
                   h.Loading.Environment(Now)))
        {
            Assert.Equal(0, await cli.WaitForExitAsync(JobTimeout));
            using var printed = JsonDocument.Parse(cli.Output.Split('\n').Single(l => l.StartsWith("{\"event_type\":\"backtest_result\"", StringComparison.Ordinal)));
            Assert.Equal("bt-cli", printed.RootElement.Str("job_id"));
            Assert.Equal(results.GetRawText(), printed.RootElement.GetProperty("results").GetRawText());
        }

        // Hostile jobs: each answered once, failed, with a reason; none stops the coordinator.
        var hostile = new (string Id, string Json, string Reason)[]
        {
            ("h-51", BacktestHarness.Job("h-51", string.Join(',', Enumerable.Range(0, 51).Select(i => $"\"S{i}\"")), "2024-01-02", "2024-06-28"), "at most 50"),
            ("h-6y", BacktestHarness.Job("h-6y", "\"AAPL\"", "2018-01-02", "2024-01-03"), "longer than 5 years"),
            ("h-inv", BacktestHarness.Job("h-inv", "\"AAPL\"", "2024-06-28", "2024-01-02"), "before start_date"),
            ("h-date", BacktestHarness.Job("h-date", "\"AAPL\"", "2024-13-01", "2024-06-28"), "not a date"),
            ("h-sym", BacktestHarness.Job("h-sym", "\"AA$\"", "2024-01-02", "2024-06-28"), "invalid symbol"),
            ("h-pat", BacktestHarness.Job("h-pat", "\"AAPL\"", "2024-01-02", "2024-06-28").Replace("\"patterns\":[]", "\"patterns\":[\"Moon_Landing\"]", StringComparison.Ordinal), "unknown pattern"),
            ("h-stop", BacktestHarness.Job("h-stop", "\"AAPL\"", "2024-01-02", "2024-06-28").Replace("\"stop_loss_pct\":0.05", "\"stop_loss_pct\":1.5", StringComparison.Ordinal), "stop_loss_pct"),
            ("h-par", BacktestHarness.Job("h-par", "\"AAPL\"", "2024-01-02", "2024-06-28").Replace("\"stop_loss_pct\":0.05", "\"leverage\":10", StringComparison.Ordinal), "unknown parameter"),
            ("h-str", BacktestHarness.Job("h-str", "\"AAPL\"", "2024-01-02", "2024-06-28").Replace("\"initial_capital\":100000", "\"initial_capital\":\"lots\"", StringComparison.Ordinal), "not a number"),
            ("h-type", BacktestHarness.Job("h-type", "\"AAPL\"", "2024-01-02", "2024-06-28").Replace("backtest_job", "backtest", StringComparison.Ordinal), "unknown type"),
            ("h-list", """{"type":"backtest_job","job_id":"h-list","symbols":"AAPL","start_date":"2024-01-02","end_date":"2024-06-28"}""", "'symbols'"),
            ("h-big", "{\"type\":\"backtest_job\",\"job_id\":\"h-big\",\"symbols\":[\"AAPL\"],\"pad\":\"" + new string('x', 1_100_000) + "\"}", "exceeds"),
        };
        foreach (var junk in new[] { "not json {", "[1,2,3]", "{\"type\":\"backtest_job\"}", "" })
        {
            await h.SubmitAsync(junk);
        }

        foreach (var (_, json, _) in hostile)
        {
            await h.SubmitAsync(json);
        }

        foreach (var (id, _, reason) in hostile)
        {
            var (failed, failedRaw) = await h.WaitForResultAsync(id, JobTimeout, daemon);
            Assert.Equal("failed", failed.Str("status"));
            Assert.Equal(JsonValueKind.Null, failed.GetProperty("results").ValueKind);
            Assert.Contains(reason, failed.Str("error_message"), StringComparison.Ordinal);
        }

        // Still serving: a last good job completes; by then every earlier job has had all its results.
        await h.SubmitAsync(BacktestHarness.Job("bt-last", "\"AAPL\"", "2024-03-01", "2024-03-28"));
        Assert.Equal("completed", (await h.WaitForResultAsync("bt-last", JobTimeout, daemon)).Result.Str("status"));
        Assert.Single(h.Results("bt-main"));
        Assert.All(hostile, j => Assert.Single(h.Results(j.Id)));
        Assert.Empty(h.Progress("h-51"));
    }

    [Fact]
    public async Task A_cancel_ends_a_running_backtest_as_cancelled_and_a_killed_nodes_backtest_is_run_again()
    {
        // A provider at 6 calls a minute keeps the history loads running for minutes: the cancel and the kill
        // land while the backtests wait for their history, however slow the machine.
        var apiKey = "bt-" + Guid.NewGuid().ToString("N");
        await using var stub = await RecordingStub.StartAsync(new TickStock.PolygonStub.PolygonStubOptions
        {
            RequiredApiKey = apiKey,
            Now = DateTimeOffset.Parse(Now, CultureInfo.InvariantCulture),
        });
        await using var h = await BacktestHarness.CreateAsync("btcancel");
        var slow = new Dictionary<string, string?> { ["POLYGON_API_KEY"] = apiKey, ["POLYGON_BASE_URL"] = stub.BaseUrl, ["POLYGON_RATE_PER_MIN"] = "6" };
        var first = await h.StartDaemonAsync(Now, slow);

        await h.SubmitAsync(BacktestHarness.Job("bt-cancel", string.Join(',', Enumerable.Range(0, 40).Select(i => $"\"C{i:D2}\"")), "2024-01-02", "2024-06-28"));
        await h.SubmitAsync(BacktestHarness.Job("bt-kill", string.Join(',', Enumerable.Range(0, 10).Select(i => $"\"K{i:D2}\"")), "2024-01-02", "2024-06-28"));

        // Two progress messages while nothing can finish: the periodic progress, not only the per-symbol one.
        await h.WaitForProgressAsync("bt-cancel", 2, JobTimeout, first);
        await h.CancelAsync("bt-cancel");
        var (cancelled, _) = await h.WaitForResultAsync("bt-cancel", JobTimeout, first);
        Assert.Equal("cancelled", cancelled.Str("status"));
        Assert.Equal(JsonValueKind.Null, cancelled.GetProperty("results").ValueKind);
        Assert.Contains("cancel", cancelled.Str("error_message"), StringComparison.Ordinal);

        // The history load it was waiting for is cancelled with it (the loader ends it failed, cancelled, naming the backtest).
        var load = (await h.Loading.WaitForEndAsync("bt-bt-cancel-history", JobTimeout, first))[^1];
        Assert.True(load.GetProperty("cancelled").GetBoolean(), load.ToString());
        Assert.Contains("backtest bt-cancel", load.Str("error_message"), StringComparison.Ordinal);

        await h.WaitForProgressAsync("bt-kill", 2, JobTimeout, first);
        Assert.Empty(h.Results("bt-kill"));
        System.Diagnostics.Process.GetProcessById(first.Id).Kill(entireProcessTree: true);
        Assert.NotNull(await first.WaitForExitAsync(TimeSpan.FromSeconds(20)));

        // The next node (embedded stub, no rate limit) finds the job unanswered in the ledger and runs it again.
        var second = await h.StartDaemonAsync(Now);
        var (rerun, raw) = await h.WaitForResultAsync("bt-kill", JobTimeout, second);
        Assert.True(rerun.Str("status") == "completed", raw + "\n" + second.Output);
        Assert.True(await second.WaitForLineAsync("Backtest bt-kill was left unanswered by a stopped node: running it again (attempt 2 of 2)", TimeSpan.FromSeconds(1)), second.Output);

        await h.SubmitAsync(BacktestHarness.Job("bt-after", "\"K00\"", "2024-03-01", "2024-03-28"));
        Assert.Equal("completed", (await h.WaitForResultAsync("bt-after", JobTimeout, second)).Result.Str("status"));
        Assert.Single(h.Results("bt-kill"));
        Assert.Single(h.Results("bt-cancel"));
        Assert.Equal(0L, await h.Loading.Redis.GetDatabase().HashLengthAsync(h.Channels.BacktestLedgerKey));
    }

    private static async Task<string> ExportAsync(BacktestHarness h, string symbol)
    {
        var csv = new StringBuilder("date,open,high,low,close,volume\n");
        await using var cmd = h.Loading.Schema.DataSource.CreateCommand(
            "SELECT to_char(date, 'YYYY-MM-DD'), open::text, high::text, low::text, close::text, volume FROM ohlcv_daily WHERE symbol = $1 ORDER BY date");
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = symbol });
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            csv.Append(CultureInfo.InvariantCulture, $"{reader.GetString(0)},{reader.GetString(1)},{reader.GetString(2)},{reader.GetString(3)},{reader.GetString(4)},{reader.GetInt64(5)}\n");
        }

        return csv.ToString();
    }
}
