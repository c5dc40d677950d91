using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using TickStock.PolygonStub;
using TickStock.Testing;

namespace TickStock.EndToEnd.Tests.Loading;

/// <summary>
/// One isolated loading scenario: a scratch schema, a data folder with universes, and every Redis
/// channel and key of its own (<see cref="IsolatedChannels"/>: job channels and status keys, so
/// parallel daemons never see each other's jobs, and the heartbeat keys and health and pattern
/// channels, so a developer's daemon or <c>tickstock monitor</c> never sees test traffic), and
/// daemon processes.
/// </summary>
internal sealed class LoadingHarness : IAsyncDisposable
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly List<ChildProcess> _daemons = [];

    private LoadingHarness(ScratchSchema schema, string dataDirectory, ConnectionMultiplexer redis)
    {
        Schema = schema;
        DataDirectory = dataDirectory;
        Redis = redis;
        Names = new IsolatedChannels("load");
    }

    /// <summary>The scenario's channel and key names.</summary>
    public IsolatedChannels Names { get; }

    public ScratchSchema Schema { get; }

    public string DataDirectory { get; }

    public ConnectionMultiplexer Redis { get; }

    public string JobChannel => Names.JobChannel;

    public string ControlChannel => Names.JobControlChannel;

    public string StatusPrefix => Names.JobStatusPrefix;

    public static async Task<LoadingHarness> CreateAsync(string prefix)
    {
        var schema = await ScratchSchema.CreateAsync(prefix);
        var data = Path.Combine(Path.GetTempPath(), "tickstock-load-" + schema.Name);
        Directory.CreateDirectory(Path.Combine(data, "universes"));
        var redis = await ConnectionMultiplexer.ConnectAsync(LocalServices.RedisConfiguration);
        return new LoadingHarness(schema, data, redis);
    }

    public void WriteUniverse(string fileName, string content) =>
        File.WriteAllText(Path.Combine(DataDirectory, "universes", fileName), content);

    public Dictionary<string, string?> Environment(string now, IReadOnlyDictionary<string, string?>? extra = null)
    {
        var env = Names.Environment(new Dictionary<string, string?>
        {
            ["TICKSTOCK_PG"] = Schema.ConnectionString,
            ["TICKSTOCK_MARKET_DATA"] = "none",
            ["TICKSTOCK_DATA_DIR"] = DataDirectory,
            ["TICKSTOCK_NOW"] = now,
            ["POLYGON_API_KEY"] = null,
            ["POLYGON_BASE_URL"] = null,
        });
        if (extra is not null)
        {
            foreach (var (k, v) in extra)
            {
                env[k] = v;
            }
        }

        return env;
    }

    /// <summary>Starts `tickstock run` and waits until its job coordinator listens.</summary>
    public async Task<ChildProcess> StartDaemonAsync(string now, IReadOnlyDictionary<string, string?>? extra = null)
    {
        var daemon = ChildProcess.StartCli(["run"], Environment(now, extra));
        _daemons.Add(daemon);
        Assert.True(await daemon.WaitForLineAsync("Job coordinator listening on " + JobChannel, StartTimeout), daemon.Output);
        return daemon;
    }

    /// <summary>Kills a daemon started by this harness (SIGKILL of the process tree).</summary>
    public void KillDaemon(ChildProcess daemon)
    {
        _daemons.Remove(daemon);
        daemon.Dispose();
    }

    public async Task PublishAsync(string json)
    {
        var receivers = await Redis.GetSubscriber().PublishAsync(RedisChannel.Literal(JobChannel), json);
        Assert.True(receivers > 0, "no daemon subscribed to " + JobChannel);
    }

    public async Task PublishControlAsync(string json) =>
        await Redis.GetSubscriber().PublishAsync(RedisChannel.Literal(ControlChannel), json);

    public async Task<string?> StatusJsonAsync(string jobId)
    {
        var db = Redis.GetDatabase();
        if (await db.KeyTypeAsync(StatusPrefix + jobId) != RedisType.String)
        {
            return null;
        }

        return await db.StringGetAsync(StatusPrefix + jobId);
    }

    /// <summary>Polls the status key until <paramref name="until"/> holds; returns every distinct value seen.</summary>
    public async Task<List<JsonElement>> WaitForStatusAsync(string jobId, Func<JsonElement, bool> until, TimeSpan timeout, ChildProcess? daemon = null)
    {
        var seen = new List<JsonElement>();
        string? last = null;
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var json = await StatusJsonAsync(jobId);
            if (json is not null && json != last)
            {
                last = json;
                var element = JsonDocument.Parse(json).RootElement.Clone();
                seen.Add(element);
                if (until(element))
                {
                    return seen;
                }
            }

            await Task.Delay(50);
        }

        Assert.Fail($"job {jobId}: condition not reached within {timeout}; last status: {last}\n{daemon?.Output}");
        return seen;
    }

    public Task<List<JsonElement>> WaitForEndAsync(string jobId, TimeSpan timeout, ChildProcess? daemon = null) =>
        WaitForStatusAsync(jobId, s => s.GetProperty("status").GetString() is "completed" or "completed_with_errors" or "failed", timeout, daemon);

    public async Task<long> CountAsync(string sql) => await Schema.ScalarAsync<long>(sql);

    public async Task<Dictionary<string, long>> TableCountsAsync()
    {
        var counts = new Dictionary<string, long>();
        foreach (var table in new[] { "symbols", "ohlcv_1min", "ohlcv_hourly", "ohlcv_daily", "ohlcv_weekly", "ohlcv_monthly" })
        {
            counts[table] = await CountAsync($"SELECT count(*) FROM {table}");
        }

        return counts;
    }

    public static string Job(string jobId, string jobType, string fields) =>
        $$"""{"job_id":"{{jobId}}","job_type":"{{jobType}}",{{fields}}}""";

    public async ValueTask DisposeAsync()
    {
        foreach (var daemon in _daemons)
        {
            daemon.Dispose();
        }

        var db = Redis.GetDatabase();
        foreach (var key in Redis.GetServers()[0].Keys(pattern: StatusPrefix + "*"))
        {
            await db.KeyDeleteAsync(key);
        }

        await Redis.DisposeAsync();
        await Schema.DisposeAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Temp folder; best effort.
        }
    }
}

