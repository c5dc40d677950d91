using System.Text.Json;
using Akka.Actor;
using Akka.Event;
using StackExchange.Redis;
using TickStock.Actors.Infrastructure;
using TickStock.Core.Jobs;
using TickStock.Core.Loading;
using TickStock.Core.Universe;
using static TickStock.Actors.Loading.LoadingMessages;

namespace TickStock.Actors.Loading;

/// <summary>Settings of the loading module.</summary>
public sealed record HistoricalLoadingSettings
{
    public string DataLoadChannel { get; init; } = "tickstock.jobs.data_load";
    public string ControlChannel { get; init; } = "tickstock.jobs.control";
    public string StatusKeyPrefix { get; init; } = "tickstock.jobs.status:";
    public TimeSpan StatusTtl { get; init; } = TimeSpan.FromSeconds(86400);

    /// <summary>Status is rewritten at least this often while a job runs (contract: ≤ 30 s).</summary>
    public TimeSpan StatusInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Fetchers working in parallel (each one symbol at a time); the token bucket bounds the call rate.</summary>
    public int Fetchers { get; init; } = 4;

    /// <summary>Years of minute/hourly history at most (contract §6.2 default 1).</summary>
    public double IntradayCapYears { get; init; } = JobWindowCalculator.DefaultIntradayCapYears;

    public required string UniversesDirectory { get; init; }

    /// <summary>Pinned "now" (TICKSTOCK_NOW); null = the clock.</summary>
    public DateTimeOffset? Now { get; init; }
}

/// <summary>
/// The cluster singleton that runs data-load jobs (contract §6): listens on the job and control
/// channels, validates, fans symbols out to its PolygonFetcher children, writes the status key
/// (whole value, SET EX) at start, after every symbol, on a timer and at the end, and persists
/// progress so a restarted node resumes the job.
/// </summary>
public sealed class JobCoordinator : ReceiveActor, IWithTimers, IWithStash
{
    private sealed record Initialize
    {
        public static readonly Initialize Instance = new();
    }

    private sealed record Initialized(IConnectionMultiplexer Redis, IReadOnlyList<LoadJobState> Resumed, IReadOnlyList<string> Abandoned);

    private sealed record StatusTick
    {
        public static readonly StatusTick Instance = new();
    }

    private sealed record JobPrepared(LoadJobState State);

    private sealed record JobRejected(string JobId, string? JobType, string Error);

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly RedisConnectionProvider _redis;
    private readonly JobStore _store;
    private readonly SymbolLoader _loader;
    private readonly HistoricalLoadingSettings _settings;
    private readonly JobStatusClock _clock = new(TimeZoneInfo.Local);
    private readonly Dictionary<string, LoadJobState> _jobs = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private readonly HashSet<string> _preparing = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?> _cancelWhilePreparing = new(StringComparer.Ordinal);
    private readonly List<IActorRef> _idle = [];
    private readonly List<IActorRef> _fetchers = [];
    private readonly List<(RedisChannel Channel, Action<RedisChannel, RedisValue> Handler)> _subscriptions = [];
    private IConnectionMultiplexer? _mux;
    private long _rejectedMessages;

