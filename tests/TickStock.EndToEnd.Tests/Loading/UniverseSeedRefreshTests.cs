namespace TickStock.EndToEnd.Tests.Loading;

/// <summary>
/// <c>universe_seed</c>'s <c>refresh</c> (contract §6 names the field, not its meaning; README
/// "Historical loads" states the chosen behaviour): <c>false</c> skips a symbol whose stored rows
/// already cover the window, <c>true</c> reloads every symbol.
/// </summary>
public class UniverseSeedRefreshTests
{
    private const string Now = "2024-07-05T21:00:00Z"; // 0.02 y → sessions 06-28 … 07-05, 5 of them
    private static readonly TimeSpan JobTimeout = TimeSpan.FromSeconds(90);

    private static string Seed(string jobId, bool refresh) => LoadingHarness.Job(jobId, "universe_seed",
        $"\"universe_type\":\"CUSTOM\",\"csv_file\":\"seed.csv\",\"years\":0.02,\"include_ohlcv\":true,\"refresh\":{(refresh ? "true" : "false")}");

    private static long Rows(System.Text.Json.JsonElement status, string table) => status.GetProperty("rows").GetProperty(table).GetInt64();

    [Fact]
    public async Task Refresh_false_skips_symbols_already_complete_reloads_a_gap_and_refresh_true_reloads_all()
    {
        await using var h = await LoadingHarness.CreateAsync("seed");
        h.WriteUniverse("seed.csv", "symbol\nAAPL\nMSFT\n");
        var daemon = await h.StartDaemonAsync(Now);

        // First seed: nothing stored, both symbols load.
        await h.PublishAsync(Seed("seed-1", refresh: false));
        var first = (await h.WaitForEndAsync("seed-1", JobTimeout, daemon))[^1];
        Assert.Equal("completed", first.Str("status"));
        Assert.Equal(10, Rows(first, "ohlcv_daily"));
        var stored = await h.TableCountsAsync();

        // Same seed, refresh=false: everything is already there; no rows written, none changed.
        await h.PublishAsync(Seed("seed-2", refresh: false));
        var second = (await h.WaitForEndAsync("seed-2", JobTimeout, daemon))[^1];
        Assert.Equal("completed", second.Str("status"));
        Assert.Equal(new[] { "AAPL", "MSFT" }, second.Strings("successful_symbols").Order());
        Assert.Equal(0, Rows(second, "ohlcv_daily"));
        Assert.Equal(0, Rows(second, "ohlcv_1min"));
        Assert.Equal(0, Rows(second, "ohlcv_hourly"));
        Assert.Equal(stored, await h.TableCountsAsync());

        // A gap in MSFT's daily rows: refresh=false reloads MSFT only (5 sessions), AAPL stays skipped.
        Assert.Equal(1, await h.Schema.ExecuteAsync("DELETE FROM ohlcv_daily WHERE symbol = 'MSFT' AND date = '2024-07-01'"));
        await h.PublishAsync(Seed("seed-3", refresh: false));
        var third = (await h.WaitForEndAsync("seed-3", JobTimeout, daemon))[^1];
        Assert.Equal("completed", third.Str("status"));
        Assert.Equal(5, Rows(third, "ohlcv_daily"));
        Assert.Equal(stored, await h.TableCountsAsync());

        // refresh=true: both symbols are fetched and written again (upserts: counts unchanged).
        await h.PublishAsync(Seed("seed-4", refresh: true));
        var fourth = (await h.WaitForEndAsync("seed-4", JobTimeout, daemon))[^1];
        Assert.Equal("completed", fourth.Str("status"));
        Assert.Equal(10, Rows(fourth, "ohlcv_daily"));
        Assert.Equal(Rows(first, "ohlcv_1min"), Rows(fourth, "ohlcv_1min"));
        Assert.Equal(stored, await h.TableCountsAsync());
    }
}