/// <summary>The Polygon stub hosted by the test, recording every request line and Authorization header.</summary>
internal sealed class RecordingStub : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RecordingStub(WebApplication app, string baseUrl, PolygonStubStats stats, ConcurrentQueue<(string PathAndQuery, string Authorization)> requests)
    {
        _app = app;
        BaseUrl = baseUrl;
        Stats = stats;
        Requests = requests;
    }

    public string BaseUrl { get; }

    public PolygonStubStats Stats { get; }

    public ConcurrentQueue<(string PathAndQuery, string Authorization)> Requests { get; }

    public static async Task<RecordingStub> StartAsync(PolygonStubOptions options)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var requests = new ConcurrentQueue<(string, string)>();
        app.Use(async (context, next) =>
        {
            requests.Enqueue((context.Request.Path + context.Request.QueryString, context.Request.Headers.Authorization.ToString()));
            await next(context);
        });
        var stats = app.MapPolygonStub(options);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new RecordingStub(app, address.TrimEnd('/'), stats, requests);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

internal static class Json
{
    public static string Str(this JsonElement e, string name) => e.GetProperty(name).GetString()!;

    public static int Int(this JsonElement e, string name) => e.GetProperty(name).GetInt32();

    public static string[] Strings(this JsonElement e, string name) => [.. e.GetProperty(name).EnumerateArray().Select(x => x.GetString()!)];

    public static string Local(DateTime d) => d.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
}
