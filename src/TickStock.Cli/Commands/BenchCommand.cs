using System.CommandLine;

namespace TickStock.Cli.Commands;

/// <summary>`tickstock bench …`: benchmarks of the real code paths, each printing one JSON line.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var bench = new Command("bench", "Benchmarks of the real code paths; each prints one JSON line (`detect` needs no services, `publish` uses the configured Redis/PostgreSQL).");
        bench.Subcommands.Add(BenchDetectCommand.Create());
        bench.Subcommands.Add(BenchPublishCommand.Create());
        bench.Subcommands.Add(BenchBacktestCommand.Create());
        bench.Subcommands.Add(BenchFeedCommand.Create());
        return bench;
    }
}
