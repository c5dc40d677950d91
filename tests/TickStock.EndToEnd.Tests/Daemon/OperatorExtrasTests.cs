using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using TickStock.Testing;

namespace TickStock.EndToEnd.Tests.Daemon;

/// <summary>One running daemon (synthetic source, its own schema, names and endpoint port) for <see cref="OperatorExtrasTests"/>.</summary>
public sealed class OperatorDaemon : IAsyncLifetime
{
    private ScratchSchema? _schema;

    public ChildProcess Daemon { get; private set; } = null!;

    /// <summary>host:port of the daemon's management endpoint.</summary>
    public string Node { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        _schema = await ScratchSchema.CreateAsync("opx");
        Daemon = ChildProcess.StartCli(["run"], new IsolatedChannels("opx").Environment(new Dictionary<string, string?>
        {
            ["TICKSTOCK_PG"] = _schema.ConnectionString,
            ["TICKSTOCK_MARKET_DATA"] = "synthetic",
            ["TICKSTOCK_SYNTHETIC_SYMBOLS"] = "3",
            ["TICKSTOCK_SYNTHETIC_PACE"] = "fast",
        }));
        using var http = await ManagementNode.ConnectAsync(Daemon, TimeSpan.FromSeconds(60));
        Node = http.BaseAddress!.Authority;
    }

    public async ValueTask DisposeAsync()
    {
        Daemon.Signal(System.Runtime.InteropServices.PosixSignal.SIGTERM);
        await Daemon.WaitForExitAsync(TimeSpan.FromSeconds(15));
        Daemon.Dispose();
        if (_schema is not null) await _schema.DisposeAsync();
    }
}

/// <summary>
/// Issue 14.4: the Grafana dashboard in deploy/grafana queries only metrics a daemon exports and shows
/// every metric the code defines (a renamed instrument breaks this test, not an operator's
/// dashboard); <c>tickstock monitor</c> shows the node view when the endpoint answers.
/// </summary>
public sealed partial class OperatorExtrasTests(OperatorDaemon node) : IClassFixture<OperatorDaemon>
{
    private static readonly string DashboardPath = Path.Combine(LocalServices.RepositoryRoot, "deploy", "grafana", "tickstock.json");
    private static readonly string MetricsSource = Path.Combine(LocalServices.RepositoryRoot, "src", "TickStock.Actors", "Diagnostics", "TickStockMetrics.cs");

