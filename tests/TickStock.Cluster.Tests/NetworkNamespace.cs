using System.Diagnostics;
using System.Globalization;

namespace TickStock.Cluster.Tests;

/// <summary>
/// A Linux network namespace made by the test for one node, joined to the host by a veth pair on a /30 of its own
/// (10.213.N.0/30: the host side .1, the namespace side .2). Taking the host side down cuts every connection the
/// node has (its cluster peers and the Redis/PostgreSQL proxies on .1) while both processes keep running: a network
/// partition that touches nothing outside the test. Needs root (CAP_NET_ADMIN, CAP_SYS_ADMIN) and iproute2.
/// </summary>
internal sealed class NetworkNamespace : IAsyncDisposable
{
    private NetworkNamespace(string name, string hostLink, string hostAddress, string innerAddress)
    {
        Name = name;
        HostLink = hostLink;
        HostAddress = hostAddress;
        InnerAddress = innerAddress;
    }

    public string Name { get; }

    /// <summary>The host side of the veth pair: down = partitioned.</summary>
    public string HostLink { get; }

    /// <summary>The host's address on the link: the other nodes bind it, and the proxies to Redis and PostgreSQL listen there.</summary>
    public string HostAddress { get; }

    /// <summary>The node's address inside the namespace.</summary>
    public string InnerAddress { get; }

    /// <summary>The launcher that runs a command inside the namespace.</summary>
    public IReadOnlyList<string> Launcher => ["ip", "netns", "exec", Name];

    public static async Task<NetworkNamespace> CreateAsync()
    {
        // A subnet and names of this test run: parallel runs (or a leftover of a killed one) do not collide.
        var n = Random.Shared.Next(1, 250);
        var tag = $"{Environment.ProcessId % 10000}x{n}";
        var ns = new NetworkNamespace($"tsct{tag}", $"tsh{tag}", $"10.213.{n}.1", $"10.213.{n}.2");
        var inner = $"tsc{tag}";
        try
        {
            await IpAsync("netns", "add", ns.Name);
            await IpAsync("link", "add", ns.HostLink, "type", "veth", "peer", "name", inner);
            await IpAsync("link", "set", inner, "netns", ns.Name);
            await IpAsync("addr", "add", ns.HostAddress + "/30", "dev", ns.HostLink);
            await IpAsync("link", "set", ns.HostLink, "up");
            await IpAsync("netns", "exec", ns.Name, "ip", "addr", "add", ns.InnerAddress + "/30", "dev", inner);
            await IpAsync("netns", "exec", ns.Name, "ip", "link", "set", inner, "up");
            await IpAsync("netns", "exec", ns.Name, "ip", "link", "set", "lo", "up");
            await IpAsync("netns", "exec", ns.Name, "ip", "route", "add", "default", "via", ns.HostAddress);
        }
        catch
        {
            await ns.DisposeAsync();
            throw;
        }

        return ns;
    }

    /// <summary>Partition: nothing passes between the namespace and the host any more.</summary>
    public Task CutAsync() => IpAsync("link", "set", HostLink, "down");

    /// <summary>Heals the partition (the kernel restores the link's route with the link).</summary>
    public Task HealAsync() => IpAsync("link", "set", HostLink, "up");

    public async ValueTask DisposeAsync()
    {
        // Deleting the namespace deletes its end of the pair, and with it the host end.
        await IpAsync(tolerateFailure: true, "link", "del", HostLink);
        await IpAsync(tolerateFailure: true, "netns", "del", Name);
    }

    private static Task IpAsync(params string[] args) => IpAsync(tolerateFailure: false, args);

    private static async Task IpAsync(bool tolerateFailure, params string[] args)
    {
        var info = new ProcessStartInfo("ip") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start ip");
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0 && !tolerateFailure)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"ip {string.Join(' ', args)} failed ({process.ExitCode}): {error}"));
        }
    }
}
