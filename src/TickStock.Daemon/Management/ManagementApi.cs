using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using StackExchange.Redis;
using TickStock.Actors.Configuration;
using TickStock.Actors.Infrastructure;
using TickStock.Actors.MarketData;
using TickStock.Actors.Publishing;

namespace TickStock.Daemon.Management;

/// <summary>
/// The JSON routes under <c>/v1/</c> that <c>tickstock ctl</c> reads. Key names are fixed (scripts depend on them).
/// Off loopback every call needs the bearer token; on loopback only state-changing calls (POST: cluster leave and down) do.
/// </summary>
internal static class ManagementApi
{
    /// <summary>Status documents returned by <c>/v1/jobs</c> at most (newest keys are not known without reading them all).</summary>
    private const int MaxJobs = 200;

    public static void Map(WebApplication app, ManagementBinding binding, TickStockOptions options, ActorSystem system, ProducerStats stats, RedisConnectionProvider redis)
    {
        var token = options.Management.Token;
        var v1 = app.MapGroup("/v1");
        v1.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var needsToken = !binding.IsLoopback || !HttpMethods.IsGet(http.Request.Method);
            if (needsToken && !Authorized(http.Request, token)) return Results.Json(new { error = "a valid bearer token (TICKSTOCK_CTL_TOKEN) is required" }, statusCode: StatusCodes.Status401Unauthorized);
            return await next(context).ConfigureAwait(false);
        });

        var inspector = new ClusterInspector(system, options.Cluster);
        v1.MapGet("/cluster", () => Results.Text(ClusterJson(Cluster.Get(system)), "application/json"));
        v1.MapPost("/cluster/leave", async (HttpRequest request) =>
        {
            var address = await AddressArgumentAsync(request).ConfigureAwait(false);
            return ChangeMembership(inspector, "leave", address ?? inspector.SelfAddress.ToString(), inspector.Leave);
        });
        v1.MapPost("/cluster/down", async (HttpRequest request) =>
        {
            var address = await AddressArgumentAsync(request).ConfigureAwait(false);
            return address is null
                ? Error(StatusCodes.Status400BadRequest, "cluster down needs the member's address, e.g. {\"address\":\"akka.tcp://tickstock@10.0.0.2:4053\"}")
                : ChangeMembership(inspector, "down", address, inspector.Down);
        });
        v1.MapGet("/shards", async (CancellationToken ct) =>
        {
            try
            {
                return Results.Text(ShardsJson(await inspector.ShardsAsync(ct).ConfigureAwait(false)), "application/json");
            }
            catch (AskTimeoutException)
            {
                return Error(StatusCodes.Status503ServiceUnavailable, $"the shard coordinator did not answer within {ClusterInspector.AskTimeout.TotalSeconds:0} s (is the cluster up?)");
            }
        });
        v1.MapGet("/symbols/{symbol}", async (string symbol, CancellationToken ct) =>
        {
            try
            {
                return await inspector.LocateAsync(symbol, ct).ConfigureAwait(false) switch
                {
                    SymbolLookup.Found found => Results.Text(SymbolJson(found), "application/json"),
                    SymbolLookup.NotRunning missing => Error(StatusCodes.Status404NotFound, missing.Reason),
                    SymbolLookup.Invalid invalid => Error(StatusCodes.Status400BadRequest, invalid.Reason),
                    _ => throw new InvalidOperationException("unknown lookup result"),
                };
            }
            catch (AskTimeoutException)
            {
                return Error(StatusCodes.Status503ServiceUnavailable, $"the shard regions did not answer within {ClusterInspector.AskTimeout.TotalSeconds:0} s (is the cluster up?)");
            }
        });
        v1.MapGet("/pipeline", () => Results.Text(PipelineJson(stats), "application/json"));
        v1.MapGet("/feed", async () => Results.Text(await FeedJsonAsync(system, options).ConfigureAwait(false), "application/json"));
        v1.MapGet("/actors", async (string? path, int? depth, CancellationToken ct) =>
        {
            var root = string.IsNullOrEmpty(path) ? "/user" : path;
            var levels = depth ?? 3;
            if (ActorTree.Problem(root, levels) is { } problem) return Results.Json(new { error = problem }, statusCode: StatusCodes.Status400BadRequest);
            return Results.Text(await ActorTree.JsonAsync(system, root, levels, ct).ConfigureAwait(false), "application/json");
        });
        v1.MapGet("/jobs", async (CancellationToken ct) =>
        {
            try
            {
                return Results.Text(await JobsJsonAsync(redis, options.Jobs, ct).ConfigureAwait(false), "application/json");
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                return Results.Json(new { error = $"Redis at {redis.Endpoint} did not answer: {ex.Message.Split('\n')[0]}" }, statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        });
    }

    /// <summary>The <c>address</c> of a JSON body <c>{"address":"akka.tcp://…"}</c>; null for an empty body or no address.</summary>
    private static async Task<string?> AddressArgumentAsync(HttpRequest request)
    {
        if (request.ContentLength is 0 or null && !request.Headers.TransferEncoding.Any()) return null;
        try
        {
            using var body = await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted).ConfigureAwait(false);
            return body.RootElement.ValueKind == JsonValueKind.Object && body.RootElement.TryGetProperty("address", out var address) && address.ValueKind == JsonValueKind.String
                ? address.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Leave or down a member named by its address: 202 when asked, 404 when no member has that address.</summary>
    private static IResult ChangeMembership(ClusterInspector inspector, string action, string address, Action<Member> change)
    {
        if (inspector.FindMember(address) is not { } member)
        {
            return Error(StatusCodes.Status404NotFound, $"no cluster member has the address '{address}' (see cluster show)");
        }

        change(member);
        return Results.Json(new Dictionary<string, string> { ["action"] = action, ["address"] = member.Address.ToString() }, statusCode: StatusCodes.Status202Accepted);
    }

    private static IResult Error(int status, string message) => Results.Json(new Dictionary<string, string> { ["error"] = message }, statusCode: status);

    /// <summary><c>{"regions":[{"address","shards","entities","failed_shards"}],"total_entities"}</c>.</summary>
    private static string ShardsJson(ShardsView view) => Write(json =>
    {
        json.WriteStartArray("regions");
        foreach (var region in view.Regions)
        {
            json.WriteStartObject();
            json.WriteString("address", region.Address);
            json.WriteNumber("shards", region.Shards);
            json.WriteNumber("entities", region.Entities);
            json.WriteNumber("failed_shards", region.FailedShards);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteNumber("total_entities", view.TotalEntities);
    });

    /// <summary><c>{"symbol","address","minute_bars","daily_bars","last_bar_time","patterns_detected"}</c>.</summary>
    private static string SymbolJson(SymbolLookup.Found found) => Write(json =>
    {
        var status = found.Status;
        json.WriteString("symbol", status.Symbol);
        json.WriteString("address", found.Address);
        json.WriteNumber("minute_bars", status.BarsSeen);
        json.WriteNumber("daily_bars", status.DailyBars);
        if (status.LastBarTime is { } last) json.WriteString("last_bar_time", last.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
        else json.WriteNull("last_bar_time");
        json.WriteNumber("patterns_detected", status.PatternsPublished);
        json.WriteString("started_at", status.StartedAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
    });

    /// <summary>Bearer token check in constant time: both sides are hashed first, so neither length nor prefix leaks.</summary>
    internal static bool Authorized(HttpRequest request, string? expected)
    {
        if (string.IsNullOrEmpty(expected)) return false;
        var header = request.Headers.Authorization.ToString();
        const string Scheme = "Bearer ";
        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)) return false;
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(header[Scheme.Length..].Trim()));
        var wanted = SHA256.HashData(Encoding.UTF8.GetBytes(expected));
        return CryptographicOperations.FixedTimeEquals(presented, wanted);
    }

    /// <summary><c>{"self","leader","members":[{"address","status","roles","reachable"}]}</c> from the cluster's current view.</summary>
    private static string ClusterJson(Cluster cluster)
    {
        var state = cluster.State;
        var unreachable = state.Unreachable;
        return Write(json =>
        {
            json.WriteString("self", cluster.SelfAddress.ToString());
            if (state.Leader is { } leader) json.WriteString("leader", leader.ToString());
            else json.WriteNull("leader");
            json.WriteStartArray("members");
            foreach (var member in state.Members)
            {
                json.WriteStartObject();
                json.WriteString("address", member.Address.ToString());
                json.WriteString("status", member.Status.ToString().ToLowerInvariant());
                json.WriteStartArray("roles");
                foreach (var role in member.Roles.Order(StringComparer.Ordinal)) json.WriteStringValue(role);
                json.WriteEndArray();
                json.WriteBoolean("reachable", !unreachable.Contains(member));
                json.WriteEndObject();
            }

            json.WriteEndArray();
        });
    }

    /// <summary>
    /// <c>{"published","rows_committed","redis_buffered","spill_rows","spilled_total","state","degraded"}</c>:
    /// <c>spill_rows</c> are the audit rows in the spill file now (waiting for PostgreSQL),
    /// <c>spilled_total</c> those appended to it since start; state is ok or degraded (which service, in <c>degraded</c>).
    /// </summary>
    private static string PipelineJson(ProducerStats stats) => Write(json =>
    {
        json.WriteNumber("published", stats.PatternsPublished);
        json.WriteNumber("rows_committed", stats.RowsWritten);
        json.WriteNumber("redis_buffered", stats.BufferedEvents);
        json.WriteNumber("spill_rows", stats.SpillRowsHeld);
        json.WriteNumber("spilled_total", stats.RowsSpilled);
        var degraded = new List<string>();
        if (stats.RedisDown) degraded.Add("redis");
        if (stats.PostgresDown) degraded.Add("postgres");
        if (stats.SpillFailing) degraded.Add("spill");
        json.WriteString("state", degraded.Count == 0 ? "ok" : "degraded");
        json.WriteStartArray("degraded");
        foreach (var what in degraded) json.WriteStringValue(what);
        json.WriteEndArray();
    });

    /// <summary>
    /// <c>{"source","address","running","connected","symbols","bars_received","reconnects",…}</c>: the node's market-data
    /// feed; for the polygon source also the stream's state, URL, last bar age, delivery counts and refused frames by kind.
    /// </summary>
    private static async Task<string> FeedJsonAsync(ActorSystem system, TickStockOptions options)
    {
        MarketDataFeedQueries.FeedStats? stats = null;
        if (ActorRegistry.For(system).TryGet<MarketDataFeed>(out var feed))
        {
            try
            {
                stats = await feed.Ask<MarketDataFeedQueries.FeedStats>(MarketDataFeedQueries.GetStats.Instance, TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            }
            catch (AskTimeoutException)
            {
                // reported as not running
            }
        }

        var now = DateTimeOffset.UtcNow;
        var live = stats?.Live;
        return Write(json =>
        {
            json.WriteString("source", stats?.Source ?? options.MarketData.Source.Name());
            json.WriteString("address", Cluster.Get(system).SelfAddress.ToString());
            json.WriteBoolean("running", stats?.Running ?? false);
            json.WriteBoolean("connected", live?.Connected ?? (stats?.Running ?? false));
            json.WriteNumber("symbols", live?.Subscribed ?? 0);
            json.WriteNumber("bars_received", live?.BarsReceived ?? stats?.Sent ?? 0);
            json.WriteNumber("reconnects", live?.Reconnects ?? 0);
            json.WriteNumber("delivered", stats?.Sent ?? 0);
            if (stats?.LastDeliveredAt is { } at) json.WriteNumber("last_bar_age_seconds", Math.Round((now - at).TotalSeconds, 1));
            else json.WriteNull("last_bar_age_seconds");
            if (live is null) return;
            json.WriteString("state", live.State switch
            {
                LiveFeedState.Connecting => "connecting",
                LiveFeedState.Authenticating => "authenticating",
                LiveFeedState.Streaming => "streaming",
                LiveFeedState.WaitingToReconnect => "waiting_to_reconnect",
                _ => "stopped",
            });
            json.WriteString("url", live.Url);
            json.WriteString("problem", live.Problem switch
            {
                LiveFeedProblem.AuthFailed => "auth_failed",
                LiveFeedProblem.MaxConnections => "max_connections",
                LiveFeedProblem.Connection => "connection",
                _ => "none",
            });
            if (live.Reason is { } reason) json.WriteString("reason", reason);
            else json.WriteNull("reason");
            if (live.LastDisconnect is { } lastDrop) json.WriteString("last_disconnect", lastDrop);
            else json.WriteNull("last_disconnect");
            if (live.NextAttemptAt is { } next) json.WriteNumber("next_attempt_in_seconds", Math.Max(0, Math.Round((next - now).TotalSeconds, 1)));
            json.WriteNumber("duplicates", live.Duplicates);
            json.WriteNumber("outside_session", live.OutsideSession);
            json.WriteNumber("backfilled", live.Backfilled);
            json.WriteNumber("backfills_abandoned", live.BackfillsAbandoned);
            json.WriteStartObject("bad_frames");
            foreach (var (kind, count) in live.BadFrames) json.WriteNumber(kind, count);
            json.WriteEndObject();
        });
    }

    /// <summary><c>{"jobs":[status document…]}</c>: the status keys (contract §6) as the jobs wrote them.</summary>
    private static async Task<string> JobsJsonAsync(RedisConnectionProvider redis, JobSettings jobs, CancellationToken ct)
    {
        var connection = await redis.GetAsync().ConfigureAwait(false);
        var db = connection.GetDatabase();
        var documents = new List<string>();
        foreach (var server in connection.GetServers().Where(s => s.IsConnected && !s.IsReplica))
        {
            await foreach (var key in server.KeysAsync(db.Database, jobs.StatusKeyPrefix + "*", pageSize: 500).WithCancellation(ct).ConfigureAwait(false))
            {
                if (await db.StringGetAsync(key).ConfigureAwait(false) is { HasValue: true } value) documents.Add(value.ToString());
                if (documents.Count >= MaxJobs) break;
            }
        }

        return Write(json =>
        {
            json.WriteStartArray("jobs");
            foreach (var document in documents)
            {
                try
                {
                    using var parsed = JsonDocument.Parse(document);
                    parsed.RootElement.WriteTo(json);
                }
                catch (JsonException)
                {
                    // A foreign or damaged value under the prefix: skipped, not fatal to the listing.
                }
            }

            json.WriteEndArray();
        });
    }

    private static string Write(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            body(json);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
