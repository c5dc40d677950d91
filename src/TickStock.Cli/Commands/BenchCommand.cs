using System.CommandLine;

namespace TickStock.Cli.Commands;

/// <summary>`tickstock bench …`: in-process benchmarks that need no services.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var bench = new Command("bench", "In-process benchmarks (no Redis or PostgreSQL needed).");
        bench.Subcommands.Add(BenchDetectCommand.Create());
        return bench;
    }
}
