using Npgsql;
using TickStock.Testing;

namespace TickStock.EndToEnd.Tests.Loading;

/// <summary>
/// A loading job while PostgreSQL hangs (the proxy accepts and stalls instead of refusing): the daemon's
/// connection string states the bounds (Command Timeout 3 s, Timeout 2 s to open a connection), so the
/// symbol in flight fails as an outage rather than waiting forever; the job pauses saying what it waits
/// for, resumes when the server answers again, and completes with every symbol loaded once. (The refused
/// connection case is <see cref="LoadingOutageTests"/>; before issue 18.5 a hang failed 39 of 40 symbols
/// as "database error: The operation has timed out".)
/// </summary>
public class HungPostgresLoadTests
{
    private const string Now = "2024-07-05T21:00:00Z";
    private static readonly TimeSpan JobTimeout = TimeSpan.FromSeconds(180);

    [Fact]
    public async Task A_job_pauses_while_PostgreSQL_hangs_and_completes_every_symbol_once_it_answers()
    {
        await using var h = await LoadingHarness.CreateAsync("hungpg");
        await using var proxy = new TcpProxy(LocalServices.PostgresPort);
        const int count = 40;
        h.WriteUniverse("forty.csv", "symbol\n" + string.Join('\n', Enumerable.Range(0, count).Select(i => $"H{i:D2}")) + "\n");
        var throughProxy = new NpgsqlConnectionStringBuilder(h.Schema.ConnectionString) { Port = proxy.Port, Timeout = 2, CommandTimeout = 3 };
        // The harness isolates the job channels; the rest of the daemon's names are this test's too.
        var extra = new IsolatedChannels("hungpg").Environment()
            .Where(p => !p.Key.StartsWith("TICKSTOCK_JOBS_", StringComparison.Ordinal))
            .ToDictionary(p => p.Key, p => p.Value);
        extra["TICKSTOCK_PG"] = throughProxy.ConnectionString;
        var daemon = await h.StartDaemonAsync(Now, extra);

        await h.PublishAsync(LoadingHarness.Job("hung-1", "csv_universe_load", "\"csv_file\":\"forty.csv\",\"years\":0.1"));
        await h.WaitForStatusAsync("hung-1", s => s.Int("processed_symbols") >= 1, JobTimeout, daemon);
        proxy.BlackHole();

        var paused = (await h.WaitForStatusAsync("hung-1",
            s => s.Str("message").StartsWith("waiting for PostgreSQL", StringComparison.Ordinal),
            JobTimeout, daemon))[^1];
        Assert.Equal("running", paused.Str("status"));
        Assert.True(paused.Int("processed_symbols") < count, "the job finished before PostgreSQL hung");

        proxy.Restore();

        var status = (await h.WaitForEndAsync("hung-1", JobTimeout, daemon))[^1];
        Assert.Equal("completed", status.Str("status"));
        Assert.Equal(count, status.Int("processed_symbols"));
        Assert.Equal(count, status.Strings("successful_symbols").Distinct().Count());
        Assert.Empty(status.Strings("failed_symbols"));
        Assert.Equal(0, await h.CountAsync("SELECT count(*) FROM data_load_job_symbols WHERE job_id = 'hung-1' AND status <> 'done'"));
        Assert.Equal(count, await h.CountAsync("SELECT count(DISTINCT symbol) FROM ohlcv_daily"));
    }
}
