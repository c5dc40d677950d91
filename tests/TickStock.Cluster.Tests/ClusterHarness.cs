using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using StackExchange.Redis;
using TickStock.Testing;

namespace TickStock.Cluster.Tests;

/// <summary>
/// A cluster of real <c>tickstock run</c> processes (the built CLI) for one test: each node with its own remoting
/// port, management endpoint (a free port, read from its log), state directory and log; all nodes share one scratch
/// schema, one set of isolated channel and key names and one data folder. Every process it starts is killed on
/// dispose, also when the test fails; schema, keys and folders are removed.
/// </summary>
internal sealed partial class ClusterHarness : IAsyncDisposable
{
    /// <summary>Bearer token of every node: cluster leave/down need one, and a node bound off loopback must have one.</summary>
    public const string Token = "cluster-test-token-5d1e";

    /// <summary>How long a node may take from its start to an answering management endpoint (two cores shared by three).</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    /// <summary>How long membership may take to settle (joining, or a crash: failure detection plus the resolver's stable-after).</summary>
    public static readonly TimeSpan MembershipTimeout = TimeSpan.FromSeconds(90);

    private readonly List<ClusterNode> _nodes = [];
    private readonly List<IAsyncDisposable> _resources = [];
    private readonly string _root;

    private ClusterHarness(ScratchSchema schema, IsolatedChannels channels, ConnectionMultiplexer redis, string root)
    {
        Schema = schema;
        Channels = channels;
        Redis = redis;
        _root = root;
        Directory.CreateDirectory(Path.Combine(root, "data", "universes"));
    }

    public ScratchSchema Schema { get; }

    public IsolatedChannels Channels { get; }

    public ConnectionMultiplexer Redis { get; }

    public string DataDirectory => Path.Combine(_root, "data");

    public IReadOnlyList<ClusterNode> Nodes => _nodes;

    /// <summary>Settings every node gets (the test's choice of market data, clock, provider); a node's own win.</summary>
    public Dictionary<string, string?> Common { get; } = new();

    public static async Task<ClusterHarness> CreateAsync(string prefix)
    {
        var schema = await ScratchSchema.CreateAsync(prefix);
        var redis = await ConnectionMultiplexer.ConnectAsync(LocalServices.RedisConfiguration);
        var root = Path.Combine(Path.GetTempPath(), "tickstock-cluster-" + schema.Name);
        return new ClusterHarness(schema, new IsolatedChannels(prefix), redis, root);
    }

    /// <summary>
    /// Defines <paramref name="count"/> nodes (not started) on <paramref name="hosts"/> (one per node; 127.0.0.1 by
    /// default), every node a seed, so any of them can be restarted and find the others.
    /// </summary>
    public IReadOnlyList<ClusterNode> Define(int count, IReadOnlyList<string>? hosts = null)
    {
        for (var i = 0; i < count; i++)
        {
            var host = hosts?[i] ?? "127.0.0.1";
            _nodes.Add(new ClusterNode(this, $"n{i + 1}", host, FreePort(), Path.Combine(_root, $"state-n{i + 1}")));
        }

        return _nodes;
    }

    public string SeedNodes => string.Join(',', _nodes.Select(n => n.Address));

    public void WriteUniverse(string fileName, string content) => File.WriteAllText(Path.Combine(DataDirectory, "universes", fileName), content);

    /// <summary>Something to dispose with the cluster (a proxy, a network namespace), after the processes are gone.</summary>
    public T Own<T>(T resource) where T : IAsyncDisposable
    {
        _resources.Add(resource);
        return resource;
    }

    internal Dictionary<string, string?> EnvironmentFor(ClusterNode node)
    {
        var env = Channels.Environment(new Dictionary<string, string?>
        {
            ["TICKSTOCK_PG"] = Schema.ConnectionString,
            ["TICKSTOCK_DATA_DIR"] = DataDirectory,
            ["TICKSTOCK_STATE_DIR"] = node.StateDirectory,
            ["TICKSTOCK_AKKA_HOST"] = node.Host,
            ["TICKSTOCK_AKKA_PORT"] = node.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["TICKSTOCK_SEED_NODES"] = SeedNodes,
            ["TICKSTOCK_HTTP"] = node.Host + ":0",
            ["TICKSTOCK_CTL_TOKEN"] = Token,
            ["POLYGON_API_KEY"] = null,
            ["POLYGON_BASE_URL"] = null,
        });
        foreach (var (key, value) in Common) env[key] = value;
        foreach (var (key, value) in node.Environment) env[key] = value;
        return env;
    }

    /// <summary>Starts the nodes in order, the first alone until it is up (it forms the cluster), then waits until all are up.</summary>
    public async Task StartAllAsync()
    {
        await _nodes[0].StartAsync();
        await WaitForMembersAsync(_nodes[0], up: 1);
        foreach (var node in _nodes.Skip(1)) await node.StartAsync();
        await WaitForMembersAsync(_nodes[0], up: _nodes.Count);
    }

    /// <summary>Polls <paramref name="asked"/>'s <c>/v1/cluster</c> until exactly <paramref name="up"/> members are up and all are reachable, or <paramref name="where"/> holds.</summary>
    public async Task<JsonElement> WaitForMembersAsync(ClusterNode asked, int up, Func<JsonElement, bool>? where = null, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? MembershipTimeout);
        JsonElement last = default;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                last = await asked.GetJsonAsync("/v1/cluster");
                var members = last.GetProperty("members").EnumerateArray().ToList();
                if (members.Count(m => m.GetProperty("status").GetString() == "up") == up
                    && members.All(m => m.GetProperty("reachable").GetBoolean())
                    && (where?.Invoke(last) ?? true))
                {
                    return last;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet (restarting).
            }

