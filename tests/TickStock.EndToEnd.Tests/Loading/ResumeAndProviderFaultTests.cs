using System.Text.Json;
using TickStock.Core.Calendar;
using TickStock.Core.Loading;
using TickStock.PolygonStub;

namespace TickStock.EndToEnd.Tests.Loading;

/// <summary>A daemon killed mid-job resumes it; a 429/5xx storm and the API key's handling.</summary>
public class ResumeAndProviderFaultTests
{
    private const string Now = "2024-07-05T21:00:00Z";
    private static readonly TimeSpan JobTimeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task A_daemon_killed_mid_job_resumes_it_on_restart_and_completes_without_duplicates()
    {
        await using var h = await LoadingHarness.CreateAsync("resume");
        const int count = 40;
        h.WriteUniverse("forty.csv", "symbol\n" + string.Join('\n', Enumerable.Range(0, count).Select(i => $"R{i:D2}")) + "\n");
        var first = await h.StartDaemonAsync(Now);
        await h.PublishAsync(LoadingHarness.Job("r-1", "csv_universe_load", "\"csv_file\":\"forty.csv\",\"years\":0.1"));
        await h.WaitForStatusAsync("r-1", s => s.Int("processed_symbols") >= 2, JobTimeout, first);

        // SIGKILL: no shutdown hooks, the job is left "running" in PostgreSQL.
        System.Diagnostics.Process.GetProcessById(first.Id).Kill();
        Assert.NotNull(await first.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal("running", await h.Schema.ScalarAsync<string>("SELECT status FROM data_load_jobs WHERE job_id = 'r-1'"));
        var doneBeforeRestart = await h.CountAsync("SELECT count(*) FROM data_load_job_symbols WHERE job_id = 'r-1' AND status = 'done'");
        Assert.InRange(doneBeforeRestart, 2, count - 1);

        var second = await h.StartDaemonAsync(Now);
        var status = (await h.WaitForEndAsync("r-1", JobTimeout, second))[^1];
        Assert.Equal("completed", status.Str("status"));
        Assert.Equal(count, status.Int("processed_symbols"));
        Assert.Equal(count, status.Strings("successful_symbols").Distinct().Count());
        Assert.True(await second.WaitForLineAsync("Resuming job r-1", TimeSpan.FromSeconds(5)), second.Output);

        // Every symbol has exactly one row per session of the window, however often it was written.
        var window = JobWindowCalculator.Compute(DateTimeOffset.Parse(Now, System.Globalization.CultureInfo.InvariantCulture), 0.1);
        var sessions = NyseCalendar.TradingDays(window.Daily.FirstDate, window.Daily.LastDate).Count();
        Assert.Equal(count * sessions, await h.CountAsync("SELECT count(*) FROM ohlcv_daily"));
        Assert.Equal(count, await h.CountAsync("SELECT count(DISTINCT symbol) FROM ohlcv_1min"));
        Assert.Equal(0, await h.CountAsync("SELECT count(*) FROM data_load_job_symbols WHERE job_id = 'r-1' AND status <> 'done'"));
    }

    [Fact]
    public async Task A_429_and_5xx_storm_still_completes_and_the_key_only_ever_travels_in_the_Authorization_header()
    {
        const string key = "sk-TEST-7f3a9c";
        await using var stub = await RecordingStub.StartAsync(new PolygonStubOptions
        {
            RequiredApiKey = key,
            Now = DateTimeOffset.Parse(Now, System.Globalization.CultureInfo.InvariantCulture),
            Faults = new PolygonStubFaults { Random429Rate = 0.4, Random5xxRate = 0.15, RetryAfterSeconds = 0, Seed = 7 },
        });
        await using var h = await LoadingHarness.CreateAsync("storm");
        h.WriteUniverse("three.csv", "symbol\nAAPL\nMSFT\nNVDA\n");
        var daemon = await h.StartDaemonAsync(Now, new Dictionary<string, string?>
        {
            ["POLYGON_API_KEY"] = key,
            ["POLYGON_BASE_URL"] = stub.BaseUrl,
            ["POLYGON_RATE_PER_MIN"] = "1000000",
        });

        await h.PublishAsync(LoadingHarness.Job("s-1", "csv_universe_load", "\"csv_file\":\"three.csv\",\"years\":0.02"));
        var status = (await h.WaitForEndAsync("s-1", JobTimeout, daemon))[^1];
        Assert.Equal("completed", status.Str("status"));
        Assert.Equal(3 * 5, await h.CountAsync("SELECT count(*) FROM ohlcv_daily"));
        Assert.True(stub.Stats.ByStatus.GetValueOrDefault(429) > 0, "the storm produced no 429");
        Assert.True(stub.Stats.ByStatus.Keys.Any(s => s >= 500), "the storm produced no 5xx");

        var aggregates = stub.Requests.Where(r => r.PathAndQuery.StartsWith("/v2/aggs/", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(aggregates);
        Assert.All(aggregates, r =>
        {
            Assert.DoesNotContain(key, r.PathAndQuery, StringComparison.Ordinal);
            Assert.DoesNotContain("apiKey", r.PathAndQuery, StringComparison.OrdinalIgnoreCase);
            Assert.Equal("Bearer " + key, r.Authorization);
            Assert.Contains("limit=50000", r.PathAndQuery, StringComparison.Ordinal);
        });
        Assert.DoesNotContain(key, daemon.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(key, (await h.StatusJsonAsync("s-1"))!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_key_fails_the_job_with_a_clear_message_and_the_key_stays_secret()
    {
        await using var stub = await RecordingStub.StartAsync(new PolygonStubOptions
        {
            RequiredApiKey = "right-key",
            Now = DateTimeOffset.Parse(Now, System.Globalization.CultureInfo.InvariantCulture),
        });
        await using var h = await LoadingHarness.CreateAsync("auth");
        var wrong = await h.StartDaemonAsync(Now, new Dictionary<string, string?>
        {
            ["POLYGON_API_KEY"] = "wrong-key-123",
            ["POLYGON_BASE_URL"] = stub.BaseUrl,
            ["POLYGON_RATE_PER_MIN"] = "1000000",
        });
        await h.PublishAsync(LoadingHarness.Job("k-1", "historical_load", "\"symbols\":[\"AAPL\",\"MSFT\",\"NVDA\"],\"years\":0.02"));
        var failed = (await h.WaitForEndAsync("k-1", JobTimeout, wrong))[^1];
        Assert.True(failed.Str("status") == "failed", failed.ToString());
        Assert.Contains("401", failed.Str("error_message"), StringComparison.Ordinal);
        Assert.Contains("API key", failed.Str("error_message"), StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-key-123", (await h.StatusJsonAsync("k-1"))!, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-key-123", wrong.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_403_range_within_the_plans_history_fails_that_symbol_as_not_authorized()
    {
        await using var stub = await RecordingStub.StartAsync(new PolygonStubOptions
        {
            RequiredApiKey = "right-key",
            Now = DateTimeOffset.Parse(Now, System.Globalization.CultureInfo.InvariantCulture),
            Faults = new PolygonStubFaults { PathRules = [new PathFaultRule("/MSFT/", 403)] },
        });
        await using var h = await LoadingHarness.CreateAsync("auth403");
        var right = await h.StartDaemonAsync(Now, new Dictionary<string, string?>
        {
            ["POLYGON_API_KEY"] = "right-key",
            ["POLYGON_BASE_URL"] = stub.BaseUrl,
            ["POLYGON_RATE_PER_MIN"] = "1000000",
        });
        await h.PublishAsync(LoadingHarness.Job("k-2", "historical_load", "\"symbols\":[\"AAPL\",\"MSFT\"],\"years\":0.02"));
        var partial = (await h.WaitForEndAsync("k-2", JobTimeout, right))[^1];
        Assert.Equal("completed_with_errors", partial.Str("status"));
        Assert.Equal(new[] { "MSFT" }, partial.Strings("failed_symbols"));
        Assert.Contains("not authorized", partial.GetProperty("errors").Str("MSFT"), StringComparison.Ordinal);
    }
}
