using System.CommandLine;
using TickStock.Daemon;

namespace TickStock.Cli.Commands;

/// <summary>`tickstock run`: the daemon in the foreground until Ctrl+C / SIGTERM.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var command = new Command("run", "Run the TickStock daemon in the foreground (Ctrl+C stops it cleanly).");
        command.SetAction((_, _) => DaemonHost.RunAsync([]));
        return command;
    }
}
