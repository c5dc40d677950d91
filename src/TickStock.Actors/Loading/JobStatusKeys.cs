using Akka.Actor;
using Akka.Event;
using StackExchange.Redis;
using TickStock.Actors.Infrastructure;
using TickStock.Core.Jobs;

namespace TickStock.Actors.Loading;

/// <summary>
/// The <c>tickstock.jobs.status:{job_id}</c> keys (contract §6.1): whole values with SET EX,
/// the consumer's own fields read back, and its <c>cancelling</c> noticed. Thread-safe; holds no
/// actor state.
/// </summary>
public sealed class JobStatusKeys(RedisConnectionProvider redis, string prefix, TimeSpan ttl)
{
    // Sets a running status unless the consumer has asked for a cancel by writing "cancelling"
    // (as a JSON string or a hash field): then the key is left as it is and 1 is returned, so
    // the request is neither lost nor overwritten. Atomic, so a request cannot slip in between.
    private const string SetUnlessCancellingScript = """
        local kind = redis.call('TYPE', KEYS[1]).ok
        if kind == 'string' then
          local ok, doc = pcall(cjson.decode, redis.call('GET', KEYS[1]))
          if ok and type(doc) == 'table' and doc['status'] == 'cancelling' then return 1 end
        elseif kind == 'hash' then
          if redis.call('HGET', KEYS[1], 'status') == 'cancelling' then return 1 end
        end
        redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
        return 0
        """;

    public string Prefix => prefix;

    /// <summary>
    /// Writes a status. A running status is not written over a consumer's <c>cancelling</c>: the
    /// result is then true and the caller cancels the job. Terminal statuses are always written.
    /// </summary>
    public async Task<bool> WriteAsync(JobStatusDocument status)
    {
        ArgumentNullException.ThrowIfNull(status);
        var db = (await redis.GetAsync().ConfigureAwait(false)).GetDatabase();
        var key = prefix + status.JobId;
        var json = JobStatusSerializer.Serialize(status);
        if (JobStatusValues.IsTerminal(status.Status))
        {
            await db.StringSetAsync(key, json, ttl).ConfigureAwait(false);
            return false;
        }

        var result = await db.ScriptEvaluateAsync(SetUnlessCancellingScript, [key], [json, (long)ttl.TotalSeconds]).ConfigureAwait(false);
        return (long)result == 1;
    }

    /// <summary>
    /// <see cref="WriteAsync"/> without waiting, for an actor: writes are issued in the caller's
    /// order on one multiplexer, so the last one wins; a consumer's cancel request comes back to
    /// <paramref name="coordinator"/> as <see cref="JobCoordinatorMessages.CancelRequestedInStatus"/>,
    /// a failure is logged.
    /// </summary>
    public void Write(JobStatusDocument status, IActorRef coordinator, ILoggingAdapter log)
    {
        ArgumentNullException.ThrowIfNull(status);
        var jobId = status.JobId;
        WriteAsync(status).ContinueWith(
            t =>
            {
                if (t.IsFaulted)
                {
                    log.Warning("Could not write the status of job {0}: {1}", jobId, t.Exception?.GetBaseException().Message);
                }
                else if (t.Result)
                {
                    coordinator.Tell(new JobCoordinatorMessages.CancelRequestedInStatus(jobId));
                }
            },
            CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    /// <summary>The consumer's <c>submitted_at</c> and <c>description</c> from the status it wrote first, if any; a courtesy, so Redis errors give nulls.</summary>
    public async Task<(string? SubmittedAt, string? Description)> ReadConsumerFieldsAsync(string jobId)
    {
        try
        {
            var db = (await redis.GetAsync().ConfigureAwait(false)).GetDatabase();
            var key = prefix + jobId;
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
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // The job runs without them.
        }

        return (null, null);
    }
}