    public JobCoordinator(RedisConnectionProvider redis, JobStore store, SymbolLoader loader, HistoricalLoadingSettings settings)
    {
        _redis = redis;
        _store = store;
        _loader = loader;
        _settings = settings;
        Starting();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public IStash Stash { get; set; } = null!;

    public static Props PropsFor(RedisConnectionProvider redis, JobStore store, SymbolLoader loader, HistoricalLoadingSettings settings) =>
        Props.Create(() => new JobCoordinator(redis, store, loader, settings));

    protected override void PreStart()
    {
        for (var i = 0; i < Math.Max(1, _settings.Fetchers); i++)
        {
            var fetcher = Context.ActorOf(PolygonFetcher.PropsFor(_loader), "fetcher-" + i);
            _fetchers.Add(fetcher);
            _idle.Add(fetcher);
        }

        Self.Tell(Initialize.Instance);
    }

    protected override void PostStop()
    {
        if (_mux is { } mux)
        {
            var subscriber = mux.GetSubscriber();
            foreach (var (channel, handler) in _subscriptions)
            {
                subscriber.Unsubscribe(channel, handler, CommandFlags.FireAndForget);
            }
        }

        base.PostStop();
    }

    // Until Redis is subscribed and PostgreSQL has told us which jobs to resume, jobs wait.
    private void Starting()
    {
        Receive<Initialize>(_ => InitializeAsync(Self).PipeTo(Self, failure: ex => new Status.Failure(ex)));
        Receive<Status.Failure>(failure =>
        {
            _log.Warning("Job coordinator not ready yet ({0}); retrying in 2s", failure.Cause.GetBaseException().Message.Split('\n')[0]);
            Timers.StartSingleTimer("init", Initialize.Instance, TimeSpan.FromSeconds(2));
        });
        Receive<Initialized>(ready =>
        {
            _mux = ready.Redis;
            foreach (var abandoned in ready.Abandoned)
            {
                _log.Warning("Job {0} could not be resumed: {1}", abandoned, "its stored message no longer parses");
            }

            foreach (var state in ready.Resumed)
            {
                _log.Info("Resuming job {0}: {1} of {2} symbols already done", state.JobId, state.Processed, state.TotalSymbols);
                Add(state);
                if (!state.IsTerminal)
                {
                    WriteStatus(state);
                }
            }

            Timers.StartPeriodicTimer("status", StatusTick.Instance, _settings.StatusInterval);
            _log.Info("Job coordinator listening on {0} and {1}", _settings.DataLoadChannel, _settings.ControlChannel);
            Become(Running);
            Stash.UnstashAll();
            Dispatch();
        });
        ReceiveAny(_ => Stash.Stash());
    }

    private void Running()
    {
        Receive<JobChannelMessage>(m => m.Channel == _settings.ControlChannel, OnControl);
        Receive<JobChannelMessage>(OnJobMessage);
        Receive<JobPrepared>(prepared =>
        {
            _preparing.Remove(prepared.State.JobId);
            WriteStatus(prepared.State); // "running" first; Add writes the end at once when nothing is left to load
            Add(prepared.State);
            if (_cancelWhilePreparing.Remove(prepared.State.JobId, out var by))
            {
                CancelJob(prepared.State.JobId, by);
            }

            Dispatch();
        });
        Receive<JobRejected>(rejected =>
        {
            _preparing.Remove(rejected.JobId);
            _cancelWhilePreparing.Remove(rejected.JobId);
            _log.Warning("Job {0} failed: {1}", rejected.JobId, rejected.Error);
            WriteRejection(rejected.JobId, rejected.JobType, rejected.Error);
        });
        Receive<SymbolLoaded>(loaded =>
        {
            _idle.Add(Sender);
            Update(loaded.JobId, s => s.Succeeded(loaded.Symbol, loaded.Rows));
        });
        Receive<SymbolFailed>(failed =>
        {
            _idle.Add(Sender);
            if (failed.FailsJob && _jobs.ContainsKey(failed.JobId))
            {
                Broadcast(new CancelFetch(failed.JobId));
                Update(failed.JobId, s => s.FailedSymbol(failed.Symbol, failed.Reason).Fail(failed.Reason, _clock.Now()));
                return;
            }

            Update(failed.JobId, s => s.FailedSymbol(failed.Symbol, failed.Reason));
        });
        Receive<StatusTick>(_ =>
        {
            foreach (var state in _jobs.Values)
            {
                WriteStatus(state);
            }
        });
    }

    private void OnJobMessage(JobChannelMessage message)
    {
        var parsed = DataLoadJobParser.Parse(message.Payload);
        if (parsed.Job is not { } job)
        {
            _rejectedMessages++;
            if (parsed.JobId is { } id)
            {
                _log.Warning("Rejected job {0} on {1}: {2} ({3} rejected so far)", id, message.Channel, parsed.ErrorMessage, _rejectedMessages);
                WriteRejection(id, parsed.JobType, parsed.ErrorMessage ?? "invalid job");
            }
            else
            {
                _log.Warning("Dropped a message on {0} without a usable job_id: {1} ({2} rejected so far)", message.Channel, parsed.ErrorMessage, _rejectedMessages);
            }

            return;
        }

        if (_jobs.ContainsKey(job.JobId) || _preparing.Contains(job.JobId))
        {
            _log.Warning("Job {0} is already running; the repeated submission is ignored", job.JobId);
            return;
        }

        _preparing.Add(job.JobId);
        var raw = System.Text.Encoding.UTF8.GetString(message.Payload);
        PrepareAsync(job, raw).PipeTo(Self, failure: ex => new JobRejected(job.JobId, job.JobType, "could not start: " + ex.GetBaseException().Message.Split('\n')[0]));
    }

    private void OnControl(JobChannelMessage message)
    {
        string? jobId = null, action = null, requestedBy = null;
        try
        {
            if (message.Payload.Length <= DataLoadJobParser.MaxMessageBytes)
            {
                using var doc = JsonDocument.Parse(message.Payload);
                if (doc.RootElement.ValueKind == JsonValueKind.Object)
                {
                    jobId = Text(doc.RootElement, "job_id");
                    action = Text(doc.RootElement, "action");
                    requestedBy = Text(doc.RootElement, "requested_by");
                }
            }
        }
        catch (JsonException)
        {
            // Reported below.
        }

        if (jobId is null || !string.Equals(action, "cancel", StringComparison.OrdinalIgnoreCase))
        {
            _rejectedMessages++;
            _log.Warning("Ignored a control message on {0}: expected {{job_id, action:\"cancel\"}} ({1} rejected so far)", message.Channel, _rejectedMessages);
            return;
        }

        if (_preparing.Contains(jobId))
        {
            _cancelWhilePreparing[jobId] = requestedBy;
            return;
        }

        if (!_jobs.ContainsKey(jobId))
        {
            _log.Info("Cancel for job {0} ignored: it is not running here", jobId);
            return;
        }

        CancelJob(jobId, requestedBy);
    }

    private void CancelJob(string jobId, string? requestedBy)
    {
        _log.Info("Cancelling job {0} (requested by {1})", jobId, requestedBy ?? "unknown");
        Broadcast(new CancelFetch(jobId));
        Update(jobId, s => s.Cancel(requestedBy, _clock.Now()));
    }

    private void Update(string jobId, Func<LoadJobState, LoadJobState> change)
    {
        if (!_jobs.TryGetValue(jobId, out var state))
        {
            Dispatch(); // an outcome for a finished/cancelled job: the fetcher is free again
            return;
        }

        state = change(state);
        if (!state.IsTerminal && state.AllSymbolsDone)
        {
            state = state.Complete(_clock.Now());
        }

        _jobs[jobId] = state;
        WriteStatus(state);
        if (state.IsTerminal)
        {
            Finish(state);
        }

        Dispatch();
    }

    private void Add(LoadJobState state)
    {
        if (!state.IsTerminal && state.AllSymbolsDone)
        {
            state = state.Complete(_clock.Now());
        }

        _jobs[state.JobId] = state;
        _order.Add(state.JobId);
        if (state.IsTerminal)
        {
            WriteStatus(state);
            Finish(state);
        }
    }

    private void Finish(LoadJobState state)
    {
        _jobs.Remove(state.JobId);
        _order.Remove(state.JobId);
        _log.Info("Job {0} {1}: {2}", state.JobId, state.Status, state.Message);
        var store = _store;
        var log = _log;
        _ = Task.Run(async () =>
        {
            try
            {
                await store.FinishJobAsync(state.JobId, state.Status, state.ErrorMessage, state.Cancelled, CancellationToken.None).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // a lost bookkeeping update only means a restart re-checks the job
            catch (Exception ex)
#pragma warning restore CA1031
            {
                log.Warning("Could not record the end of job {0}: {1}", state.JobId, ex.Message);
            }
        });
    }

    private void Dispatch()
    {
        while (_idle.Count > 0)
        {
            var sent = false;
            foreach (var jobId in _order.ToList())
            {
                if (_idle.Count == 0)
                {
                    break;
                }

                var (state, next) = _jobs[jobId].TakeNext();
                if (next is null)
                {
                    continue;
                }

                _jobs[jobId] = state;
                var fetcher = _idle[^1];
                _idle.RemoveAt(_idle.Count - 1);
                fetcher.Tell(new FetchSymbol(jobId, next, state.Job.Targets, state.Window, state.Universe, state.Job is UniverseSeedJob { Refresh: false }));
                sent = true;
            }

            if (!sent)
            {
                return;
            }
        }
    }

    private void Broadcast(object message)
    {
        foreach (var fetcher in _fetchers)
        {
            fetcher.Tell(message);
        }
    }

    private void WriteStatus(LoadJobState state) => SetStatus(state.JobId, JobStatusSerializer.Serialize(state.ToDocument()));

    private void SetStatus(string jobId, string json)
    {
        if (_mux is null)
        {
            return;
        }

        // Issued in actor order on one multiplexer, so the last write wins as intended.
        var log = _log;
        _mux.GetDatabase().StringSetAsync(_settings.StatusKeyPrefix + jobId, json, _settings.StatusTtl).ContinueWith(
            t => log.Warning("Could not write the status of job {0}: {1}", jobId, t.Exception?.GetBaseException().Message),
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    private void WriteRejection(string jobId, string? jobType, string error)
    {
        var now = _clock.Now();
        var mux = _mux;
        var key = _settings.StatusKeyPrefix + jobId;
        var ttl = _settings.StatusTtl;
        var log = _log;
        _ = Task.Run(async () =>
        {
            try
            {
                var (submittedAt, description) = mux is null ? (null, null) : await ConsumerFieldsAsync(mux.GetDatabase(), key).ConfigureAwait(false);
                var doc = new JobStatusDocument
                {
                    JobId = jobId,
                    JobType = jobType ?? "unknown",
                    Status = JobStatusValues.Failed,
                    Message = error,
                    ErrorMessage = error,
                    StartedAt = now,
                    CompletedAt = now,
                    SubmittedAt = submittedAt,
                    Description = description,
                };
                if (mux is not null)
                {
                    await mux.GetDatabase().StringSetAsync(key, JobStatusSerializer.Serialize(doc), ttl).ConfigureAwait(false);
                }
            }
            catch (RedisException ex)
            {
                log.Warning("Could not write the failed status of job {0}: {1}", jobId, ex.Message);
            }
        });
    }

    private async Task<object> InitializeAsync(IActorRef self)
    {
        var mux = await _redis.GetAsync().ConfigureAwait(false);
        var subscriber = mux.GetSubscriber();
        foreach (var name in new[] { _settings.DataLoadChannel, _settings.ControlChannel })
        {
            var channel = RedisChannel.Literal(name);
            if (!_subscriptions.Exists(s => s.Channel == channel))
            {
                // A retry after a partial failure must not subscribe a channel twice.
                Action<RedisChannel, RedisValue> handler = (_, value) => self.Tell(new JobChannelMessage(name, (byte[]?)value ?? []));
                await subscriber.SubscribeAsync(channel, handler).ConfigureAwait(false);
                _subscriptions.Add((channel, handler));
            }
        }

        var resumed = new List<LoadJobState>();
        var abandoned = new List<string>();
        foreach (var stored in await _store.LoadRunningAsync(CancellationToken.None).ConfigureAwait(false))
        {
            var parsed = DataLoadJobParser.Parse(stored.Message);
            if (parsed.Job is not { } job)
            {
                abandoned.Add(stored.JobId);
                await _store.FinishJobAsync(stored.JobId, JobStatusValues.Failed, "could not resume: " + parsed.ErrorMessage, false, CancellationToken.None).ConfigureAwait(false);
                continue;
            }

            var resolved = Resolve(job);
            if (resolved.Error is not null)
            {
                abandoned.Add(stored.JobId);
                await _store.FinishJobAsync(stored.JobId, JobStatusValues.Failed, "could not resume: " + resolved.Error, false, CancellationToken.None).ConfigureAwait(false);
                continue;
            }

            var (submittedAt, description) = await ConsumerFieldsAsync(mux.GetDatabase(), _settings.StatusKeyPrefix + job.JobId).ConfigureAwait(false);
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

        return new Initialized(mux, resumed, abandoned);
    }

    private async Task<object> PrepareAsync(DataLoadJob job, string rawMessage)
    {
        var resolved = Resolve(job);
        if (resolved.Error is not null)
        {
            return new JobRejected(job.JobId, job.JobType, resolved.Error);
        }

        var (submittedAt, description) = _mux is null ? (null, null) : await ConsumerFieldsAsync(_mux.GetDatabase(), _settings.StatusKeyPrefix + job.JobId).ConfigureAwait(false);
        submittedAt = job.SubmittedAt ?? submittedAt;
        description = job.Description ?? description;
        var window = Window(job);
        var started = await _store.StartJobAsync(job.JobId, job.JobType, rawMessage, submittedAt, description,
            resolved.Valid.Select(e => e.Symbol).ToList(), resolved.Invalid, CancellationToken.None).ConfigureAwait(false);
        return new JobPrepared(LoadJobState.Start(job, window, resolved.Universe, _clock.ToHostLocal(started), resolved.Valid, resolved.Invalid, submittedAt, description));
    }

    private JobWindow Window(DataLoadJob job) =>
        JobWindowCalculator.Compute(_settings.Now ?? DateTimeOffset.UtcNow, job.Years, _settings.IntradayCapYears);

    private sealed record ResolvedSymbols(IReadOnlyList<UniverseEntry> Valid, IReadOnlyList<InvalidSymbol> Invalid, string? Universe, string? Error);

    private ResolvedSymbols Resolve(DataLoadJob job)
    {
        switch (job)
        {
            case HistoricalLoadJob h:
                return new(h.Symbols.Valid.Select(s => new UniverseEntry(s, null, null)).ToList(), h.Symbols.Invalid, null, null);
            case MultiTimeframeLoadJob m:
                return new(m.Symbols.Valid.Select(s => new UniverseEntry(s, null, null)).ToList(), m.Symbols.Invalid, null, null);
            case CsvUniverseLoadJob c:
                return ReadUniverse([c.CsvFile], c.UniverseType);
            case UniverseSeedJob u:
                return ReadUniverse(u.CandidateFiles, u.UniverseType);
            default:
                return new([], [], null, $"unsupported job type {job.JobType}");
        }
    }

    private ResolvedSymbols ReadUniverse(IReadOnlyList<string> candidates, string? universeType)
    {
        string? error = null;
        foreach (var file in candidates)
        {
            var path = UniverseFiles.ResolvePath(_settings.UniversesDirectory, file, out error);
            if (path is null)
            {
                return new([], [], null, error);
            }

            if (!File.Exists(path))
            {
                continue;
            }

            using var stream = File.OpenRead(path);
            var parsed = UniverseCsvParser.Parse(stream);
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

        return new([], [], null, $"unknown universe file {string.Join(" or ", candidates.Select(c => "'" + c + "'"))}: not found in the universes folder");
    }

    private static async Task<(string? SubmittedAt, string? Description)> ConsumerFieldsAsync(IDatabase db, string key)
    {
        try
        {
            var type = await db.KeyTypeAsync(key).ConfigureAwait(false);
            if (type == RedisType.String)
            {
                var (submittedAt, description, _) = JobStatusSerializer.ReadConsumerFields(await db.StringGetAsync(key).ConfigureAwait(false));
                return (submittedAt, description);
            }

            if (type == RedisType.Hash)
            {
                var values = await db.HashGetAsync(key, ["submitted_at", "description"]).ConfigureAwait(false);
                return (values[0].IsNullOrEmpty ? null : values[0].ToString(), values[1].IsNullOrEmpty ? null : values[1].ToString());
            }
        }
        catch (RedisException)
        {
            // The consumer's fields are a courtesy; the job runs without them.
        }

        return (null, null);
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
}
