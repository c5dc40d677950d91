using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using TickStock.Testing;

namespace TickStock.EndToEnd.Tests.Daemon;

/// <summary>
/// The management endpoint of a real daemon process (TICKSTOCK_HTTP on a free port): liveness, readiness with
/// Redis cut behind a proxy, the Prometheus text while synthetic patterns flow, and the start-up rules.
/// </summary>
public partial class ManagementEndpointTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ChangeTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Healthz_and_readyz_answer_200_and_readyz_names_redis_while_it_is_cut_but_healthz_stays_200()
    {
        await using var schema = await ScratchSchema.CreateAsync("mgmt");
        await using var redisProxy = new TcpProxy(LocalServices.RedisPort);
        var redisRest = LocalServices.RedisConfiguration.Contains(',', StringComparison.Ordinal)
            ? LocalServices.RedisConfiguration[LocalServices.RedisConfiguration.IndexOf(',', StringComparison.Ordinal)..]
            : string.Empty;
        using var daemon = ChildProcess.StartCli(["run"], new IsolatedChannels("mgmt").Environment(new Dictionary<string, string?>
        {
            ["TICKSTOCK_PG"] = schema.ConnectionString,
            ["TICKSTOCK_REDIS"] = $"127.0.0.1:{redisProxy.Port}{redisRest}",
            ["TICKSTOCK_MARKET_DATA"] = "none",
        }));
        using var http = await ConnectAsync(daemon);

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz", TestContext.Current.CancellationToken)).StatusCode);
        var ready = await WaitForAsync(http, "/readyz", HttpStatusCode.OK);
        Assert.True(ready.Status == HttpStatusCode.OK, ready.Body + "\n" + daemon.Output);
        using (var body = JsonDocument.Parse(ready.Body))
        {
            Assert.Equal("healthy", body.RootElement.GetProperty("status").GetString());
            var checks = body.RootElement.GetProperty("checks");
            foreach (var name in new[] { "cluster", "redis", "postgres" })
            {
                Assert.Equal("healthy", checks.GetProperty(name).GetProperty("status").GetString());
            }
        }

        redisProxy.Cut();
        var notReady = await WaitForAsync(http, "/readyz", HttpStatusCode.ServiceUnavailable);
        Assert.True(notReady.Status == HttpStatusCode.ServiceUnavailable, notReady.Body + "\n" + daemon.Output);
        using (var body = JsonDocument.Parse(notReady.Body))
        {
            Assert.Equal("unhealthy", body.RootElement.GetProperty("status").GetString());
            var failing = body.RootElement.GetProperty("failing").EnumerateArray().Select(e => e.GetString()).ToList();
            Assert.Equal(["redis"], failing);
        }

        // Liveness never depends on Redis: a probe must not restart a node because a service is away.
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz", TestContext.Current.CancellationToken)).StatusCode);

        redisProxy.Restore();
        var readyAgain = await WaitForAsync(http, "/readyz", HttpStatusCode.OK);
        Assert.True(readyAgain.Status == HttpStatusCode.OK, readyAgain.Body + "\n" + daemon.Output);

        daemon.Signal(System.Runtime.InteropServices.PosixSignal.SIGTERM);
        Assert.Equal(0, await daemon.WaitForExitAsync(TimeSpan.FromSeconds(15)));
    }

    [Fact]
    public async Task Metrics_is_Prometheus_text_and_its_counters_rise_while_patterns_flow()
    {
        await using var schema = await ScratchSchema.CreateAsync("mgmt");
        var names = new IsolatedChannels("mgmt");
        using var daemon = ChildProcess.StartCli(["run"], names.Environment(new Dictionary<string, string?>
        {
            ["TICKSTOCK_PG"] = schema.ConnectionString,
            ["TICKSTOCK_MARKET_DATA"] = "synthetic",
            ["TICKSTOCK_SYNTHETIC_SYMBOLS"] = "8",
            ["TICKSTOCK_SYNTHETIC_PACE"] = "fast",
            ["TICKSTOCK_MARKET_SPEED"] = "30",
        }));
        using var http = await ConnectAsync(daemon);

        var first = await ScrapeAsync(http);
        // Every family the issue names (except the live feed's reconnects: no live feed yet) is present.
        foreach (var family in new[]
                 {
                     "tickstock_patterns_published_total", "tickstock_audit_rows_spilled_total",
                     "tickstock_redis_buffered_events", "tickstock_bars_processed_total", "tickstock_symbols_active",
                     "tickstock_job_symbols_total", "tickstock_cluster_members",
                 })
        {
            Assert.True(first.Keys.Any(k => k.Name == family), $"no {family} in /metrics:\n" + string.Join('\n', first.Keys.Select(k => k.Name).Distinct()));
        }

        Assert.Equal(1, first[new Sample("tickstock_cluster_members", "status=\"up\"")]);
        Assert.Contains(first.Keys, k => k.Name.StartsWith("dotnet_", StringComparison.Ordinal) || k.Name.StartsWith("process_", StringComparison.Ordinal));

        // Poll (no fixed sleep) until both counters rose above the first scrape.
        var published0 = Sum(first, "tickstock_patterns_published_total");
        var bars0 = Sum(first, "tickstock_bars_processed_total");
        var deadline = DateTime.UtcNow + ChangeTimeout;
        Dictionary<Sample, double> later;
        do
        {
            await Task.Delay(250, TestContext.Current.CancellationToken);
            later = await ScrapeAsync(http);
        }
        while ((Sum(later, "tickstock_patterns_published_total") <= published0 || Sum(later, "tickstock_bars_processed_total") <= bars0) && DateTime.UtcNow < deadline);

        Assert.True(Sum(later, "tickstock_bars_processed_total") > bars0, daemon.Output);
        Assert.True(Sum(later, "tickstock_patterns_published_total") > published0, daemon.Output);
        Assert.True(later[new Sample("tickstock_bars_processed_total", "timeframe=\"1min\"")] > 0);
        // The 8 streamed symbols, plus the reference index's actor when the universe has one.
        Assert.InRange(later[new Sample("tickstock_symbols_active", string.Empty)], 8, 9);
        // Counters are typed as counters (rate() and counter resets), the latency as a histogram.
        foreach (var counter in new[] { "tickstock_patterns_published_total", "tickstock_bars_processed_total", "tickstock_audit_rows_spilled_total", "tickstock_job_symbols_total" })
        {
            Assert.Equal("counter", Types[counter]);
        }

        Assert.Equal("gauge", Types["tickstock_redis_buffered_events"]);
        Assert.Equal("histogram", Types["tickstock_publish_latency_seconds"]);

        // The latency histogram appears with its first observation; every published event is observed.
        Assert.Contains(later.Keys, k => k.Name == "tickstock_publish_latency_seconds_bucket" && k.Labels == "le=\"+Inf\"");
        Assert.True(Sum(later, "tickstock_publish_latency_seconds_count") > 0);

        // Refused input from outside is counted by channel and reason (issue 18.12), twice here on
        // the job channel and once on the health-check channel; nothing about it is logged per message.
        await using (var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(LocalServices.RedisConfiguration))
        {
            var subscriber = redis.GetSubscriber();
            var jobs = StackExchange.Redis.RedisChannel.Literal(names.JobChannel);
            await subscriber.PublishAsync(jobs, "{not json");
            await subscriber.PublishAsync(jobs, "[1,2]");
            await subscriber.PublishAsync(StackExchange.Redis.RedisChannel.Literal(names.HealthCheck), "{not json");
        }

        var jobMalformed = new Sample("tickstock_inbound_refused_total", $"channel=\"{names.JobChannel}\",reason=\"malformed_json\"");
        var jobNotObject = new Sample("tickstock_inbound_refused_total", $"channel=\"{names.JobChannel}\",reason=\"not_an_object\"");
        var checkMalformed = new Sample("tickstock_inbound_refused_total", $"channel=\"{names.HealthCheck}\",reason=\"malformed_json\"");
        deadline = DateTime.UtcNow + ChangeTimeout;
        do
        {
            await Task.Delay(250, TestContext.Current.CancellationToken);
            later = await ScrapeAsync(http);
        }
        while (!(later.ContainsKey(jobMalformed) && later.ContainsKey(jobNotObject) && later.ContainsKey(checkMalformed)) && DateTime.UtcNow < deadline);

        Assert.True(later.TryGetValue(jobMalformed, out var refusedJson) && refusedJson == 1, string.Join('\n', later.Keys.Where(k => k.Name.StartsWith("tickstock_inbound", StringComparison.Ordinal))) + "\n" + daemon.Output);
        Assert.Equal(1, later[jobNotObject]);
        Assert.Equal(1, later[checkMalformed]);
        Assert.Equal("counter", Types["tickstock_inbound_refused_total"]);

        daemon.Signal(System.Runtime.InteropServices.PosixSignal.SIGTERM);
        Assert.Equal(0, await daemon.WaitForExitAsync(TimeSpan.FromSeconds(15)));
    }

    [Fact]
    public async Task Refuses_to_start_on_a_non_loopback_address_without_a_token()
    {
        using var daemon = ChildProcess.StartCli(["run"], new IsolatedChannels("mgmt").Environment(new Dictionary<string, string?>
        {
            ["TICKSTOCK_HTTP"] = "0.0.0.0:0",
            ["TICKSTOCK_CTL_TOKEN"] = null,
            ["TICKSTOCK_MARKET_DATA"] = "none",
        }));

        Assert.Equal(2, await daemon.WaitForExitAsync(StartTimeout));
        Assert.Contains("TICKSTOCK_CTL_TOKEN", daemon.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Management endpoint listening", daemon.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Off_starts_no_endpoint()
    {
        await using var schema = await ScratchSchema.CreateAsync("mgmt");
        using var daemon = ChildProcess.StartCli(["run"], new IsolatedChannels("mgmt").Environment(new Dictionary<string, string?>
        {
            ["TICKSTOCK_PG"] = schema.ConnectionString,
            ["TICKSTOCK_HTTP"] = "off",
            ["TICKSTOCK_MARKET_DATA"] = "none",
        }));

        Assert.True(await daemon.WaitForLineAsync("TickStock daemon started", StartTimeout), daemon.Output);
        daemon.Signal(System.Runtime.InteropServices.PosixSignal.SIGTERM);
        Assert.Equal(0, await daemon.WaitForExitAsync(TimeSpan.FromSeconds(15)));
        Assert.DoesNotContain("Management endpoint listening", daemon.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task V1_documents_have_the_fixed_keys_and_ctl_prints_them_as_json_and_tables()
    {
        await using var schema = await ScratchSchema.CreateAsync("mgmt");
        var names = new IsolatedChannels("mgmt");
        using var daemon = ChildProcess.StartCli(["run"], names.Environment(new Dictionary<string, string?>
        {
            ["TICKSTOCK_PG"] = schema.ConnectionString,
            ["TICKSTOCK_MARKET_DATA"] = "none",
        }));
        using var http = await ConnectAsync(daemon);
        var node = http.BaseAddress!.Authority;
        Assert.Equal(HttpStatusCode.OK, (await WaitForAsync(http, "/readyz", HttpStatusCode.OK)).Status);
        await using (var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(LocalServices.RedisConfiguration))
        {
            await redis.GetDatabase().StringSetAsync(names.JobStatusPrefix + "ctl-test-1",
                """{"job_id":"ctl-test-1","status":"completed","progress":100,"total_symbols":2,"processed_symbols":2,"message":"done"}""",
                TimeSpan.FromMinutes(5));
        }

        using (var cluster = JsonDocument.Parse(await RunCtlAsync(node, ["--json", "cluster", "show"], ExitCodes.Ok)))
        {
            var root = cluster.RootElement;
            var self = root.GetProperty("self").GetString();
            Assert.StartsWith("akka.tcp://tickstock@", self, StringComparison.Ordinal);
            Assert.Equal(self, root.GetProperty("leader").GetString());
            var member = Assert.Single(root.GetProperty("members").EnumerateArray());
            Assert.Equal(self, member.GetProperty("address").GetString());
            Assert.Equal("up", member.GetProperty("status").GetString());
            // Every role by default, less `feed`: this daemon runs with TICKSTOCK_MARKET_DATA=none.
            Assert.Equal(["backtest", "jobs", "symbols"], member.GetProperty("roles").EnumerateArray().Select(r => r.GetString()!).ToArray());
            Assert.True(member.GetProperty("reachable").GetBoolean());
        }

        using (var pipeline = JsonDocument.Parse(await RunCtlAsync(node, ["pipeline", "--json"], ExitCodes.Ok)))
        {
            var root = pipeline.RootElement;
            foreach (var key in new[] { "published", "rows_committed", "redis_buffered", "spill_rows", "spilled_total" })
            {
                Assert.Equal(JsonValueKind.Number, root.GetProperty(key).ValueKind);
            }

            Assert.Equal("ok", root.GetProperty("state").GetString());
        }

        using (var jobs = JsonDocument.Parse(await RunCtlAsync(node, ["jobs", "--json"], ExitCodes.Ok)))
        {
            var job = Assert.Single(jobs.RootElement.GetProperty("jobs").EnumerateArray());
            Assert.Equal("ctl-test-1", job.GetProperty("job_id").GetString());
            Assert.Equal("completed", job.GetProperty("status").GetString());
        }

        // The tables name what they show.
        Assert.Contains("up", await RunCtlAsync(node, ["cluster", "show"], ExitCodes.Ok), StringComparison.Ordinal);
        Assert.Contains("rows_committed", await RunCtlAsync(node, ["pipeline"], ExitCodes.Ok), StringComparison.Ordinal);
        Assert.Contains("ctl-test-1", await RunCtlAsync(node, ["jobs"], ExitCodes.Ok), StringComparison.Ordinal);

        daemon.Signal(System.Runtime.InteropServices.PosixSignal.SIGTERM);
        Assert.Equal(0, await daemon.WaitForExitAsync(TimeSpan.FromSeconds(15)));
    }

    [Fact]
    public async Task Ctl_says_in_one_line_that_a_node_is_unreachable_and_exits_with_its_own_code()
    {
        // Port 9 (discard) is closed on loopback.
        var output = await RunCtlAsync("127.0.0.1:9", ["pipeline"], ExitCodes.NodeUnreachable);
        Assert.Contains("tickstock: node 127.0.0.1:9 unreachable", output, StringComparison.Ordinal);
        Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Off_loopback_every_v1_call_needs_the_token_compared_exactly_and_the_probes_stay_open()
    {
        const string Token = "ops-test-token-9f3c";
        await using var schema = await ScratchSchema.CreateAsync("mgmt");
        using var daemon = ChildProcess.StartCli(["run"], new IsolatedChannels("mgmt").Environment(new Dictionary<string, string?>
        {
            ["TICKSTOCK_PG"] = schema.ConnectionString,
            ["TICKSTOCK_MARKET_DATA"] = "none",
            ["TICKSTOCK_HTTP"] = "0.0.0.0:0",
            ["TICKSTOCK_CTL_TOKEN"] = Token,
        }));
        using var http = await ConnectAsync(daemon);
        var node = http.BaseAddress!.Authority;

        Assert.Equal(HttpStatusCode.Unauthorized, await GetStatusAsync(http, "/v1/cluster", null));
        Assert.Equal(HttpStatusCode.Unauthorized, await GetStatusAsync(http, "/v1/cluster", Token + "x"));
        Assert.Equal(HttpStatusCode.Unauthorized, await GetStatusAsync(http, "/v1/pipeline", Token[..^1]));
        Assert.Equal(HttpStatusCode.OK, await GetStatusAsync(http, "/v1/cluster", Token));
        Assert.Equal(HttpStatusCode.OK, await GetStatusAsync(http, "/healthz", null));
        Assert.Equal(HttpStatusCode.OK, await GetStatusAsync(http, "/metrics", null));

        Assert.Contains("TICKSTOCK_CTL_TOKEN", await RunCtlAsync(node, ["pipeline"], ExitCodes.ConfigurationError), StringComparison.Ordinal);
        using (JsonDocument.Parse(await RunCtlAsync(node, ["pipeline", "--json"], ExitCodes.Ok, Token)))
        {
        }

        daemon.Signal(System.Runtime.InteropServices.PosixSignal.SIGTERM);
        Assert.Equal(0, await daemon.WaitForExitAsync(TimeSpan.FromSeconds(15)));
        Assert.DoesNotContain(Token, daemon.Output, StringComparison.Ordinal);
    }

    private static async Task<HttpStatusCode> GetStatusAsync(HttpClient http, string path, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null) request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        return response.StatusCode;
    }

    private static Task<string> RunCtlAsync(string node, string[] args, int expectedExit, string? token = null) =>
        ManagementNode.RunCtlAsync(node, args, expectedExit, token);

    /// <summary>The exit codes of the CLI's table (README) these tests expect.</summary>
    private static class ExitCodes
    {
        public const int Ok = 0;
        public const int ConfigurationError = 2;
        public const int NodeUnreachable = 9;
    }

    private static Task<HttpClient> ConnectAsync(ChildProcess daemon) => ManagementNode.ConnectAsync(daemon, StartTimeout);

    private static async Task<(HttpStatusCode Status, string Body)> WaitForAsync(HttpClient http, string path, HttpStatusCode wanted)
    {
        var deadline = DateTime.UtcNow + ChangeTimeout;
        while (true)
        {
            using var response = await http.GetAsync(path, TestContext.Current.CancellationToken);
            var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            if (response.StatusCode == wanted || DateTime.UtcNow > deadline) return (response.StatusCode, body);
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>/metrics parsed line by line: every sample line is <c>name{labels} value</c>; comments are HELP/TYPE.</summary>
    private static async Task<Dictionary<Sample, double>> ScrapeAsync(HttpClient http)
    {
        using var response = await http.GetAsync("/metrics", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var samples = new Dictionary<Sample, double>();
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0) continue;
            if (line.StartsWith('#'))
            {
                Assert.Matches(@"^# (HELP|TYPE|EOF)", line);
                var type = TypeLine().Match(line);
                if (type.Success) Types[type.Groups[1].Value] = type.Groups[2].Value;
                continue;
            }

            var match = SampleLine().Match(line);
            Assert.True(match.Success, "not a Prometheus sample line: " + line);
            var value = match.Groups[3].Value switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                var v => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture),
            };
            samples[new Sample(match.Groups[1].Value, match.Groups[2].Value)] = value;
        }

        return samples;
    }

    private static double Sum(Dictionary<Sample, double> samples, string name) =>
        samples.Where(s => s.Key.Name == name).Sum(s => s.Value);

    private sealed record Sample(string Name, string Labels);

    /// <summary>The <c># TYPE</c> of each family seen by the last scrapes.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> Types = new(StringComparer.Ordinal);

    [GeneratedRegex(@"^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$")]
    private static partial Regex TypeLine();


    [GeneratedRegex(@"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: \d+)?$")]
    private static partial Regex SampleLine();
}
