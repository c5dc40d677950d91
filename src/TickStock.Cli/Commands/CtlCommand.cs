using System.CommandLine;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Spectre.Console;

namespace TickStock.Cli.Commands;

/// <summary>
/// `tickstock ctl …`: asks a running node through its management endpoint (TICKSTOCK_HTTP), the way Petabridge.Cmd
/// asks an Akka node. Tables for people, <c>--json</c> (the endpoint's document, unchanged) for scripts.
/// </summary>
internal static class CtlCommand
{
    internal const string DefaultNode = "127.0.0.1:9110";
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    public static Command Create()
    {
        var node = new Option<string?>("--node") { Description = $"host:port of the node's management endpoint (default TICKSTOCK_CTL_NODE, else {DefaultNode}).", Recursive = true };
        var json = new Option<bool>("--json") { Description = "Print the endpoint's JSON document instead of a table.", Recursive = true };
        var ctl = new Command("ctl", "Inspect a running node through its management endpoint (TICKSTOCK_HTTP); TICKSTOCK_CTL_TOKEN is sent as the bearer token.");
        ctl.Options.Add(node);
        ctl.Options.Add(json);

        var cluster = new Command("cluster", "Cluster membership.");
        var show = new Command("show", "This node, the leader and every member with its status, roles and reachability.");
        show.SetAction((p, ct) => AskAsync(p.GetValue(node), "/v1/cluster", p.GetValue(json), RenderCluster, ct));
        cluster.Subcommands.Add(show);

        var leaveAddress = new Argument<string?>("ADDRESS") { Description = "The member to leave (as cluster show prints it); default: the node asked.", Arity = ArgumentArity.ZeroOrOne };
        var leave = new Command("leave", "Ask a member to leave gracefully: its shards and singletons move to the others, then it shuts down. Needs TICKSTOCK_CTL_TOKEN.");
        leave.Arguments.Add(leaveAddress);
        leave.SetAction((p, ct) => AskAsync(p.GetValue(node), HttpMethod.Post, "/v1/cluster/leave", AddressBody(p.GetValue(leaveAddress)), p.GetValue(json), RenderMembershipChange, ct));
        cluster.Subcommands.Add(leave);

        var downAddress = new Argument<string>("ADDRESS") { Description = "The member to mark down (as cluster show prints it)." };
        var down = new Command("down", "Mark a member down: for a node that is gone and cannot leave by itself (its shards and singletons restart elsewhere). Needs TICKSTOCK_CTL_TOKEN.");
        down.Arguments.Add(downAddress);
        down.SetAction((p, ct) => AskAsync(p.GetValue(node), HttpMethod.Post, "/v1/cluster/down", AddressBody(p.GetValue(downAddress)), p.GetValue(json), RenderMembershipChange, ct));
        cluster.Subcommands.Add(down);

        // Also under cluster: the shard map is cluster state, and operators look for it there.
        cluster.Subcommands.Add(ShardsCommand(node, json, hidden: true));
        cluster.Subcommands.Add(SymbolCommand(node, json, hidden: true));
        ctl.Subcommands.Add(cluster);
        ctl.Subcommands.Add(ShardsCommand(node, json, hidden: false));
        ctl.Subcommands.Add(SymbolCommand(node, json, hidden: false));

        var pipeline = new Command("pipeline", "The node's pattern pipeline: published events, committed rows, events buffered for Redis, spilled rows.");
        pipeline.SetAction((p, ct) => AskAsync(p.GetValue(node), "/v1/pipeline", p.GetValue(json), RenderPipeline, ct));
        ctl.Subcommands.Add(pipeline);

        var feed = new Command("feed", "The node's market-data feed: source, connection, subscribed symbols, bars, reconnects, refused frames.");
        feed.SetAction((p, ct) => AskAsync(p.GetValue(node), "/v1/feed", p.GetValue(json), RenderFeed, ct));
        ctl.Subcommands.Add(feed);

        var actorPath = new Option<string>("--path") { Description = "Where the tree starts: /user (the application's actors) or /system (sharding, singletons, …), or a path below.", DefaultValueFactory = _ => "/user" };
        var depth = new Option<int>("--depth") { Description = "Levels below --path (1..6).", DefaultValueFactory = _ => 3 };
        var actors = new Command("actors", "The actor tree of the node asked (found by Identify; at most 2,000 actors).") { actorPath, depth };
        actors.SetAction((p, ct) => AskAsync(p.GetValue(node), $"/v1/actors?path={Uri.EscapeDataString(p.GetValue(actorPath)!)}&depth={p.GetValue(depth)}", p.GetValue(json), RenderActors, ct));
        ctl.Subcommands.Add(actors);

        var jobs = new Command("jobs", "Data-load jobs: their status documents (running and recent).");
        jobs.SetAction((p, ct) => AskAsync(p.GetValue(node), "/v1/jobs", p.GetValue(json), RenderJobs, ct));
        ctl.Subcommands.Add(jobs);
        return ctl;
    }

