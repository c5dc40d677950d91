using System.Collections.Concurrent;
using System.Text.Json;
using Akka.Actor;
using Akka.Hosting;
using StackExchange.Redis;
using TickStock.Actors.Configuration;
using TickStock.Actors.Infrastructure;
using TickStock.Actors.Loading;
using TickStock.Core.Jobs;
using TickStock.Core.Universe;
using TickStock.Testing;
using static TickStock.Actors.Loading.PolygonFetcherMessages;

namespace TickStock.Actors.Tests.Loading;

/// <summary>
/// The JobCoordinator in process: real Redis (channels and status keys of its own), the store and
/// the loader replaced through their ports so each test decides when preparation and symbols end.
/// </summary>
public sealed class JobCoordinatorTests : HostedTestKit
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly string _tag = "jc" + Guid.NewGuid().ToString("N")[..10];
    private readonly FakeStore _store = new();
    private readonly FakeLoader _loader = new();
    private readonly string _universes = Directory.CreateTempSubdirectory("jc-universes").FullName;
    private RedisConnectionProvider _redis = null!;
    private ConnectionMultiplexer _observer = null!;

    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider)
    {
    }

    private string JobChannel => $"test.{_tag}.jobs";

    private string ControlChannel => $"test.{_tag}.control";

    private string Prefix => $"test.{_tag}.status:";

    protected override async Task AfterAllAsync()
    {
        foreach (var key in _observer.GetServers()[0].Keys(pattern: Prefix + "*"))
        {
            await _observer.GetDatabase().KeyDeleteAsync(key);
        }

        await _observer.DisposeAsync();
        await _redis.DisposeAsync();
        Directory.Delete(_universes, recursive: true);
        await base.AfterAllAsync();
    }

    /// <param name="redisConfiguration">Where the coordinator's Redis is (the test's observer always uses the real one).</param>
    /// <param name="waitForSubscribers">Return only once both channels have a subscriber.</param>
    private async Task StartAsync(TimeSpan? refusedReportInterval = null, string? redisConfiguration = null, bool waitForSubscribers = true)
    {
        _redis = new RedisConnectionProvider(new RedisSettings { Configuration = redisConfiguration ?? LocalServices.RedisConfiguration }, "jc-test");
        _observer = await ConnectionMultiplexer.ConnectAsync(LocalServices.RedisConfiguration);
        var settings = new HistoricalLoadingSettings
        {
            DataLoadChannel = JobChannel,
            ControlChannel = ControlChannel,
            StatusKeyPrefix = Prefix,
            UniversesDirectory = _universes,
            Now = DateTimeOffset.Parse("2024-07-05T21:00:00Z", System.Globalization.CultureInfo.InvariantCulture),
            StatusInterval = TimeSpan.FromMilliseconds(200),
            RetryMin = TimeSpan.FromMilliseconds(50),
            RetryMax = TimeSpan.FromMilliseconds(200),
            Fetchers = 2,
            RejectedMessagesReportInterval = refusedReportInterval ?? TimeSpan.FromMinutes(1),
        };
        Sys.ActorOf(JobCoordinator.PropsFor(_redis, _store, _loader, settings), "job-coordinator");
        if (waitForSubscribers)
        {
            await WaitForSubscribersAsync();
        }
    }

    /// <summary>Listening once both channels have a subscriber.</summary>
    private async Task WaitForSubscribersAsync()
    {
        await AwaitConditionAsync(async () =>
        {
            var counts = await _observer.GetDatabase().ExecuteAsync("PUBSUB", "NUMSUB", JobChannel, ControlChannel);
            var values = (RedisResult[])counts!;
            return (long)values[1] > 0 && (long)values[3] > 0;
        }, Timeout);
    }

    private Task PublishJobAsync(string json) => _observer.GetSubscriber().PublishAsync(RedisChannel.Literal(JobChannel), json);

    private Task PublishControlAsync(string json) => _observer.GetSubscriber().PublishAsync(RedisChannel.Literal(ControlChannel), json);

    private static string Job(string id, params string[] symbols) => DataLoadJobMessage.HistoricalLoad(id, symbols, 0.02, "day", "test", null);

    private async Task<JsonElement> StatusAsync(string jobId)
    {
        var db = _observer.GetDatabase();
        if (await db.KeyTypeAsync(Prefix + jobId) != RedisType.String)
        {
            return default; // absent, or the consumer's hash
        }

        var value = await db.StringGetAsync(Prefix + jobId);
        return value.IsNull ? default : JsonDocument.Parse(value.ToString()).RootElement.Clone();
    }

    private async Task<JsonElement> WaitForStatusAsync(string jobId, Func<JsonElement, bool> until)
    {
        JsonElement last = default;
        await AwaitConditionAsync(async () =>
        {
            last = await StatusAsync(jobId);
            return last.ValueKind == JsonValueKind.Object && until(last);
        }, Timeout);
        return last;
    }

    private static bool Ended(JsonElement s) => JobStatusValues.IsTerminal(s.GetProperty("status").GetString()!);

    [Fact]
    public async Task A_cancel_that_arrives_while_the_job_is_being_prepared_ends_it_cancelled_before_any_symbol_is_fetched()
    {
        _store.HoldStart = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await StartAsync();

        await PublishJobAsync(Job("prep-1", "AAPL", "MSFT"));
        await _store.StartCalled.Task.WaitAsync(Timeout);
        // Preparation holds until the coordinator has taken the cancel in.
        await EventFilter.Info(contains: "prep-1 (requested by alice) noted").ExpectOneAsync(() => PublishControlAsync(JobControlMessage.Cancel("prep-1", "alice", null).Serialize()));
        _store.HoldStart.SetResult();

        var status = await WaitForStatusAsync("prep-1", Ended);
        Assert.Equal("failed", status.GetProperty("status").GetString());
        Assert.True(status.GetProperty("cancelled").GetBoolean());
        Assert.Equal("cancelled by alice", status.GetProperty("error_message").GetString());
        Assert.Empty(_loader.Calls);
        await AwaitConditionAsync(() => Task.FromResult(_store.Finished.Contains(("prep-1", JobStatusValues.Failed, true))), Timeout);
    }

    [Fact]
    public async Task A_job_left_running_resumes_with_only_its_pending_symbols_and_counts_the_done_ones()
    {
        var message = Job("resume-1", "AAPL", "MSFT", "NVDA");
        _store.Running.Add(new ResumableJob("resume-1", message, DateTimeOffset.UtcNow.AddMinutes(-5), new Dictionary<string, StoredSymbolProgress>
        {
            ["AAPL"] = new("AAPL", JobStore.Done, null, new TableCounts(0, 0, 5, 2, 2)),
            ["MSFT"] = new("MSFT", JobStore.Pending, null, TableCounts.Zero),
            ["NVDA"] = new("NVDA", JobStore.Pending, null, TableCounts.Zero),
        }));
        await StartAsync();

        var status = await WaitForStatusAsync("resume-1", Ended);
        Assert.Equal("completed", status.GetProperty("status").GetString());
        Assert.Equal(3, status.GetProperty("processed_symbols").GetInt32());
        Assert.Equal(["MSFT", "NVDA"], _loader.Calls.Select(c => c.Entry.Symbol).Order());
        Assert.Equal(5 + 5 + 5, status.GetProperty("rows").GetProperty("ohlcv_daily").GetInt64());
    }

    [Fact]
    public async Task Malformed_control_messages_are_refused_and_a_real_cancel_still_works_afterwards()
    {
        _loader.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await StartAsync();
        await PublishJobAsync(Job("ctl-1", "AAPL", "MSFT", "NVDA"));
        await WaitForStatusAsync("ctl-1", s => s.GetProperty("status").GetString() == "running");

        foreach (var hostile in new[] { "not json", "[1,2]", "{\"action\":\"cancel\"}", "{\"job_id\":\"ctl-1\",\"action\":\"explode\"}",
                     "{\"job_id\":\"ctl-1\",\"action\":\"cancel\",\"pad\":\"" + new string('x', 1_100_000) + "\"}", "{\"job_id\":\"other\",\"action\":\"cancel\"}" })
        {
            await PublishControlAsync(hostile);
        }

        Assert.Equal("running", (await StatusAsync("ctl-1")).GetProperty("status").GetString());
        await PublishControlAsync(JobControlMessage.Cancel("ctl-1", "bob", null).Serialize());
        var status = await WaitForStatusAsync("ctl-1", Ended);
        Assert.Equal("cancelled by bob", status.GetProperty("error_message").GetString());
        _loader.Hold.SetResult();
    }

    [Fact]
    public async Task A_status_the_consumer_sets_to_cancelling_is_acted_on_as_a_cancel_not_overwritten()
    {
        _loader.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await StartAsync();
        await PublishJobAsync(Job("cc-string", "AAPL", "MSFT"));
        await PublishJobAsync(Job("cc-hash", "NVDA"));
        await WaitForStatusAsync("cc-string", s => s.GetProperty("status").GetString() == "running");
        await WaitForStatusAsync("cc-hash", s => s.GetProperty("status").GetString() == "running");

        // The consumer's two ways of asking: its own JSON string, or a hash it wrote over ours.
        var db = _observer.GetDatabase();
        await db.StringSetAsync(Prefix + "cc-string", """{"job_id":"cc-string","status":"cancelling"}""");
        // In one transaction: the coordinator rewrites its status string at any time, and a write between a DEL and an
        // HSET would make the HSET fail (WRONGTYPE) rather than test the coordinator.
        var overwrite = db.CreateTransaction();
        _ = overwrite.KeyDeleteAsync(Prefix + "cc-hash");
        _ = overwrite.HashSetAsync(Prefix + "cc-hash", [new HashEntry("status", "cancelling")]);
        Assert.True(await overwrite.ExecuteAsync());

        foreach (var id in new[] { "cc-string", "cc-hash" })
        {
            var status = await WaitForStatusAsync(id, s => s.GetProperty("status").GetString() != "cancelling" && Ended(s));
            Assert.Equal("failed", status.GetProperty("status").GetString());
            Assert.True(status.GetProperty("cancelled").GetBoolean());
            Assert.Contains("consumer", status.GetProperty("error_message").GetString(), StringComparison.Ordinal);
        }

        _loader.Hold.SetResult();
    }

    [Fact]
    public async Task A_second_job_with_a_running_jobs_id_is_refused_and_the_running_jobs_status_is_kept()
    {
        _loader.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await StartAsync();
        await PublishJobAsync(Job("dup-1", "AAPL", "MSFT", "NVDA"));
        await WaitForStatusAsync("dup-1", s => s.GetProperty("status").GetString() == "running");

        await PublishJobAsync(Job("dup-1", "TSLA"));
        var status = await WaitForStatusAsync("dup-1", s => s.GetProperty("message").GetString()!.Contains("refused", StringComparison.Ordinal));
        Assert.Equal("running", status.GetProperty("status").GetString());
        Assert.Equal(3, status.GetProperty("total_symbols").GetInt32());
        Assert.DoesNotContain(_loader.Calls, c => c.Entry.Symbol == "TSLA");
        _loader.Hold.SetResult();
        Assert.Equal("completed", (await WaitForStatusAsync("dup-1", Ended)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_csv_universe_load_of_curated_etfs_finds_the_file_under_either_spelling()
    {
        await File.WriteAllTextAsync(Path.Combine(_universes, "curated_etfs.csv"), "symbol,name\nSPY,SPDR\nQQQ,Invesco\n", TestContext.Current.CancellationToken);
        await StartAsync();
        await PublishJobAsync(DataLoadJobMessage.CsvUniverseLoad("etf-1", "curated-etfs.csv", "ETF", 0.02, true, null, null));
        var status = await WaitForStatusAsync("etf-1", Ended);
        Assert.True(status.GetProperty("status").GetString() == "completed", status.ToString());
        Assert.Equal(["QQQ", "SPY"], _loader.Calls.Select(c => c.Entry.Symbol).Order());
    }

    [Fact]
    public async Task A_flood_of_hostile_messages_logs_the_first_few_per_channel_and_reason_then_only_counts()
    {
        var warnings = CreateTestProbe();
        Sys.EventStream.Subscribe(warnings.Ref, typeof(Akka.Event.Warning));
        await StartAsync(refusedReportInterval: TimeSpan.FromMilliseconds(300));
        for (var i = 0; i < 60; i++)
        {
            await PublishJobAsync("{not json " + i);
            await PublishControlAsync("[" + i + "]");
        }

        var lines = new List<string>();
        long Reported(string channel) => lines.Where(l => l.Contains("more messages refused on " + channel, StringComparison.Ordinal))
            .Sum(l => long.Parse(l.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture));
        while (Reported(JobChannel) < 55 || Reported(ControlChannel) < 55)
        {
            lines.Add(warnings.ExpectMsg<Akka.Event.Warning>(Timeout).Message.ToString()!);
        }

        // 5 in full per channel and reason, the other 55 only counted: not one line per message.
        Assert.Equal(5, lines.Count(l => l.StartsWith("Refused a message on " + JobChannel + " (MalformedJson", StringComparison.Ordinal)));
        Assert.Equal(5, lines.Count(l => l.StartsWith("Refused a message on " + ControlChannel + " (NotAnObject", StringComparison.Ordinal)));
        Assert.True((Reported(JobChannel), Reported(ControlChannel)) == (55, 55),
            $"expected 55 counted per channel, got {Reported(JobChannel)} and {Reported(ControlChannel)}:\n{string.Join('\n', lines)}");
    }

    [Fact]
    public async Task A_coordinator_started_while_Redis_is_down_takes_each_job_once_after_Redis_comes_back()
    {
        // While the client is disconnected its subscribe calls fail at once, but it keeps each call's handler and
        // subscribes it when it connects: a handler left from a failed attempt, beside the retry's, took every job twice.
        await using var proxy = new TcpProxy(LocalServices.RedisPort);
        proxy.Cut();
        var warnings = CreateTestProbe();
        Sys.EventStream.Subscribe(warnings.Ref, typeof(Akka.Event.Warning));
        await StartAsync(redisConfiguration: $"127.0.0.1:{proxy.Port}", waitForSubscribers: false);
        await warnings.FishForMessageAsync<Akka.Event.Warning>(w => w.Message.ToString()!.StartsWith("Job coordinator not ready yet", StringComparison.Ordinal), Timeout);

        proxy.Restore();
        await WaitForSubscribersAsync();
        await PublishJobAsync(Job("once-1", "AAPL", "MSFT"));
        Assert.Equal("completed", (await WaitForStatusAsync("once-1", Ended)).GetProperty("status").GetString());

        // A second delivery would have been refused as a repeat (a warning) or, arriving after the end, run again.
        Assert.Equal(["AAPL", "MSFT"], _loader.Calls.Select(c => c.Entry.Symbol).Order());
        var later = warnings.ReceiveWhile(TimeSpan.FromMilliseconds(500), m => (Akka.Event.Warning)m);
        Assert.DoesNotContain(later, w => w.Message.ToString()!.Contains("already running", StringComparison.Ordinal));
    }

    /// <summary>Store in memory; <see cref="HoldStart"/> keeps a job in preparation until released.</summary>
    private sealed class FakeStore : IJobStore
    {
        public TaskCompletionSource? HoldStart { get; set; }

        public TaskCompletionSource StartCalled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<ResumableJob> Running { get; } = [];

        public ConcurrentBag<(string JobId, string Status, bool Cancelled)> Finished { get; } = [];

        public async Task<DateTimeOffset> StartJobAsync(string jobId, string jobType, string message, string? submittedAt, string? description,
            IReadOnlyList<string> pendingSymbols, IReadOnlyList<InvalidSymbol> invalidSymbols, CancellationToken ct)
        {
            StartCalled.TrySetResult();
            if (HoldStart is { } hold)
            {
                await hold.Task;
            }

            return DateTimeOffset.UtcNow;
        }

        public Task MarkSymbolAsync(string jobId, string symbol, string status, string? error, TableCounts rows, CancellationToken ct) => Task.CompletedTask;

        public Task FinishJobAsync(string jobId, string status, string? errorMessage, bool cancelled, CancellationToken ct)
        {
            Finished.Add((jobId, status, cancelled));
            return Task.CompletedTask;
        }

        public Task<IReadOnlyList<ResumableJob>> LoadRunningAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<ResumableJob>>(Running);
    }

    /// <summary>Loader that records calls and answers 5 daily rows per symbol; <see cref="Hold"/> keeps symbols in flight.</summary>
    private sealed class FakeLoader : ISymbolLoader
    {
        public TaskCompletionSource? Hold { get; set; }

        public Func<FetchSymbol, object?>? Answer { get; set; }

        public ConcurrentQueue<FetchSymbol> Calls { get; } = new();

        public async Task<object> LoadAsync(FetchSymbol command, CancellationToken ct)
        {
            Calls.Enqueue(command);
            if (Hold is { } hold)
            {
                try
                {
                    await hold.Task.WaitAsync(ct);
                }
                catch (OperationCanceledException)
                {
                    return new SymbolFailed(command.JobId, command.Entry.Symbol, "cancelled", FailsJob: false);
                }
            }

            return Answer?.Invoke(command) ?? new SymbolLoaded(command.JobId, command.Entry.Symbol, new TableCounts(0, 0, 5, 1, 1));
        }
    }
}
