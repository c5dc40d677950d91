using System.Runtime.InteropServices;
using StackExchange.Redis;
using TickStock.Testing;

namespace TickStock.EndToEnd.Tests.Daemon;

/// <summary>
/// The real daemon process (`tickstock run`) against the local Redis and PostgreSQL, each test in its own
/// scratch schema and with its own channel and key names (no PRODUCER_* rows in the shared database's
/// default schema, no heartbeat or health traffic on the production names).
/// </summary>
public class DaemonLifecycleTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(PosixSignal.SIGINT)]
    [InlineData(PosixSignal.SIGTERM)]
    public async Task Starts_reports_both_services_connected_and_stops_gracefully_on_a_signal(PosixSignal signal)
    {
        await using var schema = await ScratchSchema.CreateAsync("daemon");
        var names = new IsolatedChannels("daemon");
        using var daemon = ChildProcess.StartCli(["run"], names.Environment(new Dictionary<string, string?>
        {
            ["TICKSTOCK_PG"] = schema.ConnectionString,
            ["TICKSTOCK_MARKET_DATA"] = "none",
        }));

        Assert.True(await daemon.WaitForLineAsync("Connected to Redis at", StartTimeout), daemon.Output);
        Assert.True(await daemon.WaitForLineAsync("Connected to PostgreSQL at", StartTimeout), daemon.Output);
        Assert.True(await daemon.WaitForLineAsync("TickStock daemon started", StartTimeout), daemon.Output);
        Assert.True(await daemon.WaitForLineAsync("is JOINING itself", StartTimeout), daemon.Output);
        // It migrated its (scratch) database on start.
        Assert.True(await daemon.WaitForLineAsync("Applied migration 0001_integration_log", StartTimeout), daemon.Output);
        Assert.NotNull(await schema.ScalarAsync<string>($"SELECT to_regclass('{schema.Name}.integration_events')::text"));
        // Its heartbeat goes to the test's key, not the production one.
        await using (var redis = await ConnectionMultiplexer.ConnectAsync(LocalServices.RedisConfiguration))
        {
            var deadline = DateTime.UtcNow + StartTimeout;
            while (!await redis.GetDatabase().KeyExistsAsync(names.HeartbeatKey) && DateTime.UtcNow < deadline) await Task.Delay(100);
            Assert.True(await redis.GetDatabase().KeyExistsAsync(names.HeartbeatKey), "no heartbeat at " + names.HeartbeatKey + "\n" + daemon.Output);
        }

        daemon.Signal(signal);
        var exitCode = await daemon.WaitForExitAsync(TimeSpan.FromSeconds(15));

        Assert.True(exitCode is not null, "daemon did not stop within 15 s of " + signal + "\n" + daemon.Output);
        Assert.Equal(0, exitCode);
        Assert.Contains("TickStock daemon stopping (coordinated shutdown)", daemon.Output, StringComparison.Ordinal);
        Assert.Contains("Exiting completed", daemon.Output, StringComparison.Ordinal); // left the cluster
        Assert.Contains("TickStock daemon stopped", daemon.Output, StringComparison.Ordinal);
        // The pipeline said hello and goodbye in the audit log, goodbye last (after its flush).
        Assert.True(await schema.ScalarAsync<long>("SELECT count(*) FROM integration_events WHERE checkpoint = 'PRODUCER_STARTED'") >= 1, daemon.Output);
        Assert.Equal("deferred", await schema.ScalarAsync<string>("SELECT details->>'audit_commit' FROM integration_events WHERE checkpoint = 'PRODUCER_STARTED' ORDER BY id DESC LIMIT 1"));
        Assert.True(await schema.ScalarAsync<long>("SELECT count(*) FROM integration_events WHERE checkpoint = 'PRODUCER_ALIVE'") >= 1);
        Assert.Equal("PRODUCER_STOPPED", await schema.ScalarAsync<string>("SELECT checkpoint FROM integration_events ORDER BY \"timestamp\" DESC, id DESC LIMIT 1"));
    }

    [Fact]
    public async Task Keeps_running_and_retrying_while_PostgreSQL_cannot_be_reached_and_never_logs_the_password()
    {
        using var daemon = ChildProcess.StartCli(["run"], new IsolatedChannels("daemon").Environment(new Dictionary<string, string?>
        {
            // Port 9 (discard) is closed on loopback: connection refused at once.
            ["TICKSTOCK_PG"] = "Host=127.0.0.1;Port=9;Database=tickstock;Username=app_readwrite;Password=s3cret-Never-Logged",
            ["TICKSTOCK_MARKET_DATA"] = "none",
        }));

        Assert.True(await daemon.WaitForLineAsync("Cannot reach PostgreSQL at 127.0.0.1:9 (database tickstock as app_readwrite):", StartTimeout), daemon.Output);
        Assert.True(await daemon.WaitForLineAsync("retrying in 2s", StartTimeout), daemon.Output);
        Assert.True(await daemon.WaitForLineAsync("Connected to Redis at", StartTimeout), daemon.Output);

        daemon.Signal(PosixSignal.SIGTERM);
        var exit = await daemon.WaitForExitAsync(TimeSpan.FromSeconds(15));
        Assert.True(exit == 0, $"exit {exit}\n" + daemon.Output);
        Assert.DoesNotContain("s3cret-Never-Logged", daemon.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cannot_reach_Redis_is_said_plainly_with_host_and_port()
    {
        // PostgreSQL is reachable: the daemon migrates and writes PRODUCER_* rows, into a scratch schema.
        await using var schema = await ScratchSchema.CreateAsync("daemon");
        using var daemon = ChildProcess.StartCli(["run"], new IsolatedChannels("daemon").Environment(new Dictionary<string, string?>
        {
            ["TICKSTOCK_PG"] = schema.ConnectionString,
            ["TICKSTOCK_REDIS"] = "127.0.0.1:9,password=s3cret-Never-Logged",
            ["TICKSTOCK_MARKET_DATA"] = "none",
        }));

        Assert.True(await daemon.WaitForLineAsync("Cannot reach Redis at 127.0.0.1:9:", StartTimeout), daemon.Output);
        Assert.True(await daemon.WaitForLineAsync("Connected to PostgreSQL at", StartTimeout), daemon.Output);

        daemon.Signal(PosixSignal.SIGTERM);
        Assert.Equal(0, await daemon.WaitForExitAsync(TimeSpan.FromSeconds(15)));
        Assert.DoesNotContain("s3cret-Never-Logged", daemon.Output, StringComparison.Ordinal);
    }
}
