using System.Text.Json;
using TickStock.Testing;

namespace TickStock.Cli.Tests.Commands;

/// <summary>`tickstock backtest file` over the real daily files, with no services reachable.</summary>
public class BacktestCommandTests
{
    private static readonly Dictionary<string, string?> NoServices = new()
    {
        ["TICKSTOCK_REDIS"] = "127.0.0.1:9",
        ["TICKSTOCK_PG"] = "Host=127.0.0.1;Port=9;Database=none",
    };

    private static string CoreTestData(string name) =>
        Path.Combine(LocalServices.RepositoryRoot, "tests", "TickStock.Core.Tests", "TestData", name);

    private static async Task<(int? Exit, string Output)> CliAsync(params string[] args)
    {
        using var run = ChildProcess.StartCli(args, NoServices);
        int? exit = await run.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return (exit, run.Output);
    }

    private static Task<(int? Exit, string Output)> BacktestAsync(params string[] args) => CliAsync(["backtest", "file", .. args]);

    private static async Task<JsonDocument> JsonAsync(params string[] args)
    {
        var (exit, output) = await BacktestAsync([.. args, "--format", "json"]);
        Assert.True(exit == 0, output);
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return JsonDocument.Parse(Assert.Single(lines)); // one document, on one line
    }

    [Fact]
    public async Task Json_is_one_document_with_the_contracts_results_object()
    {
        using JsonDocument doc = await JsonAsync(CoreTestData("SPY.csv"), CoreTestData("AAPL.csv"), "--from", "2012-01-01", "--to", "2013-12-31");
        JsonElement root = doc.RootElement;

        Assert.Equal(["start_date", "end_date", "symbols", "patterns", "parameters", "results"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["AAPL", "SPY"], root.GetProperty("symbols").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(0, root.GetProperty("patterns").GetArrayLength()); // all patterns
        Assert.Equal(0.05, root.GetProperty("parameters").GetProperty("stop_loss_pct").GetDouble());
        JsonElement results = root.GetProperty("results");
        Assert.Equal(
            ["win_rate", "roi", "sharpe_ratio", "max_drawdown", "total_trades", "final_equity", "signals", "skipped", "per_pattern", "per_symbol"],
            results.EnumerateObject().Select(p => p.Name));
        Assert.InRange(results.GetProperty("win_rate").GetDouble(), 0, 1);
        Assert.InRange(results.GetProperty("max_drawdown").GetDouble(), 0, 1);
        Assert.True(results.GetProperty("total_trades").GetInt32() > 10);
        Assert.Equal(["neutral", "position_open", "short_disabled", "size", "cash", "no_next_bar"],
            results.GetProperty("skipped").EnumerateObject().Select(p => p.Name));
        Assert.Equal(["AAPL", "SPY"], results.GetProperty("per_symbol").EnumerateObject().Select(p => p.Name));
        int skipped = results.GetProperty("skipped").EnumerateObject().Sum(p => p.Value.GetInt32());
        Assert.Equal(results.GetProperty("signals").GetInt32(), results.GetProperty("total_trades").GetInt32() + skipped);
        foreach (JsonProperty pattern in results.GetProperty("per_pattern").EnumerateObject())
        {
            Assert.Equal(
                ["signals", "trades", "win_rate", "avg_return", "profit_factor", "expectancy", "avg_bars_held", "exits", "forward", "low_sample"],
                pattern.Value.EnumerateObject().Select(p => p.Name));
            Assert.Equal(["1", "5", "10", "20"], pattern.Value.GetProperty("forward").EnumerateObject().Select(p => p.Name));
        }
    }

    [Fact]
    public async Task Trades_list_every_trade_with_the_spec_field_names()
    {
        using JsonDocument doc = await JsonAsync(CoreTestData("SPY.csv"), "--from", "2012-01-01", "--to", "2012-12-31", "--patterns", "Engulfing", "--trades");
        JsonElement results = doc.RootElement.GetProperty("results");
        JsonElement trades = results.GetProperty("trades");

        Assert.Equal(results.GetProperty("total_trades").GetInt32(), trades.GetArrayLength());
        Assert.True(trades.GetArrayLength() > 0);
        foreach (JsonElement trade in trades.EnumerateArray())
        {
            Assert.Equal(
                ["symbol", "pattern", "direction", "entry_date", "entry_price", "qty", "exit_date", "exit_price", "reason", "pnl", "return", "bars_held"],
                trade.EnumerateObject().Select(p => p.Name));
            Assert.Contains(trade.GetProperty("pattern").GetString(), new[] { "Bullish_Engulfing", "Bearish_Engulfing" });
            Assert.Contains(trade.GetProperty("direction").GetString(), new[] { "long", "short" });
        }

        Assert.Equal(JsonValueKind.Array, results.GetProperty("equity").ValueKind);
    }

    [Fact]
    public async Task Signals_are_exactly_what_scan_reports_for_the_range_with_300_bars_of_warm_up()
    {
        // scan over the file cut to the 300 bars before the start plus the range: its detections on range bars are the signals.
        string[] lines = await File.ReadAllLinesAsync(CoreTestData("SPY.csv"));
        int first = Array.FindIndex(lines, 1, l => string.CompareOrdinal(l[..10], "2014-01-01") >= 0);
        int last = Array.FindLastIndex(lines, l => string.CompareOrdinal(l[..10], "2014-12-31") <= 0);
        string cut = Path.Combine(Path.GetTempPath(), $"SPY_cut_{Guid.NewGuid():N}.csv");
        await File.WriteAllLinesAsync(cut, [lines[0], .. lines[(first - 300)..(last + 1)]]);
        try
        {
            var (scanExit, scanOutput) = await CliAsync("scan", cut, "--format", "jsonl");
            Assert.Equal(0, scanExit);
            var expected = scanOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => JsonDocument.Parse(l).RootElement)
                .Where(e => string.CompareOrdinal(e.GetProperty("time").GetString(), "2014-01-01") >= 0)
                .GroupBy(e => e.GetProperty("pattern").GetString()!)
                .ToDictionary(g => g.Key, g => g.Count());

            using JsonDocument doc = await JsonAsync(CoreTestData("SPY.csv"), "--from", "2014-01-01", "--to", "2014-12-31");
            var actual = doc.RootElement.GetProperty("results").GetProperty("per_pattern").EnumerateObject()
                .ToDictionary(p => p.Name, p => p.Value.GetProperty("signals").GetInt32());

            Assert.True(expected.Count > 5);
            Assert.Equal(expected.OrderBy(p => p.Key, StringComparer.Ordinal), actual.OrderBy(p => p.Key, StringComparer.Ordinal));
        }
        finally
        {
            File.Delete(cut);
        }
    }

    [Fact]
    public async Task The_same_files_give_byte_identical_output()
    {
        string[] args = ["backtest", "file", CoreTestData("SPY.csv"), CoreTestData("TSLA_2017-2018.csv"), "--from", "2017-01-01", "--to", "2017-12-31", "--format", "json", "--trades"];
        var (_, first) = await CliAsync(args);
        var (_, second) = await CliAsync(args);

        Assert.Contains("\"TSLA\"", first, StringComparison.Ordinal);
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task A_folder_is_read_as_SYMBOL_files_and_parameters_apply()
    {
        string folder = Directory.CreateTempSubdirectory("backtest-").FullName;
        try
        {
            File.Copy(CoreTestData("SPY.csv"), Path.Combine(folder, "spy_daily.csv"));
            File.Copy(CoreTestData("TSLA_2017-2018.csv"), Path.Combine(folder, "TSLA.csv"));

            using JsonDocument doc = await JsonAsync(folder, "--from", "2017-01-01", "--to", "2017-12-31", "--param", "allow_short=false", "--param", "max_holding_bars=5", "--trades");
            JsonElement results = doc.RootElement.GetProperty("results");

            Assert.Equal(["SPY", "TSLA"], doc.RootElement.GetProperty("symbols").EnumerateArray().Select(e => e.GetString()));
            Assert.False(doc.RootElement.GetProperty("parameters").GetProperty("allow_short").GetBoolean());
            Assert.True(results.GetProperty("skipped").GetProperty("short_disabled").GetInt32() > 0);
            Assert.All(results.GetProperty("trades").EnumerateArray(), t =>
            {
                Assert.Equal("long", t.GetProperty("direction").GetString());
                Assert.InRange(t.GetProperty("bars_held").GetInt32(), 1, 5);
            });
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Table_shows_the_summary_the_patterns_and_an_equity_curve_and_plot_writes_a_png()
    {
        string png = Path.Combine(Path.GetTempPath(), $"backtest-{Guid.NewGuid():N}.png");
        try
        {
            var (exit, output) = await BacktestAsync(CoreTestData("SPY.csv"), "--from", "2012-01-01", "--to", "2013-12-31", "--patterns", "Engulfing,Hammer", "--plot", png);

            Assert.True(exit == 0, output);
            foreach (string text in new[] { "final equity", "max drawdown", "per pattern", "Bullish_Engulfing", "Hammer", "equity", "2012-01-03", "2013-12-31", "█" })
            {
                Assert.Contains(text, output, StringComparison.Ordinal);
            }

            byte[] image = await File.ReadAllBytesAsync(png);
            Assert.True(image.Length > 10_000, $"{image.Length} bytes");
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, image[..4]);
        }
        finally
        {
            File.Delete(png);
        }
    }

    [Theory]
    [InlineData("--to", "2012-12-31")]
    [InlineData("--from", "2012-01-01")]
    [InlineData("--from", "2012-02-30", "--to", "2012-12-31")]
    [InlineData("--from", "2012-12-31", "--to", "2012-01-01")]
    [InlineData("--from", "2012-01-01", "--to", "2012-12-31", "--patterns", "Nope")]
    [InlineData("--from", "2012-01-01", "--to", "2012-12-31", "--param", "stop_loss_pct=1.5")]
    [InlineData("--from", "2012-01-01", "--to", "2012-12-31", "--param", "stop_loss=0.1")]
    [InlineData("--from", "2012-01-01", "--to", "2012-12-31", "--param", "stop_loss_pct")]
    [InlineData("--from", "2012-01-01", "--to", "2012-12-31", "--format", "xml")]
    [InlineData("--from", "2012-01-01", "--to", "2012-12-31", "--plot", "curve.jpg")]
    [InlineData("--from", "2030-01-01", "--to", "2030-12-31")]
    public async Task Bad_arguments_exit_2_with_one_tickstock_line(params string[] args)
    {
        var (exit, output) = await BacktestAsync([CoreTestData("SPY.csv"), .. args]);

        Assert.Equal(2, exit);
        Assert.StartsWith("tickstock: ", Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_parse_error_exits_2()
    {
        var (exit, _) = await CliAsync("backtest", "file", CoreTestData("SPY.csv"), "--from", "2012-01-01", "--to", "2012-12-31", "--format");

        Assert.Equal(2, exit);
    }

    [Fact]
    public async Task Unreadable_inputs_name_the_file_and_the_problem()
    {
        string bad = Path.Combine(Path.GetTempPath(), $"BAD_{Guid.NewGuid():N}.csv");
        await File.WriteAllLinesAsync(bad, ["date,open,high,low,close,volume", "2020-01-02,1,2,0.5,1.5,100", "2020-01-03,1,2,0.5,oops,100"]);
        try
        {
            var cases = new (string Path, string Expected)[]
            {
                (bad, "line 3: invalid number 'oops'"),
                (CoreTestData("SPY_2020-12-15_2020-12-18.csv"), "line 2: '2020-12-15 09:30' is an intraday time"),
                (Path.Combine(Path.GetTempPath(), "no-such-file.csv"), "no such file or folder"),
            };
            foreach (var (path, expected) in cases)
            {
                var (exit, output) = await BacktestAsync(path, "--from", "2020-01-01", "--to", "2020-12-31");
                Assert.Equal(2, exit);
                string line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
                Assert.StartsWith("tickstock: " + path, line, StringComparison.Ordinal);
                Assert.Contains(expected, line, StringComparison.Ordinal);
            }
        }
        finally
        {
            File.Delete(bad);
        }
    }

    [Fact]
    public async Task Bench_backtest_prints_one_json_line_with_the_throughput()
    {
        var (exit, output) = await CliAsync("bench", "backtest", "--symbols", "3", "--years", "1");

        Assert.True(exit == 0, output);
        using JsonDocument doc = JsonDocument.Parse(Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        JsonElement root = doc.RootElement;
        Assert.Equal((3, 3 * 252), (root.GetProperty("symbols").GetInt32(), root.GetProperty("bars").GetInt32()));
        Assert.True(root.GetProperty("bars_per_sec").GetDouble() > 0);
        Assert.True(root.GetProperty("signals").GetInt32() > 0);
        Assert.True(root.GetProperty("trades").GetInt32() > 0);
    }
}