    private static Command ShardsCommand(Option<string?> node, Option<bool> json, bool hidden)
    {
        var shards = new Command("shards", "SymbolActor shard regions of the cluster: per node the shards and entities (symbols) it hosts.") { Hidden = hidden };
        shards.SetAction((p, ct) => AskAsync(p.GetValue(node), "/v1/shards", p.GetValue(json), RenderShards, ct));
        return shards;
    }

    private static Command SymbolCommand(Option<string?> node, Option<bool> json, bool hidden)
    {
        var symbol = new Argument<string>("SYMBOL") { Description = "The ticker, e.g. AAPL." };
        var command = new Command("symbol", "Which node runs a symbol's SymbolActor and what it holds (never starts one that is not running).") { Hidden = hidden };
        command.Arguments.Add(symbol);
        command.SetAction((p, ct) => AskAsync(p.GetValue(node), "/v1/symbols/" + Uri.EscapeDataString(p.GetValue(symbol) ?? string.Empty), p.GetValue(json), RenderSymbol, ct));
        return command;
    }

    private static string? AddressBody(string? address) => address is null ? null : JsonSerializer.Serialize(new Dictionary<string, string> { ["address"] = address });

    private static Task<int> AskAsync(string? node, string path, bool json, Action<JsonElement> render, CancellationToken ct) =>
        AskAsync(node, HttpMethod.Get, path, body: null, json, render, ct);

