using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace TickStock.Cli.Commands;

/// <summary>
/// The monitor's node view (issue 14.4): the cluster members and the readiness of the node whose
/// management endpoint answers at <paramref name="node"/>. The rest of the monitor reads Redis and
/// PostgreSQL as the consumer does; this part needs the endpoint and is skipped, in one line, when
/// it does not answer (a monitor must not fail because a node is down — that is what it shows).
/// </summary>
internal sealed class MonitorNodeView(string node, string? token) : IDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(2);
    private readonly HttpClient _http = new() { BaseAddress = new Uri("http://" + node), Timeout = RequestTimeout };

    /// <summary>The node named by <c>--node</c>, else TICKSTOCK_CTL_NODE, else the default endpoint; null when it is not host:port.</summary>
    public static MonitorNodeView? For(string? node)
    {
        node ??= Environment.GetEnvironmentVariable("TICKSTOCK_CTL_NODE") is { Length: > 0 } fromEnvironment ? fromEnvironment : CtlCommand.DefaultNode;
        return Uri.TryCreate("http://" + node, UriKind.Absolute, out var address) && address.AbsolutePath == "/"
            ? new MonitorNodeView(node, Environment.GetEnvironmentVariable("TICKSTOCK_CTL_TOKEN") is { Length: > 0 } t ? t : null)
            : null;
    }

    public async Task<IRenderable> RenderAsync(CancellationToken ct)
    {
        var (clusterStatus, cluster) = await GetAsync("/v1/cluster", ct).ConfigureAwait(false);
        if (clusterStatus is null)
        {
            return new Markup($"[grey]Node {Markup.Escape(node)}: management endpoint not reachable (TICKSTOCK_HTTP); node view skipped[/]");
        }

        if (clusterStatus == HttpStatusCode.Unauthorized)
        {
            return new Markup($"[yellow]Node {Markup.Escape(node)}: the endpoint wants a token; set TICKSTOCK_CTL_TOKEN for the node view[/]");
        }

        var (_, ready) = await GetAsync("/readyz", ct).ConfigureAwait(false);
        return new Rows(Readiness(ready), Members(cluster));
    }

    /// <summary>One line: ready, or which checks fail and why (the body of /readyz).</summary>
    internal IRenderable Readiness(string? body)
    {
        if (body is null) return new Markup($"Node {Markup.Escape(node)}: [yellow]readiness unknown[/] (no answer from /readyz)");
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        if (root.GetProperty("status").GetString() == "healthy") return new Markup($"Node {Markup.Escape(node)}: [green]ready[/]");
        var reasons = root.GetProperty("failing").EnumerateArray()
            .Select(f => f.GetString() ?? string.Empty)
            .Select(name => root.GetProperty("checks").TryGetProperty(name, out var check) && check.TryGetProperty("description", out var why)
                ? $"{name}: {why.GetString()}"
                : name);
        return new Markup($"Node {Markup.Escape(node)}: [red]not ready[/] — {Markup.Escape(string.Join("; ", reasons))}");
    }

    /// <summary>The members table of /v1/cluster (the same document as <c>tickstock ctl cluster show</c>).</summary>
    internal static IRenderable Members(string? body)
    {
        var table = new Table().Title("Cluster members").AddColumns("address", "status", "roles", "reachable", "");
        if (body is null) return table.AddRow("-", "-", "-", "-", "no answer");
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        var self = root.GetProperty("self").GetString();
        var leader = root.GetProperty("leader") is { ValueKind: JsonValueKind.String } l ? l.GetString() : null;
        foreach (var member in root.GetProperty("members").EnumerateArray())
        {
            var address = member.GetProperty("address").GetString() ?? string.Empty;
            var status = member.GetProperty("status").GetString() ?? string.Empty;
            var notes = string.Join(", ", new[] { address == self ? "this node" : null, address == leader ? "leader" : null }.OfType<string>());
            table.AddRow(
                Markup.Escape(address),
                status == "up" ? "[green]up[/]" : $"[yellow]{Markup.Escape(status)}[/]",
                Markup.Escape(string.Join(",", member.GetProperty("roles").EnumerateArray().Select(r => r.GetString()))),
                member.GetProperty("reachable").GetBoolean() ? "yes" : "[red]no[/]",
                notes);
        }

        return table;
    }

    /// <summary>Status and body; (null, null) when the endpoint does not answer.</summary>
    private async Task<(HttpStatusCode? Status, string? Body)> GetAsync(string path, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        try
        {
            using var response = await _http.SendAsync(request, ct).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            return (response.StatusCode, response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.ServiceUnavailable ? body : null);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return (null, null);
        }
    }

    public void Dispose() => _http.Dispose();
}
