using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using TickStock.Actors.Persistence;
using TickStock.Testing;

namespace TickStock.Cli.Tests.Commands;

public class BenchPublishCommandTests
{
    [Fact]
    public async Task Bench_publish_drives_every_event_through_the_real_path_verifies_it_and_cleans_up()
    {
        await using var schema = await ScratchSchema.CreateAsync("bench");
        var (output, result) = await RunBenchAsync(schema, "--events", "600", "--warmup", "100", "--rate", "0");

        Assert.Equal(["events", "seconds", "events_per_sec", "p50_ms", "p99_ms", "lost", "rows"], result.EnumerateObject().Select(p => p.Name));
        Assert.Equal(600, result.GetProperty("events").GetInt32());
        Assert.Equal(0, result.GetProperty("lost").GetInt32());
        Assert.Equal(600, result.GetProperty("rows").GetInt32());
        Assert.True(result.GetProperty("p99_ms").GetDouble() >= result.GetProperty("p50_ms").GetDouble());
        Assert.Contains("warm-up in rounds of 100 events (excluded)", output, StringComparison.Ordinal);
        Assert.Matches(@"warm-up took ([1-9]|1[0-5]) rounds \(\d+ events\)", output);
        Assert.Contains("audit commits deferred (not waiting for the WAL flush)", output, StringComparison.Ordinal);
        Assert.Matches(@"the hypervisor took \d+\.\d % of the machine's CPU time during the measured part", output);
        // Warm-up rows are deleted too: nothing of the run stays behind.
        Assert.Equal(0L, await schema.ScalarAsync<long>("SELECT count(*) FROM integration_events WHERE channel LIKE 'tickstock.bench.%'"));
    }

    [Fact]
    public async Task Bench_publish_at_a_rate_paces_the_events_and_still_verifies_every_one()
    {
        await using var schema = await ScratchSchema.CreateAsync("bench_rate");
        var (output, result) = await RunBenchAsync(schema, "--events", "400", "--warmup", "100", "--rate", "2000");

        Assert.Equal(0, result.GetProperty("lost").GetInt32());
        Assert.Equal(400, result.GetProperty("rows").GetInt32());
        // Paced, not sent at once: the 400th event is not due before (400 - 1) / 2000 s (a lower
        // bound set by the pacer, not a speed measurement).
        Assert.True(result.GetProperty("seconds").GetDouble() >= 0.199, result.GetRawText());
        Assert.Contains("offered at 2000 events/s", output, StringComparison.Ordinal);
        Assert.Contains("thread-pool work items per event", output, StringComparison.Ordinal);
        var tail = Regex.Match(output, @"latency p90 ([0-9.]+) ms, p99\.9 ([0-9.]+) ms, max ([0-9.]+) ms");
        Assert.True(tail.Success, output);
        var (p90, p999, max) = (Ms(tail.Groups[1].Value), Ms(tail.Groups[2].Value), Ms(tail.Groups[3].Value));
        var p99 = result.GetProperty("p99_ms").GetDouble();
        Assert.True(p90 <= p99 + 0.001 && p99 <= p999 + 0.001 && p999 <= max, $"p90 {p90}, p99 {p99}, p99.9 {p999}, max {max}");

        static double Ms(string text) => double.Parse(text, CultureInfo.InvariantCulture);
    }

    /// <summary>Runs `tickstock bench publish` against a migrated scratch schema; returns its output and its JSON line.</summary>
    private static async Task<(string Output, JsonElement Result)> RunBenchAsync(ScratchSchema schema, params string[] options)
    {
        await new SchemaMigrator(schema.DataSource).MigrateAsync();
        using var run = ChildProcess.StartCli(["bench", "publish", .. options],
            new Dictionary<string, string?> { ["TICKSTOCK_PG"] = schema.ConnectionString });

        var exitCode = await run.WaitForExitAsync(TimeSpan.FromSeconds(120));
        Assert.True(exitCode == 0, $"exit code {exitCode?.ToString(CultureInfo.InvariantCulture) ?? "none (still running)"}; output:\n{run.Output}");
        var line = run.Output.Split('\n').Single(l => l.StartsWith('{'));
        return (run.Output, JsonDocument.Parse(line).RootElement.Clone());
    }
}
