using Akka.Event;
using TickStock.Actors.Infrastructure;
using TickStock.Core.Jobs;
using TickStock.Core.Loading;
using TickStock.Core.Universe;
using static TickStock.Actors.Loading.JobCoordinatorMessages;

namespace TickStock.Actors.Loading;

/// <summary>
/// The I/O before a job runs, done off the coordinator's thread and piped back as a message:
/// resolve its symbols (the universe file is read here), keep the consumer's fields, record it
/// in the store — and on start-up, rebuild the jobs a stopped node left running. Holds no actor
/// state; every dependency is thread-safe.
/// </summary>
public sealed class JobPreparation(IJobStore store, JobStatusKeys statusKeys, HistoricalLoadingSettings settings)
{
    private readonly JobStatusClock _clock = new(TimeZoneInfo.Local);

    /// <summary>Answers <see cref="JobPrepared"/>, <see cref="JobRejected"/>, or <see cref="JobWaiting"/> while PostgreSQL is down.</summary>
    public async Task<object> PrepareAsync(DataLoadJob job, string rawMessage)
    {
        ArgumentNullException.ThrowIfNull(job);
        var (submittedAt, description) = await statusKeys.ReadConsumerFieldsAsync(job.JobId).ConfigureAwait(false);
        var resolved = await ResolveAsync(job).ConfigureAwait(false);
        if (resolved.Error is not null)
        {
            return new JobRejected(job.JobId, job.JobType, resolved.Error, submittedAt, description, WasPrepared: true);
        }

        submittedAt = job.SubmittedAt ?? submittedAt;
        description = job.Description ?? description;
        DateTimeOffset started;
        try
        {
            started = await store.StartJobAsync(job.JobId, job.JobType, rawMessage, submittedAt, description,
                resolved.Valid.Select(e => e.Symbol).ToList(), resolved.Invalid, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (Outage.Of(ex) is { } dependency)
        {
            return new JobWaiting(job, rawMessage, Outage.Describe(dependency, ex));
        }

        return new JobPrepared(LoadJobState.Start(job, Window(job), resolved.Universe, _clock.ToHostLocal(started), resolved.Valid, resolved.Invalid, submittedAt, description));
    }

    /// <summary>A message that is no job at all but names one: it fails with <paramref name="error"/>, keeping the consumer's fields.</summary>
    public async Task<object> RejectAsync(string jobId, string? jobType, string error)
    {
        var (submittedAt, description) = await statusKeys.ReadConsumerFieldsAsync(jobId).ConfigureAwait(false);
        return new JobRejected(jobId, jobType, error, submittedAt, description, WasPrepared: false);
    }

    /// <summary>
    /// Start-up: subscribes the job channels, then rebuilds the jobs the store holds as running
    /// (the unusable ones are ended as failed). All or nothing: a failure unsubscribes again.
    /// </summary>
    public async Task<Ready> StartAsync(RedisConnectionProvider redis, IReadOnlyList<string> channels, Action<string, byte[]> onMessage)
    {
        var subscriptions = await ChannelSubscriptions.SubscribeAsync(redis, channels, onMessage).ConfigureAwait(false);
        try
        {
            var (resumed, abandoned) = await ResumeAsync().ConfigureAwait(false);
            return new Ready(subscriptions, resumed, abandoned);
        }
        catch
        {
            subscriptions.Dispose();
            throw;
        }
    }

    /// <summary>Records a job's end in the store, without waiting; a failure is logged (a restart re-checks the job).</summary>
    public void RecordEnd(LoadJobState state, ILoggingAdapter log)
    {
        ArgumentNullException.ThrowIfNull(state);
        store.FinishJobAsync(state.JobId, state.Status, state.ErrorMessage, state.Cancelled, CancellationToken.None).ContinueWith(
            t => log.Warning("Could not record the end of job {0} (a restart re-checks it): {1}", state.JobId, t.Exception?.GetBaseException().Message),
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    private async Task<(List<LoadJobState> Resumed, List<string> Abandoned)> ResumeAsync()
    {
        var resumed = new List<LoadJobState>();
        var abandoned = new List<string>();
        foreach (var stored in await store.LoadRunningAsync(CancellationToken.None).ConfigureAwait(false))
        {
            var parsed = DataLoadJobParser.Parse(stored.Message);
            var resolved = parsed.Job is { } j ? await ResolveAsync(j).ConfigureAwait(false) : null;
            if (parsed.Job is not { } job || resolved!.Error is not null)
            {
                abandoned.Add(stored.JobId);
                await store.FinishJobAsync(stored.JobId, JobStatusValues.Failed, "could not resume: " + (parsed.ErrorMessage ?? resolved!.Error), false, CancellationToken.None).ConfigureAwait(false);
                continue;
            }

            var (submittedAt, description) = await statusKeys.ReadConsumerFieldsAsync(job.JobId).ConfigureAwait(false);
            var pending = resolved.Valid.Where(e => !stored.Symbols.TryGetValue(e.Symbol, out var p) || p.Status == JobStore.Pending).ToList();
            var state = LoadJobState.Start(job, Window(job), resolved.Universe, _clock.ToHostLocal(stored.StartedAt), pending, resolved.Invalid, submittedAt, description)
                with { TotalSymbols = resolved.Valid.Count + resolved.Invalid.Count };
            foreach (var entry in resolved.Valid)
            {
                if (stored.Symbols.TryGetValue(entry.Symbol, out var progress) && progress.Status != JobStore.Pending)
                {
                    state = state.Restored(entry.Symbol, progress.Status == JobStore.Done, progress.Error, progress.Rows);
                }
            }

            resumed.Add(state);
        }

        return (resumed, abandoned);
    }

    private JobWindow Window(DataLoadJob job) =>
        JobWindowCalculator.Compute(settings.Now ?? DateTimeOffset.UtcNow, job.Years, settings.IntradayCapYears);

    private sealed record ResolvedSymbols(IReadOnlyList<UniverseEntry> Valid, IReadOnlyList<InvalidSymbol> Invalid, string? Universe, string? Error);

    private Task<ResolvedSymbols> ResolveAsync(DataLoadJob job) => job switch
    {
        HistoricalLoadJob h => Task.FromResult(Listed(h.Symbols)),
        MultiTimeframeLoadJob m => Task.FromResult(Listed(m.Symbols)),
        CsvUniverseLoadJob c => ReadUniverseAsync(UniverseFiles.CandidatesForFile(c.CsvFile), c.UniverseType),
        UniverseSeedJob u => ReadUniverseAsync(u.CandidateFiles, u.UniverseType),
        _ => Task.FromResult(new ResolvedSymbols([], [], null, $"unsupported job type {job.JobType}")),
    };

    private static ResolvedSymbols Listed(JobSymbols symbols) =>
        new(symbols.Valid.Select(s => new UniverseEntry(s, null, null)).ToList(), symbols.Invalid, null, null);

    private async Task<ResolvedSymbols> ReadUniverseAsync(IReadOnlyList<string> candidates, string? universeType)
    {
        foreach (var file in candidates)
        {
            var path = UniverseFiles.ResolvePath(settings.UniversesDirectory, file, out var error);
            if (path is null)
            {
                return new([], [], null, error);
            }

            if (!File.Exists(path))
            {
                continue;
            }

            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, useAsync: true);
            await using (stream.ConfigureAwait(false))
            {
                using var content = new MemoryStream();
                await stream.CopyToAsync(content).ConfigureAwait(false);
                content.Position = 0;
                var parsed = UniverseCsvParser.Parse(content);
                if (!parsed.Succeeded)
                {
                    return new([], [], null, $"{file}: {parsed.Error}");
                }

                if (parsed.TotalSymbols == 0)
                {
                    return new([], [], null, $"{file}: the universe has no symbols");
                }

                return new(parsed.Symbols, parsed.InvalidSymbols, universeType ?? Path.GetFileNameWithoutExtension(file), null);
            }
        }

        return new([], [], null, $"unknown universe file {string.Join(" or ", candidates.Select(c => "'" + c + "'"))}: not found in the universes folder");
    }
}
