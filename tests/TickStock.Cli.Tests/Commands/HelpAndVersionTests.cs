using TickStock.Testing;

namespace TickStock.Cli.Tests.Commands;

/// <summary>Commands that need no service must work with no Redis or PostgreSQL anywhere.</summary>
public class HelpAndVersionTests
{
    private static readonly Dictionary<string, string?> NoServices = new()
    {
        ["TICKSTOCK_REDIS"] = "127.0.0.1:9",
        ["TICKSTOCK_PG"] = "Host=127.0.0.1;Port=9;Database=none",
    };

    [Fact]
    public async Task Version_prints_the_version()
    {
        using var run = ChildProcess.StartCli(["--version"], NoServices);
        Assert.Equal(0, await run.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Matches(@"^\d+\.\d+\.\d+", run.Output.Trim());
    }

    [Fact]
    public async Task Help_lists_the_commands_and_the_configuration_variables()
    {
        using var run = ChildProcess.StartCli(["--help"], NoServices);
        Assert.Equal(0, await run.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        foreach (var text in new[] { "run", "db", "TICKSTOCK_REDIS", "TICKSTOCK_PG", "POLYGON_API_KEY" })
        {
            Assert.Contains(text, run.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_unknown_command_fails_with_a_non_zero_exit_code()
    {
        using var run = ChildProcess.StartCli(["frobnicate"], NoServices);
        Assert.NotEqual(0, await run.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("frobnicate", run.Output, StringComparison.Ordinal);
    }
}
