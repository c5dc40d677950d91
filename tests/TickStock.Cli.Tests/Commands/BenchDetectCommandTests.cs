using System.Text.Json;
using TickStock.Testing;

namespace TickStock.Cli.Tests.Commands;

/// <summary>`tickstock bench detect` runs in-process with no services and prints one JSON line.</summary>
public class BenchDetectCommandTests
{
    [Fact]
    public async Task Prints_one_JSON_line_with_the_three_rates()
    {
        using var run = ChildProcess.StartCli(["bench", "detect", "--bars", "20000", "--symbols", "8"], new Dictionary<string, string?>
        {
            ["TICKSTOCK_REDIS"] = "127.0.0.1:9",
            ["TICKSTOCK_PG"] = "Host=127.0.0.1;Port=9;Database=none",
        });
        Assert.Equal(0, await run.WaitForExitAsync(TimeSpan.FromSeconds(120)));

        string line = Assert.Single(run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        using var doc = JsonDocument.Parse(line);
        var root = doc.RootElement;
        Assert.Equal(20000, root.GetProperty("bars").GetInt64());
        Assert.True(root.GetProperty("seconds").GetDouble() > 0);
        foreach (string rate in new[] { "cdl_bars_per_sec", "bars_per_sec", "actor_bars_per_sec" })
        {
            Assert.True(root.GetProperty(rate).GetDouble() > 0, rate);
        }

        // Each SymbolActor holds at least its rolling windows once fed: a positive managed size.
        Assert.True(root.GetProperty("bytes_per_actor").GetDouble() > 0);
    }
}