            await Task.Delay(250);
        }

        Assert.Fail($"{asked.Name}: {up} members up not reached within {timeout ?? MembershipTimeout}; last view {last}\n{Logs()}");
        return last;
    }

    /// <summary>Every node's log, for assertion messages.</summary>
    public string Logs() => string.Join("\n", _nodes.Select(n => $"===== {n.Name} ({n.Address}) =====\n{n.Output}"));

    /// <summary>Runs <c>tickstock ctl --node NODE ARGS</c> as a process; asserts its exit code; returns its output.</summary>
    public static async Task<string> RunCtlAsync(ClusterNode node, string[] args, int expectedExit, string? token = Token)
    {
        using var ctl = ChildProcess.StartCli(["ctl", "--node", node.ManagementAuthority, .. args], new Dictionary<string, string?>
        {
            ["TICKSTOCK_CTL_TOKEN"] = token,
            ["COLUMNS"] = "200",
        });
        var exit = await ctl.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.True(exit == expectedExit, $"ctl {string.Join(' ', args)}: exit {exit}, expected {expectedExit}\n{ctl.Output}");
        return ctl.Output;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes) node.Dispose();
        foreach (var resource in Enumerable.Reverse(_resources)) await resource.DisposeAsync();

        var db = Redis.GetDatabase();
        foreach (var server in Redis.GetServers())
        {
            await foreach (var key in server.KeysAsync(pattern: Channels.Prefix + "*")) await db.KeyDeleteAsync(key);
        }

        await Redis.DisposeAsync();
        await Schema.DisposeAsync();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // Temp folder; best effort.
        }
    }

    /// <summary>
    /// A port free now (released at once: the node binds it a moment later). Taken on loopback: a node in a fresh
    /// network namespace has every port free, and the test's veth address is as free as loopback.
    /// </summary>
    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"Management endpoint listening on (http://\S+?) \(")]
    internal static partial Regex ListeningOn();
}

/// <summary>One node of a <see cref="ClusterHarness"/>: its fixed address, and the process currently running it.</summary>
internal sealed class ClusterNode(ClusterHarness cluster, string name, string host, int port, string stateDirectory) : IDisposable
{
    private ChildProcess? _process;
    private HttpClient? _http;
    private readonly List<string> _previousOutput = [];

    public string Name { get; } = name;

    public string Host { get; } = host;

    public int Port { get; } = port;

    public string StateDirectory { get; } = stateDirectory;

    /// <summary>The node's Akka address (what cluster show prints).</summary>
    public string Address => $"akka.tcp://tickstock@{Host}:{Port}";

    /// <summary>Settings of this node only (they win over the cluster's).</summary>
    public Dictionary<string, string?> Environment { get; } = new();

    /// <summary>Runs the node through another command (e.g. <c>ip netns exec NS</c>).</summary>
    public IReadOnlyList<string>? Launcher { get; set; }

    public ChildProcess Process => _process ?? throw new InvalidOperationException($"{Name} is not running");

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>host:port of the management endpoint of the current process.</summary>
    public string ManagementAuthority => Http.BaseAddress!.Authority;

    public HttpClient Http => _http ?? throw new InvalidOperationException($"{Name} has no management endpoint yet");

    /// <summary>This node's output over all its runs, the current one last.</summary>
    public string Output => string.Join("\n", _previousOutput.Append(_process?.Output ?? string.Empty));

    /// <summary>Starts <c>tickstock run</c> and waits until its management endpoint listens.</summary>
    public async Task StartAsync()
    {
        if (_process is not null)
        {
            Assert.True(_process.HasExited, $"{Name} is still running");
            _previousOutput.Add(_process.Output);
            _process.Dispose();
        }

        _http?.Dispose();
        _http = null;
        _process = ChildProcess.StartCli(["run"], cluster.EnvironmentFor(this), Launcher);
        Assert.True(await _process.WaitForLineAsync("Management endpoint listening on", ClusterHarness.StartTimeout), $"{Name} did not start\n{Output}");
        var match = ClusterHarness.ListeningOn().Match(_process.Output);
        Assert.True(match.Success, Output);
        _http = new HttpClient { BaseAddress = new Uri(match.Groups[1].Value), Timeout = TimeSpan.FromSeconds(15) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ClusterHarness.Token);
    }

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await Http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{Name} GET {path}: {(int)response.StatusCode} {body}");
        using var document = JsonDocument.Parse(body);
        return document.RootElement.Clone();
    }

    /// <summary>SIGKILL: the node vanishes without leaving.</summary>
    public void Kill() => Process.KillHard();

    /// <summary>SIGTERM and the exit code (graceful leave: pipeline flushed, shards handed off).</summary>
    public async Task<int?> TerminateAsync(TimeSpan timeout)
    {
        Process.Signal(System.Runtime.InteropServices.PosixSignal.SIGTERM);
        return await Process.WaitForExitAsync(timeout);
    }

    public void Dispose()
    {
        _http?.Dispose();
        _process?.Dispose();
    }
}
