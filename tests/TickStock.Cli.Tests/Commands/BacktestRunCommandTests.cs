using TickStock.Testing;

namespace TickStock.Cli.Tests.Commands;

/// <summary>`tickstock backtest run|cancel` without a daemon: argument errors before any connection, then Redis' absence.</summary>
public class BacktestRunCommandTests
{
    private static readonly Dictionary<string, string?> NoServices = new()
    {
        ["TICKSTOCK_REDIS"] = "127.0.0.1:9",
        ["TICKSTOCK_PG"] = "Host=127.0.0.1;Port=9;Database=none",
    };

    private static async Task<(int? Exit, string Output)> CliAsync(params string[] args)
    {
        using var run = ChildProcess.StartCli(args, NoServices);
        int? exit = await run.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return (exit, run.Output);
    }

    [Theory]
    [InlineData("no symbols", "--from", "2024-01-02", "--to", "2024-06-28")]
    [InlineData("at most 50", "--symbols", "S0,S1,S2,S3,S4,S5,S6,S7,S8,S9,S10,S11,S12,S13,S14,S15,S16,S17,S18,S19,S20,S21,S22,S23,S24,S25,S26,S27,S28,S29,S30,S31,S32,S33,S34,S35,S36,S37,S38,S39,S40,S41,S42,S43,S44,S45,S46,S47,S48,S49,S50", "--from", "2024-01-02", "--to", "2024-06-28")]
    [InlineData("longer than 5 years", "--symbols", "AAPL", "--from", "2018-01-02", "--to", "2024-01-03")]
    [InlineData("invalid symbol", "--symbols", "AA$", "--from", "2024-01-02", "--to", "2024-06-28")]
    [InlineData("stop_loss_pct", "--symbols", "AAPL", "--from", "2024-01-02", "--to", "2024-06-28", "--param", "stop_loss_pct=2")]
    [InlineData("--to", "--symbols", "AAPL", "--from", "2024-01-02")]
    public async Task Bad_arguments_exit_2_with_one_tickstock_line_before_connecting(string reason, params string[] args)
    {
        var (exit, output) = await CliAsync(["backtest", "run", .. args]);
        Assert.Equal(2, exit);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("tickstock: ", line, StringComparison.Ordinal);
        if (reason != "no symbols")
        {
            Assert.Contains(reason, line, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_valid_run_or_cancel_without_Redis_exits_5_naming_it()
    {
        var (exit, output) = await CliAsync("backtest", "run", "--symbols", "AAPL", "--from", "2024-01-02", "--to", "2024-06-28");
        Assert.Equal(5, exit);
        Assert.Contains("cannot reach Redis", output, StringComparison.Ordinal);
        (exit, output) = await CliAsync("backtest", "cancel", "some-job");
        Assert.Equal(5, exit);
        Assert.Contains("cannot reach Redis", output, StringComparison.Ordinal);
    }
}
