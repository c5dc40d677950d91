using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using StackExchange.Redis;
using TickStock.Core.Calendar;
using TickStock.Core.Loading;

namespace TickStock.EndToEnd.Tests.Loading;

/// <summary>
/// The real daemon with its embedded stub, a pinned clock and a scratch schema: a csv universe
/// load end to end, its re-run, the hostile jobs of contract §7, and a cancel.
/// </summary>
public class HistoricalLoadTests
{
    // Friday 2024-07-05 17:00 ET. 0.02 years back is Friday 2024-06-28: sessions 06-28, 07-01,
    // 07-02, 07-03 (early close 13:00) and 07-05; 07-04 is a holiday.
    private const string Now = "2024-07-05T21:00:00Z";
    private static readonly TimeSpan JobTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Csv_universe_load_completes_with_errors_fills_five_tables_calendar_correctly_and_a_rerun_changes_no_counts()
    {
        await using var h = await LoadingHarness.CreateAsync("load");
        h.WriteUniverse("mini.csv", "Symbol,Name,Sector,Extra\nAAPL,Apple Inc.,Information Technology,x\naapl,dup,dup,y\n MSFT ,Microsoft,Information Technology,z\nBAD$1,Bad,None,w\n\nNODATA1,Nothing,None,v\n");
        var daemon = await h.StartDaemonAsync(Now);

        // The consumer may leave a hash with its own fields before we take the job.
        await h.Redis.GetDatabase().HashSetAsync(h.StatusPrefix + "job-a", [new HashEntry("submitted_at", "2024-07-05T16:59:00"), new HashEntry("description", "mini universe")]);
        await h.PublishAsync(LoadingHarness.Job("job-a", "csv_universe_load", "\"csv_file\":\"mini.csv\",\"years\":0.02,\"include_ohlcv\":true,\"requested_by\":\"admin\",\"timestamp\":\"2024-07-05T17:00:00\""));
        var seen = await h.WaitForEndAsync("job-a", JobTimeout, daemon);
        var status = seen[^1];

        // Exact §6.1 fields.
        var names = status.EnumerateObject().Select(p => p.Name).ToHashSet();
        Assert.Equal(
            new[] { "job_id", "job_type", "status", "progress", "message", "current_symbol", "total_symbols", "processed_symbols", "successful_symbols",
                    "failed_symbols", "errors", "error_message", "started_at", "completed_at", "rows", "submitted_at", "description" }.ToHashSet(),
            names);
        Assert.Equal("job-a", status.Str("job_id"));
        Assert.Equal("csv_universe_load", status.Str("job_type"));
        Assert.Equal("completed_with_errors", status.Str("status"));
        Assert.Equal(100, status.Int("progress"));
        Assert.Equal(4, status.Int("total_symbols")); // AAPL, MSFT, BAD$1, NODATA1 (duplicate and blank skipped)
        Assert.Equal(4, status.Int("processed_symbols"));
        Assert.Equal(new[] { "AAPL", "MSFT" }, status.Strings("successful_symbols").Order());
        Assert.Equal(new[] { "BAD$1", "NODATA1" }, status.Strings("failed_symbols").Order());
        var errors = status.GetProperty("errors");
        Assert.Contains("invalid symbol", errors.Str("BAD$1"), StringComparison.Ordinal);
        Assert.Contains("no data", errors.Str("NODATA1"), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, status.GetProperty("error_message").ValueKind);
        Assert.Matches(new Regex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$"), status.Str("started_at"));
        Assert.Matches(new Regex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$"), status.Str("completed_at"));
        Assert.Equal("2024-07-05T16:59:00", status.Str("submitted_at"));
        Assert.Equal("mini universe", status.Str("description"));
        Assert.All(seen.Where(s => s.Str("status") == "running"), s => Assert.False(s.TryGetProperty("completed_at", out _), "completed_at on a running status"));
        var ttl = await h.Redis.GetDatabase().KeyTimeToLiveAsync(h.StatusPrefix + "job-a");
        Assert.InRange(ttl!.Value.TotalSeconds, 86000, 86400);

        // Calendar-correct counts: 5 sessions, one early close, no holiday rows.
        Assert.Equal(3, await h.CountAsync("SELECT count(*) FROM symbols")); // NODATA1 is in the universe; BAD$1 never is
        Assert.Equal(10, await h.CountAsync("SELECT count(*) FROM ohlcv_daily"));
        Assert.Equal(0, await h.CountAsync("SELECT count(*) FROM ohlcv_daily WHERE date = '2024-07-04'"));
        Assert.Equal(2 * 32, await h.CountAsync("SELECT count(*) FROM ohlcv_hourly")); // 4 × 7 + 4 per symbol
        Assert.Equal(2 * 2, await h.CountAsync("SELECT count(*) FROM ohlcv_weekly"));
        Assert.Equal(2, await h.CountAsync("SELECT count(*) FROM ohlcv_weekly WHERE week_ending IN ('2024-06-28','2024-07-05') AND symbol = 'AAPL'"));
        Assert.Equal(2, await h.CountAsync("SELECT count(*) FROM ohlcv_monthly WHERE month_ending IN ('2024-06-30','2024-07-31') AND symbol = 'MSFT'"));
        Assert.Equal(4, await h.CountAsync("SELECT count(*) FROM ohlcv_monthly"));
        var minutes = await h.CountAsync("SELECT count(*) FROM ohlcv_1min");
        Assert.InRange(minutes, (long)(2 * 1770 * 0.95), 2 * 1770); // the stub leaves occasional empty minutes
        Assert.Equal(0, await h.CountAsync("""
            SELECT count(*) FROM ohlcv_1min WHERE ("timestamp" AT TIME ZONE 'America/New_York')::time < '09:30'
               OR ("timestamp" AT TIME ZONE 'America/New_York')::time >= '16:00'
               OR (("timestamp" AT TIME ZONE 'America/New_York')::date = '2024-07-03' AND ("timestamp" AT TIME ZONE 'America/New_York')::time >= '13:00')
               OR ("timestamp" AT TIME ZONE 'America/New_York')::date = '2024-07-04'
            """));
        Assert.Equal(5, await h.CountAsync("SELECT count(DISTINCT (\"timestamp\" AT TIME ZONE 'America/New_York')::date) FROM ohlcv_1min WHERE symbol = 'AAPL'"));
        var rows = status.GetProperty("rows");
        Assert.Equal(minutes, rows.GetProperty("ohlcv_1min").GetInt64());
        Assert.Equal(10, rows.GetProperty("ohlcv_daily").GetInt64());

        await AssertAggregatesMatchStoredRows(h);

        // Re-run (a new job id): identical counts, nothing duplicated.
        var before = await h.TableCountsAsync();
        await h.PublishAsync(LoadingHarness.Job("job-a2", "csv_universe_load", "\"csv_file\":\"mini.csv\",\"years\":0.02"));
        var rerun = (await h.WaitForEndAsync("job-a2", JobTimeout, daemon))[^1];
        Assert.Equal("completed_with_errors", rerun.Str("status"));
        Assert.Equal(before, await h.TableCountsAsync());
        await AssertAggregatesMatchStoredRows(h);

        // A one-day load afterwards must not shrink the week or the month to that day.
        await h.PublishAsync(LoadingHarness.Job("job-a3", "historical_load", "\"symbols\":[\"AAPL\"],\"years\":0.003,\"timespan\":\"day\""));
        Assert.Equal("completed", (await h.WaitForEndAsync("job-a3", JobTimeout, daemon))[^1].Str("status"));
        Assert.Equal(before, await h.TableCountsAsync());
        await AssertAggregatesMatchStoredRows(h);
    }

    private static async Task AssertAggregatesMatchStoredRows(LoadingHarness h)
    {
        // Hourly = clock-hour buckets (first one 09:30) of the stored minute rows.
        Assert.Equal(0, await h.CountAsync("""
            WITH m AS (
                SELECT symbol, "timestamp" AS ts, open, high, low, close, volume,
                       (CASE WHEN extract(hour FROM "timestamp" AT TIME ZONE 'America/New_York') = 9
                             THEN date_trunc('hour', "timestamp" AT TIME ZONE 'America/New_York') + interval '30 minutes'
                             ELSE date_trunc('hour', "timestamp" AT TIME ZONE 'America/New_York') END) AT TIME ZONE 'America/New_York' AS bucket
                FROM ohlcv_1min),
            a AS (SELECT symbol, bucket, (array_agg(open ORDER BY ts))[1] AS o, max(high) AS h, min(low) AS l,
                         (array_agg(close ORDER BY ts DESC))[1] AS c, sum(volume) AS v FROM m GROUP BY symbol, bucket)
            SELECT count(*) FROM ohlcv_hourly x FULL JOIN a ON a.symbol = x.symbol AND a.bucket = x."timestamp"
            WHERE x.symbol IS NULL OR a.symbol IS NULL OR (x.open, x.high, x.low, x.close, x.volume) IS DISTINCT FROM (a.o, a.h, a.l, a.c, a.v)
            """));

        // Weekly (key = Friday) and monthly (key = last day) = aggregates of the stored daily rows.
        foreach (var (table, key, bucket) in new[]
                 {
                     ("ohlcv_weekly", "week_ending", "(date + (5 - extract(isodow FROM date)::int))"),
                     ("ohlcv_monthly", "month_ending", "(date_trunc('month', date) + interval '1 month - 1 day')::date"),
                 })
        {
            Assert.Equal(0, await h.CountAsync($"""
                WITH a AS (SELECT symbol, {bucket} AS k, (array_agg(open ORDER BY date))[1] AS o, max(high) AS h, min(low) AS l,
                                  (array_agg(close ORDER BY date DESC))[1] AS c, sum(volume) AS v FROM ohlcv_daily GROUP BY symbol, k)
                SELECT count(*) FROM {table} x FULL JOIN a ON a.symbol = x.symbol AND a.k = x.{key}
                WHERE x.symbol IS NULL OR a.symbol IS NULL OR (x.open, x.high, x.low, x.close, x.volume) IS DISTINCT FROM (a.o, a.h, a.l, a.c, a.v)
                """));
        }

        // Daily rows are the provider's day bars (whole extended day): they bound the session's minutes.
        Assert.Equal(0, await h.CountAsync("""
            WITH a AS (SELECT symbol, ("timestamp" AT TIME ZONE 'America/New_York')::date AS d, max(high) AS h, min(low) AS l, sum(volume) AS v
                       FROM ohlcv_1min GROUP BY 1, 2)
            SELECT count(*) FROM a LEFT JOIN ohlcv_daily x ON x.symbol = a.symbol AND x.date = a.d
            WHERE x.symbol IS NULL OR x.high < a.h OR x.low > a.l OR x.volume < a.v
            """));
    }

    [Fact]
    public async Task Every_hostile_job_fails_with_a_message_and_the_daemon_keeps_running()
    {
        await using var h = await LoadingHarness.CreateAsync("hostile");
        var symbols = string.Join('\n', Enumerable.Range(0, 40).Select(i => $"T{i:D2}"));
        h.WriteUniverse("forty.csv", "symbol\n" + symbols + "\n");
        h.WriteUniverse("empty.csv", "symbol\n\n");
        h.WriteUniverse("noheader.csv", "ticker,name\nAAPL,Apple\n");
        var daemon = await h.StartDaemonAsync(Now);

        var hostile = new Dictionary<string, string>
        {
            ["h-type"] = LoadingHarness.Job("h-type", "drop_tables", "\"years\":1"),
            ["h-nocsv"] = LoadingHarness.Job("h-nocsv", "csv_universe_load", "\"years\":1"),
            ["h-years0"] = LoadingHarness.Job("h-years0", "csv_universe_load", "\"csv_file\":\"forty.csv\",\"years\":0"),
            ["h-years31"] = LoadingHarness.Job("h-years31", "historical_load", "\"symbols\":[\"AAPL\"],\"years\":31"),
            ["h-yearsnan"] = LoadingHarness.Job("h-yearsnan", "historical_load", "\"symbols\":[\"AAPL\"],\"years\":\"lots\""),
            ["h-traversal"] = LoadingHarness.Job("h-traversal", "csv_universe_load", "\"csv_file\":\"../../../etc/passwd.csv\""),
            ["h-absolute"] = LoadingHarness.Job("h-absolute", "csv_universe_load", "\"csv_file\":\"/etc/hosts\""),
            ["h-unknownfile"] = LoadingHarness.Job("h-unknownfile", "csv_universe_load", "\"csv_file\":\"nope.csv\""),
            ["h-emptyfile"] = LoadingHarness.Job("h-emptyfile", "csv_universe_load", "\"csv_file\":\"empty.csv\""),
            ["h-noheader"] = LoadingHarness.Job("h-noheader", "csv_universe_load", "\"csv_file\":\"noheader.csv\""),
            ["h-nosymbols"] = LoadingHarness.Job("h-nosymbols", "historical_load", "\"years\":1"),
            ["h-emptysymbols"] = LoadingHarness.Job("h-emptysymbols", "historical_load", "\"symbols\":[]"),
            ["h-badtimespan"] = LoadingHarness.Job("h-badtimespan", "historical_load", "\"symbols\":[\"AAPL\"],\"timespan\":\"fortnight\""),
            ["h-unknownseed"] = LoadingHarness.Job("h-unknownseed", "universe_seed", "\"universe_type\":\"../../x\""),
            ["h-huge"] = LoadingHarness.Job("h-huge", "historical_load", "\"symbols\":[\"AAPL\"],\"pad\":\"" + new string('x', 1_100_000) + "\""),
        };

        // Messages without a usable job_id are logged and dropped.
        await h.PublishAsync("not json at all");
        await h.PublishAsync("[1,2,3]");
        await h.PublishAsync("{\"job_type\":\"historical_load\",\"symbols\":[\"AAPL\"]}");
        await h.PublishAsync("{\"job_id\":\"a:b\",\"job_type\":\"historical_load\",\"symbols\":[\"AAPL\"]}");
        foreach (var message in hostile.Values)
        {
            await h.PublishAsync(message);
        }

        foreach (var jobId in hostile.Keys)
        {
            var status = (await h.WaitForEndAsync(jobId, JobTimeout, daemon))[^1];
            Assert.Equal("failed", status.Str("status"));
            Assert.False(string.IsNullOrWhiteSpace(status.Str("error_message")), jobId);
            Assert.True(status.TryGetProperty("completed_at", out _), jobId);
        }

        Assert.Contains("message exceeds", (await h.StatusJsonAsync("h-huge"))!, StringComparison.Ordinal);
        Assert.Contains("without a usable job_id", daemon.Output, StringComparison.Ordinal);
        Assert.Null(await h.StatusJsonAsync("a:b"));

        // Only invalid symbols: nothing to fetch, the job ends at once and stays ended.
        await h.PublishAsync(LoadingHarness.Job("h-allinvalid", "historical_load", "\"symbols\":[\"bad$\",\"9X\"]"));
        var allInvalid = (await h.WaitForEndAsync("h-allinvalid", JobTimeout, daemon))[^1];
        Assert.Equal("completed_with_errors", allInvalid.Str("status"));
        Assert.Equal(2, allInvalid.Int("total_symbols"));

        Assert.Contains("\"status\":\"completed_with_errors\"", (await h.StatusJsonAsync("h-allinvalid"))!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cancel_ends_a_running_job_as_failed_and_cancelled_naming_who()
    {
        // The provider's rate (6 calls/min after a burst of 6, two calls per symbol) keeps the 40
        // symbols running for minutes: the cancel cannot lose a race against the job's end.
        var apiKey = "cancel-" + Guid.NewGuid().ToString("N");
        await using var stub = await RecordingStub.StartAsync(new TickStock.PolygonStub.PolygonStubOptions
        {
            RequiredApiKey = apiKey,
            Now = DateTimeOffset.Parse(Now, System.Globalization.CultureInfo.InvariantCulture),
        });
        await using var h = await LoadingHarness.CreateAsync("cancel");
        h.WriteUniverse("forty.csv", "symbol\n" + string.Join('\n', Enumerable.Range(0, 40).Select(i => $"T{i:D2}")) + "\n");
        var daemon = await h.StartDaemonAsync(Now, new Dictionary<string, string?>
        {
            ["POLYGON_API_KEY"] = apiKey,
            ["POLYGON_BASE_URL"] = stub.BaseUrl,
            ["POLYGON_RATE_PER_MIN"] = "6",
        });

        await h.PublishAsync(LoadingHarness.Job("c-1", "csv_universe_load", "\"csv_file\":\"forty.csv\",\"years\":0.1"));
        await h.WaitForStatusAsync("c-1", s => s.Int("processed_symbols") >= 1, JobTimeout, daemon);
        await h.PublishControlAsync("{\"job_id\":\"c-1\",\"action\":\"cancel\",\"requested_by\":\"alice@admin\",\"timestamp\":\"2024-07-05T17:01:00\"}");
        var cancelled = (await h.WaitForEndAsync("c-1", JobTimeout, daemon))[^1];
        Assert.Equal("failed", cancelled.Str("status"));
        Assert.True(cancelled.GetProperty("cancelled").GetBoolean());
        Assert.Contains("alice@admin", cancelled.Str("error_message"), StringComparison.Ordinal);
        Assert.InRange(cancelled.Int("processed_symbols"), 1, 39);
        Assert.Equal(100 * cancelled.Int("processed_symbols") / 40, cancelled.Int("progress")); // the share processed, not 100
    }
}
