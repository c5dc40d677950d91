using Npgsql;
using TickStock.Testing;

namespace TickStock.EndToEnd.Tests.Loading;

/// <summary>Contract §7 for the loader: a PostgreSQL outage pauses jobs, it does not fail their symbols (issue 18.5).</summary>
public class LoadingOutageTests
{
    private const string Now = "2024-07-05T21:00:00Z";
    private static readonly TimeSpan JobTimeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task A_PostgreSQL_outage_mid_job_pauses_it_a_job_sent_meanwhile_waits_and_both_complete_with_every_symbol_successful()
    {
        await using var h = await LoadingHarness.CreateAsync("outage");
        await using var proxy = new TcpProxy(LocalServices.PostgresPort);
        var viaProxy = new NpgsqlConnectionStringBuilder(h.Schema.ConnectionString) { Port = proxy.Port, Timeout = 3, CommandTimeout = 10 }.ConnectionString;
        const int count = 40;
        h.WriteUniverse("forty.csv", "symbol\n" + string.Join('\n', Enumerable.Range(0, count).Select(i => $"P{i:D2}")) + "\n");
        var daemon = await h.StartDaemonAsync(Now, new Dictionary<string, string?> { ["TICKSTOCK_PG"] = viaProxy });

        await h.PublishAsync(LoadingHarness.Job("o-1", "csv_universe_load", "\"csv_file\":\"forty.csv\",\"years\":0.2"));
        await h.WaitForStatusAsync("o-1", s => s.Int("processed_symbols") >= 2, JobTimeout, daemon);
        proxy.Cut();

        // Paused, not failed: still running, saying what it waits for; no symbol failed.
        var paused = (await h.WaitForStatusAsync("o-1", s => s.Str("message").Contains("waiting for PostgreSQL", StringComparison.Ordinal), JobTimeout, daemon))[^1];
        Assert.Equal("running", paused.Str("status"));
        Assert.Empty(paused.Strings("failed_symbols"));

        // A job that arrives during the outage waits instead of failing "could not start".
        await h.PublishAsync(LoadingHarness.Job("o-2", "historical_load", "\"symbols\":[\"Q01\",\"Q02\"],\"years\":0.02"));
        var waiting = (await h.WaitForStatusAsync("o-2", s => s.Str("message").Contains("waiting for PostgreSQL", StringComparison.Ordinal), JobTimeout, daemon))[^1];
        Assert.Equal("running", waiting.Str("status"));

        await Task.Delay(TimeSpan.FromSeconds(5)); // the outage (the assertions below hold however long it lasts)
        proxy.Restore();

        var first = (await h.WaitForEndAsync("o-1", JobTimeout, daemon))[^1];
        Assert.True(first.Str("status") == "completed", first.ToString());
        Assert.Equal(count, first.Int("processed_symbols"));
        Assert.Equal(count, first.Strings("successful_symbols").Distinct().Count());
        var second = (await h.WaitForEndAsync("o-2", JobTimeout, daemon))[^1];
        Assert.True(second.Str("status") == "completed", second.ToString());
        Assert.Equal(new[] { "Q01", "Q02" }, second.Strings("successful_symbols").Order());

        Assert.Equal(count + 2, await h.CountAsync("SELECT count(DISTINCT symbol) FROM ohlcv_daily"));
        Assert.Equal(0, await h.CountAsync("SELECT count(*) FROM data_load_job_symbols WHERE status <> 'done'"));
    }
}