    [Fact]
    public async Task The_dashboard_queries_exported_metrics_and_has_a_panel_for_every_tickstock_instrument()
    {
        using var dashboard = JsonDocument.Parse(await File.ReadAllTextAsync(DashboardPath, TestContext.Current.CancellationToken));
        var root = dashboard.RootElement;
        Assert.Equal("tickstock-producer", root.GetProperty("uid").GetString());
        var panels = root.GetProperty("panels").EnumerateArray().ToList();
        Assert.True(panels.Count >= 10, "too few panels");
        Assert.Equal(panels.Count, panels.Select(p => p.GetProperty("id").GetInt32()).Distinct().Count());
        var expressions = panels.SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .Select(t => t.GetProperty("expr").GetString()!)
            .ToList();
        Assert.All(expressions, e => Assert.Contains("instance=~\"$instance\"", e, StringComparison.Ordinal));
        var queried = expressions.SelectMany(e => MetricName().Matches(e).Select(m => m.Value)).ToHashSet(StringComparer.Ordinal);

        // The instruments the code defines, by their Prometheus base name (dots become underscores;
        // the exporter appends _total, _seconds, _bucket/_count/_sum).
        var instruments = InstrumentName().Matches(await File.ReadAllTextAsync(MetricsSource, TestContext.Current.CancellationToken))
            .Select(m => m.Groups[1].Value.Replace('.', '_'))
            .ToHashSet(StringComparer.Ordinal);
        Assert.Contains("tickstock_patterns_published", instruments);
        var queriedBases = queried.Where(n => n.StartsWith("tickstock_", StringComparison.Ordinal)).Select(Base).ToHashSet(StringComparer.Ordinal);
        Assert.Empty(queriedBases.Except(instruments));
        Assert.Empty(instruments.Except(queriedBases));

        // The runtime's names, and those of the instruments that exist from the start, come from a real daemon's exporter.
        using var http = new HttpClient { BaseAddress = new Uri("http://" + node.Node), Timeout = TimeSpan.FromSeconds(10) };
        using var response = await http.GetAsync("/metrics", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var exported = (await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).Split('\n')
            .Where(l => l.Length > 0 && l[0] != '#')
            .Select(l => MetricName().Match(l).Value)
            .ToHashSet(StringComparer.Ordinal);
        var runtime = queried.Where(n => !n.StartsWith("tickstock_", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(runtime);
        Assert.All(runtime, name => Assert.Contains(name, exported));
        foreach (var always in new[] { "tickstock_symbols_active", "tickstock_redis_buffered_events", "tickstock_cluster_members", "tickstock_patterns_published_total" })
        {
            Assert.Contains(always, queried);
            Assert.Contains(always, exported);
        }
    }

    [Fact]
    public async Task Monitor_shows_the_node_view_when_the_endpoint_answers_and_one_line_when_it_does_not()
    {
        var environment = new Dictionary<string, string?> { ["COLUMNS"] = "200" };
        using (var reachable = ChildProcess.StartCli(["monitor", "--node", node.Node], environment))
        {
            Assert.Equal(0, await reachable.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            foreach (var text in new[] { $"Node {node.Node}: ready", "Cluster members", "up", "this node, leader", "jobs", "Producer liveness" })
            {
                Assert.Contains(text, reachable.Output, StringComparison.Ordinal);
            }
        }

        // Port 1 on loopback: nothing listens; the rest of the monitor still runs.
        using var unreachable = ChildProcess.StartCli(["monitor", "--node", "127.0.0.1:1"], environment);
        Assert.Equal(0, await unreachable.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("Node 127.0.0.1:1: management endpoint not reachable", unreachable.Output, StringComparison.Ordinal);
        Assert.Contains("Producer liveness", unreachable.Output, StringComparison.Ordinal);

        using var invalid = ChildProcess.StartCli(["monitor", "--node", "not a node"], environment);
        Assert.Equal(2, await invalid.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("is not host:port", invalid.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ctl_actors_shows_the_node_s_actor_tree_and_refuses_wildcards_and_other_roots()
    {
        var environment = new Dictionary<string, string?> { ["COLUMNS"] = "200" };
        using (var json = ChildProcess.StartCli(["ctl", "--node", node.Node, "actors", "--json"], environment))
        {
            Assert.Equal(0, await json.WaitForExitAsync(TimeSpan.FromSeconds(30)));
            using var tree = JsonDocument.Parse(json.Output);
            Assert.Equal("/user", tree.RootElement.GetProperty("path").GetString());
            Assert.False(tree.RootElement.GetProperty("truncated").GetBoolean());
            var top = tree.RootElement.GetProperty("actors").EnumerateArray().ToDictionary(a => a.GetProperty("name").GetString()!);
            Assert.Contains("health", top.Keys);
            Assert.Equal("/user/pattern-pipeline", top["pattern-pipeline"].GetProperty("path").GetString());
            // The pipeline's children (logger, publisher, heartbeat) are one level down.
            Assert.NotEmpty(top["pattern-pipeline"].GetProperty("children").EnumerateArray());
        }

        using (var system = ChildProcess.StartCli(["ctl", "--node", node.Node, "actors", "--path", "/system", "--depth", "1"], environment))
        {
            Assert.Equal(0, await system.WaitForExitAsync(TimeSpan.FromSeconds(30)));
            Assert.Contains("sharding", system.Output, StringComparison.Ordinal);
            Assert.Contains("actors, 1 levels", system.Output, StringComparison.Ordinal);
        }

        foreach (var (path, depth, said) in new[] { ("/user/*", "2", "not an actor path"), ("/etc", "2", "not an actor path"), ("/user", "9", "depth must be 1..6") })
        {
            using var refused = ChildProcess.StartCli(["ctl", "--node", node.Node, "actors", "--path", path, "--depth", depth], environment);
            Assert.Equal(2, await refused.WaitForExitAsync(TimeSpan.FromSeconds(30)));
            Assert.Contains(said, refused.Output, StringComparison.Ordinal);
        }
    }

    private static string Base(string name)
    {
        foreach (var suffix in new[] { "_bucket", "_count", "_sum" })
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal)) name = name[..^suffix.Length];
        }

        foreach (var suffix in new[] { "_total", "_seconds" })
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal)) name = name[..^suffix.Length];
        }

        return name;
    }

    [GeneratedRegex(@"\b(?:tickstock|dotnet|process|db_client)_[a-z0-9_]+")]
    private static partial Regex MetricName();

    [GeneratedRegex("Meter\\.Create[A-Za-z<>]+\\(\"(tickstock\\.[a-z0-9.]+)\"")]
    private static partial Regex InstrumentName();
}
