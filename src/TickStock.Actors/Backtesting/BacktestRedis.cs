using System.Globalization;
using System.Text.Json;
using StackExchange.Redis;
using TickStock.Actors.Configuration;
using TickStock.Actors.Infrastructure;
using TickStock.Core.Jobs;

namespace TickStock.Actors.Backtesting;

/// <summary>Publishes a backtest's messages (contract §5) on its channels.</summary>
public interface IBacktestPublisher
{
    Task PublishProgressAsync(string json);

    /// <summary>
    /// Publishes the job's result and removes the job from the ledger as one atomic step, so a node killed at any
    /// moment leaves either no result and the job in the ledger (it is run again), or the result and no entry —
    /// never a result and an entry (a second result after the re-run) or neither.
    /// </summary>
    Task PublishResultAsync(string jobId, string json);
}

/// <summary>
/// Asks the loading module (the JobCoordinator singleton, on whichever node holds the "jobs" role) for missing
/// history: a consumer-format <c>historical_load</c> job on <c>tickstock.jobs.data_load</c>, followed through its
/// status key. So a backtest's loading uses the same provider (or embedded stub), the same cluster-wide rate limiter,
/// the same upserts and the same resume as any data-load job, and an operator sees it in <c>tickstock job list</c>.
/// </summary>
public interface IHistoryLoadRequests
{
    /// <summary>
    /// Publishes the job, after deleting any status key an older job of the same id left (so that status cannot be
    /// taken for this job's end); false when no node listens on the data-load channel.
    /// </summary>
    Task<bool> SubmitAsync(string loadJobId, IReadOnlyList<string> symbols, double years);

    /// <summary>The job's status document, null while it has none.</summary>
    Task<JobStatusDocument?> StatusAsync(string loadJobId);

    /// <summary>Asks the loader to cancel the job (the backtest that wanted it was cancelled).</summary>
    Task CancelAsync(string loadJobId, string requestedBy);
}

/// <summary>A backtest accepted but not yet answered, as the ledger keeps it.</summary>
public sealed record LedgerEntry(string JobId, int Attempt, string Message);

/// <summary>
/// Backtests accepted and not yet answered, kept outside the node (a Redis hash) so the singleton's next incarnation —
/// after a crash, a kill, or a hand-over to another node — re-runs them instead of losing them silently.
/// </summary>
public interface IBacktestLedger
{
    /// <summary>Records (or re-records, with a higher attempt) an accepted job; its removal is part of <see cref="IBacktestPublisher.PublishResultAsync"/>.</summary>
    Task RecordAsync(LedgerEntry entry);

    Task<IReadOnlyList<LedgerEntry>> LoadAsync();
}

/// <summary>The Redis side of daemon backtests: the two output channels, the history-load jobs and the ledger.</summary>
/// <remarks>The ledger is the hash <see cref="BacktestSettings.LedgerKey"/>: field = job id, value = <c>{"attempt":n,"message":…}</c>.</remarks>
public sealed class BacktestRedis(RedisConnectionProvider redis, BacktestSettings backtest, JobSettings jobs)
    : IBacktestPublisher, IHistoryLoadRequests, IBacktestLedger
{
    private readonly string _ledgerKey = backtest.LedgerKey;

    public async Task PublishProgressAsync(string json) =>
        await (await DatabaseAsync().ConfigureAwait(false)).PublishAsync(RedisChannel.Literal(backtest.ProgressChannel), json).ConfigureAwait(false);

    public async Task PublishResultAsync(string jobId, string json)
    {
        var transaction = (await DatabaseAsync().ConfigureAwait(false)).CreateTransaction();
        _ = transaction.HashDeleteAsync(_ledgerKey, jobId);
        _ = transaction.PublishAsync(RedisChannel.Literal(backtest.ResultsChannel), json);
        if (!await transaction.ExecuteAsync().ConfigureAwait(false))
        {
            throw new InvalidOperationException("the result transaction was not executed");
        }
    }

    public async Task<bool> SubmitAsync(string loadJobId, IReadOnlyList<string> symbols, double years)
    {
        string message = DataLoadJobMessage.HistoricalLoad(loadJobId, symbols, years, "day", "backtest", LocalNow());
        var db = await DatabaseAsync().ConfigureAwait(false);
        await db.KeyDeleteAsync(jobs.StatusKeyPrefix + loadJobId).ConfigureAwait(false);
        return await db.PublishAsync(RedisChannel.Literal(jobs.DataLoadChannel), message).ConfigureAwait(false) > 0;
    }

    public async Task<JobStatusDocument?> StatusAsync(string loadJobId)
    {
        var db = await DatabaseAsync().ConfigureAwait(false);
        RedisKey key = jobs.StatusKeyPrefix + loadJobId;
        return await db.KeyTypeAsync(key).ConfigureAwait(false) == RedisType.String
            ? JobStatusSerializer.Parse(await db.StringGetAsync(key).ConfigureAwait(false))
            : null;
    }

    public async Task CancelAsync(string loadJobId, string requestedBy)
    {
        var db = await DatabaseAsync().ConfigureAwait(false);
        await db.PublishAsync(RedisChannel.Literal(jobs.ControlChannel), JobControlMessage.Cancel(loadJobId, requestedBy, LocalNow()).Serialize()).ConfigureAwait(false);
    }

    public async Task RecordAsync(LedgerEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        string value = Core.Contracts.WireFormat.Object(w =>
        {
            w.WriteNumber("attempt", entry.Attempt);
            w.WriteString("message", entry.Message);
        });
        await (await DatabaseAsync().ConfigureAwait(false)).HashSetAsync(_ledgerKey, entry.JobId, value).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<LedgerEntry>> LoadAsync()
    {
        var entries = new List<LedgerEntry>();
        foreach (var field in await (await DatabaseAsync().ConfigureAwait(false)).HashGetAllAsync(_ledgerKey).ConfigureAwait(false))
        {
            entries.Add(ParseEntry(field.Name!, field.Value!));
        }

        return entries;
    }

    /// <summary>A ledger value; one that does not parse comes back with attempt 0 and the raw text (the job then fails cleanly on re-run).</summary>
    public static LedgerEntry ParseEntry(string jobId, string value)
    {
        try
        {
            using var doc = JsonDocument.Parse(value);
            if (doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("attempt", out var attempt) && attempt.TryGetInt32(out int n)
                && doc.RootElement.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String)
            {
                return new LedgerEntry(jobId, n, message.GetString()!);
            }
        }
        catch (JsonException)
        {
        }

        return new LedgerEntry(jobId, 0, value);
    }

    private async Task<IDatabase> DatabaseAsync() => (await redis.GetAsync().ConfigureAwait(false)).GetDatabase();

    private static string LocalNow() => JobStatusClock.FormatLocal(DateTime.Now);
}