    private static Task<int> AskAsync(string? node, HttpMethod method, string path, string? body, bool json, Action<JsonElement> render, CancellationToken ct) => CliServices.RunAsync(async () =>
    {
        node ??= Environment.GetEnvironmentVariable("TICKSTOCK_CTL_NODE") is { Length: > 0 } fromEnvironment ? fromEnvironment : DefaultNode;
        if (!Uri.TryCreate("http://" + node, UriKind.Absolute, out var baseAddress) || baseAddress.AbsolutePath != "/")
        {
            throw new CliException($"--node '{node}' is not host:port", ExitCodes.ConfigurationError);
        }

        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = RequestTimeout };
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        if (Environment.GetEnvironmentVariable("TICKSTOCK_CTL_TOKEN") is { Length: > 0 } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        HttpResponseMessage response;
        string answer;
        try
        {
            response = await http.SendAsync(request, ct).ConfigureAwait(false);
            answer = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            var reason = ex is TaskCanceledException ? $"no answer within {RequestTimeout.TotalSeconds:0} s" : ex.Message;
            throw new CliException($"node {node} unreachable: {reason} (is the daemon running with TICKSTOCK_HTTP={node}?)", ExitCodes.NodeUnreachable);
        }

        using (response)
        {
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                throw new CliException(method == HttpMethod.Get
                    ? $"node {node} refused the call: set TICKSTOCK_CTL_TOKEN to the node's token"
                    : $"node {node} refused the call: state-changing calls need TICKSTOCK_CTL_TOKEN, set to the token the node was started with", ExitCodes.ConfigurationError);
            }

            if (!response.IsSuccessStatusCode)
            {
                var code = response.StatusCode switch
                {
                    HttpStatusCode.NotFound => ExitCodes.NotFound,
                    HttpStatusCode.BadRequest => ExitCodes.ConfigurationError,
                    _ => ExitCodes.ResultFailed,
                };
                throw new CliException($"node {node}: {ErrorText(answer, response.StatusCode)}", code);
            }
        }

        if (json)
        {
            Console.WriteLine(answer);
            return ExitCodes.Ok;
        }

        using var document = JsonDocument.Parse(answer);
        render(document.RootElement);
        return ExitCodes.Ok;
    });

    /// <summary>The endpoint's <c>{"error"}</c> message, else the status and body as they came.</summary>
    private static string ErrorText(string body, HttpStatusCode status)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String)
            {
                return error.GetString() ?? string.Empty;
            }
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's page, say): shown as it came.
        }

        return $"answered {(int)status}: {body}";
    }

    private static void RenderMembershipChange(JsonElement change) =>
        AnsiConsole.MarkupLineInterpolated($"{change.GetProperty("action").GetString()} requested for [bold]{change.GetProperty("address").GetString()}[/] (follow it with cluster show)");

    private static void RenderShards(JsonElement shards)
    {
        var table = new Table().AddColumns("address", "shards", "entities", "failed shards");
        foreach (var region in shards.GetProperty("regions").EnumerateArray())
        {
            var failed = region.GetProperty("failed_shards").GetInt32();
            table.AddRow(
                Markup.Escape(region.GetProperty("address").GetString() ?? string.Empty),
                Number(region.GetProperty("shards").GetInt64()),
                Number(region.GetProperty("entities").GetInt64()),
                failed == 0 ? "0" : $"[red]{failed}[/]");
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"total entities {Number(shards.GetProperty("total_entities").GetInt64())}");
    }

    private static void RenderSymbol(JsonElement symbol)
    {
        var table = new Table().AddColumns("", "");
        table.HideHeaders();
        table.AddRow("symbol", Markup.Escape(Text(symbol, "symbol")));
        table.AddRow("address", Markup.Escape(Text(symbol, "address")));
        table.AddRow("minute_bars", Number(symbol.GetProperty("minute_bars").GetInt64()));
        table.AddRow("daily_bars", Number(symbol.GetProperty("daily_bars").GetInt64()));
        table.AddRow("last_bar_time", Markup.Escape(Text(symbol, "last_bar_time") is { Length: > 0 } last ? last : "none yet"));
        table.AddRow("patterns_detected", Number(symbol.GetProperty("patterns_detected").GetInt64()));
        table.AddRow("started_at", Markup.Escape(Text(symbol, "started_at")));
        AnsiConsole.Write(table);
    }

    private static string Number(long value) => value.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);

    private static void RenderActors(JsonElement tree)
    {
        var root = new Tree($"[bold]{Markup.Escape(tree.GetProperty("path").GetString() ?? string.Empty)}[/] on {Markup.Escape(tree.GetProperty("address").GetString() ?? string.Empty)}");
        var count = AddActors(root, tree.GetProperty("actors"));
        AnsiConsole.Write(root);
        var truncated = tree.GetProperty("truncated").GetBoolean() ? " (truncated: ask a deeper --path or a smaller --depth)" : string.Empty;
        AnsiConsole.MarkupLineInterpolated($"{count} actors, {tree.GetProperty("depth").GetInt32()} levels{truncated}");
    }

    private static int AddActors(IHasTreeNodes parent, JsonElement actors)
    {
        var count = 0;
        foreach (var actor in actors.EnumerateArray())
        {
            var node = parent.AddNode(Markup.Escape(actor.GetProperty("name").GetString() ?? string.Empty));
            count += 1 + AddActors(node, actor.GetProperty("children"));
        }

        return count;
    }

    private static void RenderCluster(JsonElement cluster)
    {
        var leader = cluster.GetProperty("leader");
        AnsiConsole.MarkupLineInterpolated($"self [bold]{cluster.GetProperty("self").GetString()}[/], leader {(leader.ValueKind == JsonValueKind.Null ? "none" : leader.GetString())}");
        var table = new Table().AddColumns("address", "status", "roles", "reachable");
        foreach (var member in cluster.GetProperty("members").EnumerateArray())
        {
            table.AddRow(
                Markup.Escape(member.GetProperty("address").GetString() ?? string.Empty),
                Markup.Escape(member.GetProperty("status").GetString() ?? string.Empty),
                Markup.Escape(string.Join(",", member.GetProperty("roles").EnumerateArray().Select(r => r.GetString()))),
                member.GetProperty("reachable").GetBoolean() ? "yes" : "[red]no[/]");
        }

        AnsiConsole.Write(table);
    }

    private static void RenderPipeline(JsonElement pipeline)
    {
        var table = new Table().AddColumns("", "");
        table.HideHeaders();
        foreach (var name in new[] { "published", "rows_committed", "redis_buffered", "spill_rows", "spilled_total" })
        {
            table.AddRow(name, pipeline.GetProperty(name).GetInt64().ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
        }

        var state = pipeline.GetProperty("state").GetString() ?? string.Empty;
        var degraded = string.Join(", ", pipeline.GetProperty("degraded").EnumerateArray().Select(d => d.GetString()));
        table.AddRow("state", state == "ok" ? "ok" : $"[yellow]{Markup.Escape(state)}[/] ({Markup.Escape(degraded)})");
        AnsiConsole.Write(table);
    }

    private static void RenderFeed(JsonElement feed)
    {
        var table = new Table().AddColumns("", "");
        table.HideHeaders();
        foreach (var property in feed.EnumerateObject())
        {
            if (property.Name == "bad_frames")
            {
                var kinds = property.Value.EnumerateObject().Where(k => k.Value.GetInt64() > 0).Select(k => $"{k.Name} {k.Value.GetInt64()}").ToList();
                table.AddRow("bad_frames", Markup.Escape(kinds.Count == 0 ? "none" : string.Join(", ", kinds)));
                continue;
            }

            var text = Text(feed, property.Name);
            var shown = property.Name switch
            {
                "connected" when text == "false" => "[yellow]no[/]",
                "problem" when text is not ("none" or "") => $"[red]{Markup.Escape(text)}[/]",
                _ => Markup.Escape(text.Length == 0 ? "-" : text),
            };
            table.AddRow(property.Name, shown);
        }

        AnsiConsole.Write(table);
    }

    private static void RenderJobs(JsonElement jobs)
    {
        var table = new Table().AddColumns("job", "status", "progress", "symbols", "message");
        foreach (var job in jobs.GetProperty("jobs").EnumerateArray())
        {
            table.AddRow(
                Markup.Escape(Text(job, "job_id")),
                Markup.Escape(Text(job, "status")),
                Markup.Escape(Text(job, "progress")),
                Markup.Escape($"{Text(job, "processed_symbols")}/{Text(job, "total_symbols")}"),
                Markup.Escape(Text(job, "message")));
        }

        AnsiConsole.Write(table);
    }

    private static string Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString() ?? string.Empty,
            JsonValueKind.Null or JsonValueKind.Undefined => string.Empty,
            _ => value.GetRawText(),
        } : string.Empty;
}
