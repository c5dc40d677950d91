using System.Runtime.InteropServices;
using TickStock.Testing;

namespace TickStock.EndToEnd.Tests.Loading;

/// <summary>`tickstock job …` and `tickstock polygon-stub` as processes.</summary>
public class JobCliTests
{
    private const string Now = "2024-07-05T21:00:00Z";

    [Fact]
    public async Task Job_submit_wait_status_and_list_follow_a_job_through_the_status_key()
    {
        await using var h = await LoadingHarness.CreateAsync("cli");
        h.WriteUniverse("two.csv", "symbol\nAAPL\nNODATA2\n");
        var daemon = await h.StartDaemonAsync(Now);
        var env = h.Environment(Now);

        using (var submit = ChildProcess.StartCli(["job", "submit", "csv", "two.csv", "--years", "0.003", "--job-id", "cli-1", "--wait"], env))
        {
            Assert.Equal(0, await submit.WaitForExitAsync(TimeSpan.FromSeconds(90)));
            Assert.Contains("Submitted job cli-1", submit.Output, StringComparison.Ordinal);
            Assert.Contains("completed_with_errors", submit.Output, StringComparison.Ordinal);
        }

        using (var status = ChildProcess.StartCli(["job", "status", "cli-1", "--json"], env))
        {
            Assert.Equal(0, await status.WaitForExitAsync(TimeSpan.FromSeconds(30)));
            Assert.Contains("\"failed_symbols\":[\"NODATA2\"]", status.Output, StringComparison.Ordinal);
        }

        using (var list = ChildProcess.StartCli(["job", "list"], env))
        {
            Assert.Equal(0, await list.WaitForExitAsync(TimeSpan.FromSeconds(30)));
            Assert.Contains("cli-1", list.Output, StringComparison.Ordinal);
        }

        using (var missing = ChildProcess.StartCli(["job", "status", "no-such-job"], env))
        {
            Assert.Equal(6, await missing.WaitForExitAsync(TimeSpan.FromSeconds(30)));
            Assert.Contains("no status for job 'no-such-job'", missing.Output, StringComparison.Ordinal);
        }

        // A job the daemon fails makes `--wait` exit non-zero.
        using (var failing = ChildProcess.StartCli(["job", "submit", "csv", "absent.csv", "--job-id", "cli-2", "--wait"], env))
        {
            Assert.Equal(1, await failing.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains("unknown universe file", failing.Output, StringComparison.Ordinal);
        }

        Assert.False(string.IsNullOrEmpty(daemon.Output));
    }

    [Fact]
    public async Task Job_submit_rejects_a_bad_job_before_publishing_and_polygon_stub_runs_without_any_service()
    {
        var noServices = new Dictionary<string, string?> { ["TICKSTOCK_REDIS"] = "127.0.0.1:9", ["TICKSTOCK_PG"] = "Host=127.0.0.1;Port=9" };
        using (var bad = ChildProcess.StartCli(["job", "submit", "csv", "../secrets.csv"], noServices))
        {
            Assert.Equal(2, await bad.WaitForExitAsync(TimeSpan.FromSeconds(30)));
            Assert.Contains("invalid job", bad.Output, StringComparison.Ordinal);
        }

        using var stub = ChildProcess.StartCli(["polygon-stub", "--port", "0", "--now", Now], noServices);
        Assert.True(await stub.WaitForLineAsync("Polygon stub listening at http://127.0.0.1:", TimeSpan.FromSeconds(30)), stub.Output);
        stub.Signal(PosixSignal.SIGTERM);
        Assert.Equal(0, await stub.WaitForExitAsync(TimeSpan.FromSeconds(15)));
        Assert.Contains("Polygon stub stopped", stub.Output, StringComparison.Ordinal);
    }
}
