using System.Collections.Concurrent;
using System.Text.Json;
using StackExchange.Redis;
using TickStock.EndToEnd.Tests.Loading;
using TickStock.Testing;

namespace TickStock.EndToEnd.Tests.Backtesting;

/// <summary>
/// A <see cref="LoadingHarness"/> (scratch schema, every channel and key of its own, the backtest ones included) and a recorder of every message the daemon publishes on the progress and results channels.
/// </summary>
internal sealed class BacktestHarness : IAsyncDisposable
{
    private readonly ConcurrentQueue<(string Channel, string Json)> _published = new();

    private BacktestHarness(LoadingHarness loading)
    {
        Loading = loading;
    }

    public LoadingHarness Loading { get; }

    /// <summary>The scenario's names, backtest channels and ledger key included (the loading harness's).</summary>
    public IsolatedChannels Channels => Loading.Names;

    public static async Task<BacktestHarness> CreateAsync(string prefix)
    {
        var loading = await LoadingHarness.CreateAsync(prefix);
        var harness = new BacktestHarness(loading);
        var subscriber = loading.Redis.GetSubscriber();
        foreach (var channel in new[] { harness.Channels.BacktestProgress, harness.Channels.BacktestResults })
        {
            await subscriber.SubscribeAsync(RedisChannel.Literal(channel), (_, value) => harness._published.Enqueue((channel, value.ToString())));
        }

        return harness;
    }

    public async Task<ChildProcess> StartDaemonAsync(string now, IReadOnlyDictionary<string, string?>? extra = null)
    {
        var daemon = await Loading.StartDaemonAsync(now, extra);
        Assert.True(await daemon.WaitForLineAsync("Backtest coordinator listening on " + Channels.BacktestJobs, LoadingHarness.StartTimeout), daemon.Output);
        return daemon;
    }

    public async Task SubmitAsync(string json)
    {
        var receivers = await Loading.Redis.GetSubscriber().PublishAsync(RedisChannel.Literal(Channels.BacktestJobs), json);
        Assert.True(receivers > 0, "no daemon subscribed to " + Channels.BacktestJobs);
    }

    public async Task CancelAsync(string jobId) =>
        await Loading.Redis.GetSubscriber().PublishAsync(RedisChannel.Literal(Channels.BacktestCancel), $$"""{"type":"cancel_job","job_id":"{{jobId}}","timestamp":1720200000.0,"source":"test"}""");

    /// <summary>Every progress message of <paramref name="jobId"/> received so far, in order.</summary>
    public List<JsonElement> Progress(string jobId) => Of(Channels.BacktestProgress, jobId);

    /// <summary>Every result message of <paramref name="jobId"/> received so far.</summary>
    public List<JsonElement> Results(string jobId) => Of(Channels.BacktestResults, jobId);

    /// <summary>Waits for the job's first result message (the raw text too, for byte comparisons).</summary>
    public async Task<(JsonElement Result, string Raw)> WaitForResultAsync(string jobId, TimeSpan timeout, ChildProcess? daemon = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            foreach (var (channel, json) in _published)
            {
                if (channel == Channels.BacktestResults && JobIdOf(json) == jobId)
                {
                    return (JsonDocument.Parse(json).RootElement.Clone(), json);
                }
            }

            await Task.Delay(50);
        }

        Assert.Fail($"backtest {jobId}: no result within {timeout}\n{daemon?.Output}");
        return default;
    }

    /// <summary>Waits until the job has published at least <paramref name="count"/> progress messages.</summary>
    public async Task WaitForProgressAsync(string jobId, int count, TimeSpan timeout, ChildProcess? daemon = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (Progress(jobId).Count >= count)
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail($"backtest {jobId}: fewer than {count} progress messages within {timeout}\n{daemon?.Output}");
    }

    private List<JsonElement> Of(string channel, string jobId) =>
        [.. _published.Where(p => p.Channel == channel && JobIdOf(p.Json) == jobId).Select(p => JsonDocument.Parse(p.Json).RootElement.Clone())];

    private static string? JobIdOf(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.TryGetProperty("job_id", out var id) ? id.GetString() : null;
    }

    public static string Job(string jobId, string symbols, string start, string end, string more = "") =>
        $$"""{"type":"backtest_job","job_id":"{{jobId}}","user_id":"u-1","symbols":[{{symbols}}],"start_date":"{{start}}","end_date":"{{end}}","patterns":[],"parameters":{"initial_capital":100000,"commission_rate":0.001,"slippage_rate":0.0005,"max_position_size":0.1,"stop_loss_pct":0.05,"take_profit_pct":0.10}{{more}},"timestamp":1720200000.0,"source":"test"}""";

    public async ValueTask DisposeAsync()
    {
        await Loading.Redis.GetDatabase().KeyDeleteAsync(Channels.BacktestLedgerKey);
        await Loading.DisposeAsync();
    }
}
