using System.Text.RegularExpressions;
using TickStock.Testing;

namespace TickStock.EndToEnd.Tests.Daemon;

/// <summary>What the management-endpoint tests share: reaching a daemon's endpoint, and running <c>tickstock ctl</c> at it.</summary>
internal static partial class ManagementNode
{
    /// <summary>Waits for the daemon's "Management endpoint listening on …" line; a client for that address (a wildcard binding is reached on loopback).</summary>
    public static async Task<HttpClient> ConnectAsync(ChildProcess daemon, TimeSpan timeout)
    {
        Assert.True(await daemon.WaitForLineAsync("Management endpoint listening on", timeout), daemon.Output);
        var address = ListeningOn().Match(daemon.Output);
        Assert.True(address.Success, daemon.Output);
        var uri = new UriBuilder(address.Groups[1].Value);
        if (uri.Host is "0.0.0.0" or "[::]") uri.Host = "127.0.0.1";
        return new HttpClient { BaseAddress = uri.Uri, Timeout = TimeSpan.FromSeconds(10) };
    }

    /// <summary>Runs <c>tickstock ctl --node NODE ARGS</c> as a process; asserts its exit code; returns its output.</summary>
    public static async Task<string> RunCtlAsync(string node, string[] args, int expectedExit, string? token)
    {
        using var ctl = ChildProcess.StartCli(["ctl", "--node", node, .. args], new Dictionary<string, string?>
        {
            ["TICKSTOCK_CTL_TOKEN"] = token,
            ["COLUMNS"] = "200",
        });
        var exit = await ctl.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.True(exit == expectedExit, $"ctl {string.Join(' ', args)}: exit {exit}, expected {expectedExit}\n{ctl.Output}");
        return ctl.Output;
    }

    [GeneratedRegex(@"listening on (http://\S+?) \(")]
    private static partial Regex ListeningOn();
}
