using System.Globalization;
using System.Text.Json;
using TickStock.Testing;

namespace TickStock.Cli.Tests.Commands;

/// <summary>`tickstock scan` over real daily files, with no services reachable.</summary>
public class ScanCommandTests
{
    private static readonly Dictionary<string, string?> NoServices = new()
    {
        ["TICKSTOCK_REDIS"] = "127.0.0.1:9",
        ["TICKSTOCK_PG"] = "Host=127.0.0.1;Port=9;Database=none",
    };

    private static string CoreTestData(string name) =>
        Path.Combine(LocalServices.RepositoryRoot, "tests", "TickStock.Core.Tests", "TestData", name);

    private static async Task<(int? Exit, string[] Lines, string Output)> ScanAsync(params string[] args)
    {
        using var run = ChildProcess.StartCli(["scan", .. args], NoServices);
        int? exit = await run.WaitForExitAsync(TimeSpan.FromSeconds(60));
        string output = run.Output;
        return (exit, output.Split('\n', StringSplitOptions.RemoveEmptyEntries), output);
    }

    [Fact]
    public async Task Jsonl_has_one_object_per_detection_with_exactly_the_contract_fields()
    {
        var (exit, lines, _) = await ScanAsync(CoreTestData("SPY.csv"), "--format", "jsonl");

        Assert.Equal(0, exit);
        Assert.True(lines.Length > 100);
        var dates = File.ReadLines(CoreTestData("SPY.csv")).Skip(1).Select(l => l.Split(',')[0]).ToHashSet();
        foreach (string line in lines)
        {
            using var doc = JsonDocument.Parse(line);
            var names = doc.RootElement.EnumerateObject().Select(p => p.Name).ToArray();
            Assert.Equal(["symbol", "time", "pattern", "direction", "confidence", "tier"], names);
            Assert.Equal("SPY", doc.RootElement.GetProperty("symbol").GetString());
            Assert.Contains(doc.RootElement.GetProperty("time").GetString()!, dates); // the row's time text, echoed
            Assert.InRange(doc.RootElement.GetProperty("confidence").GetDouble(), 0, 1);
            Assert.Equal("daily", doc.RootElement.GetProperty("tier").GetString());
            Assert.Contains(doc.RootElement.GetProperty("direction").GetString(), new[] { "bullish", "bearish", "neutral" });
        }
    }

    [Fact]
    public async Task Engulfing_detections_are_exactly_the_TA_Lib_golden_fire_bars()
    {
        var dates = File.ReadLines(CoreTestData("SPY.csv")).Skip(1).Select(l => l.Split(',')[0]).ToArray();
        var golden = File.ReadLines(CoreTestData(Path.Combine("golden", "SPY.cdl.csv"))).Skip(1)
            .Select(l => l.Split(','))
            .Where(f => f[5].Length > 0 && f[5] != "0")
            .Select(f => (dates[int.Parse(f[0], CultureInfo.InvariantCulture)], int.Parse(f[5], CultureInfo.InvariantCulture) > 0 ? "bullish" : "bearish"))
            .ToList();
        Assert.NotEmpty(golden);

        var (exit, lines, _) = await ScanAsync(CoreTestData("SPY.csv"), "--patterns", "Engulfing", "--format", "jsonl");

        Assert.Equal(0, exit);
        var scanned = lines.Select(l => JsonDocument.Parse(l).RootElement)
            .Select(e => (e.GetProperty("time").GetString()!, e.GetProperty("direction").GetString()!)).ToList();
        Assert.Equal(golden, scanned);
    }

    [Fact]
    public async Task Cooldown_applies_the_publication_stage()
    {
        var (_, raw, _) = await ScanAsync(CoreTestData("SPY.csv"), "--patterns", "Closed_Top_10", "--format", "csv");
        var (exit, cooled, _) = await ScanAsync(CoreTestData("SPY.csv"), "--patterns", "Closed_Top_10", "--format", "csv", "--cooldown", "3");

        Assert.Equal(0, exit);
        Assert.True(cooled.Length < raw.Length);
        var index = File.ReadLines(CoreTestData("SPY.csv")).Skip(1).Select((l, i) => (l.Split(',')[0], i)).ToDictionary(x => x.Item1, x => x.i);
        var bars = cooled.Skip(1).Select(l => index[l.Split(',')[1]]).ToList();
        Assert.All(bars.Zip(bars.Skip(1)), pair => Assert.True(pair.Second - pair.First > 3));
    }

    [Fact]
    public async Task A_bad_row_fails_with_its_line_number()
    {
        string file = Path.Combine(Path.GetTempPath(), $"scan-bad-{Guid.NewGuid():N}.csv");
        await File.WriteAllLinesAsync(file, ["Date,Open,High,Low,Close,Volume", "2020-01-02,1,2,0.5,1.5,100", "", "2020-01-03,1,2,0.5,oops,100"]);
        try
        {
            var (exit, _, output) = await ScanAsync(file, "--format", "jsonl");
            Assert.NotEqual(0, exit);
            Assert.Contains("line 4", output, StringComparison.Ordinal);
            Assert.Contains("oops", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Table_output_names_the_symbol_and_the_patterns()
    {
        var (exit, _, output) = await ScanAsync(CoreTestData("TSLA_2017-2018.csv"), "--patterns", "Doji", "--min-confidence", "0.5");
        Assert.Equal(0, exit);
        Assert.Contains("TSLA", output, StringComparison.Ordinal);
        Assert.Contains("Doji", output, StringComparison.Ordinal);
    }
}
