using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;
using TickStock.Actors.Infrastructure;

namespace TickStock.Actors.Polygon;

/// <summary>Grants provider calls; one token per HTTP request.</summary>
public interface IPolygonRateLimiter
{
    /// <summary>Completes when this node may make one provider call.</summary>
    Task AcquireAsync(CancellationToken cancellationToken);

    /// <summary>The provider said 429: empty the bucket so every node waits for the window.</summary>
    Task DrainAsync(CancellationToken cancellationToken);
}

/// <summary>No limit (the local stub, or a plan whose limit is far above what we can use).</summary>
public sealed class UnlimitedRateLimiter : IPolygonRateLimiter
{
    public static readonly UnlimitedRateLimiter Instance = new();

    public Task AcquireAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task DrainAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>
/// The rate on this node alone, shared by all its fetchers: each call takes the next free slot,
/// slots one interval (60 s / rate) apart, the first one interval out (the cluster's budget may
/// already be spent). Used while Redis, which holds the cluster-wide bucket, cannot be reached;
/// one instance per API key and node, so four fetchers together stay at the configured rate.
/// </summary>
public sealed class LocalRateLimiter(int ratePerMinute, TimeProvider? time = null) : IPolygonRateLimiter
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly TimeSpan _interval = TimeSpan.FromMinutes(1) / Math.Max(1, ratePerMinute);
    private DateTimeOffset _nextSlot = DateTimeOffset.MinValue;

    /// <summary>Slots handed out so far.</summary>
    public long Granted { get; private set; }

    /// <summary>Takes the next free slot; returns how long to wait for it from <paramref name="now"/>.</summary>
    public TimeSpan Reserve(DateTimeOffset now)
    {
        lock (_gate)
        {
            var slot = now + _interval > _nextSlot ? now + _interval : _nextSlot;
            _nextSlot = slot + _interval;
            Granted++;
            return slot - now;
        }
    }

    public Task AcquireAsync(CancellationToken cancellationToken) => Task.Delay(Reserve(_time.GetUtcNow()), _time, cancellationToken);

    /// <summary>A 429: the provider's window is spent; the next slot is a full minute out.</summary>
    public Task DrainAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var minute = _time.GetUtcNow() + TimeSpan.FromMinutes(1);
            _nextSlot = minute > _nextSlot ? minute : _nextSlot;
        }

        return Task.CompletedTask;
    }
}

/// <summary>
/// A token bucket shared by the whole cluster: its state lives in Redis, updated atomically by a
/// Lua script using the Redis server's clock, so every node and every fetcher draws from the same
/// budget. The key is named after a hash of the API key, never the key itself. Capacity = one
/// minute's worth of calls; refill = <c>ratePerMinute</c> per minute.
/// <para>Hand-written on purpose: System.Threading.RateLimiting's and Polly's limiters keep their state in one
/// process, but the provider's budget belongs to the API key across the whole cluster, so the bucket must live where
/// every node updates it atomically, and on one clock (the Redis server's, not each node's).</para>
/// </summary>
public sealed class RedisTokenBucket(RedisConnectionProvider redis, string? apiKey, int ratePerMinute) : IPolygonRateLimiter
{
    // Returns 0 when a token was taken, else the milliseconds until one will be available.
    private const string AcquireScript = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local capacity = tonumber(ARGV[1])
        local perMs = tonumber(ARGV[2])
        local drain = ARGV[3] == '1'
        local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
        local tokens = tonumber(state[1])
        local ts = tonumber(state[2])
        if tokens == nil or ts == nil then tokens = capacity; ts = now end
        if now > ts then tokens = math.min(capacity, tokens + (now - ts) * perMs) end
        local wait = 0
        if drain then
          tokens = 0
        elseif tokens >= 1 then
          tokens = tokens - 1
        else
          wait = math.ceil((1 - tokens) / perMs)
        end
        redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
        redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / perMs) + 60000)
        return wait
        """;

    /// <summary>Rates at or above this are treated as "no limit" (POLYGON_RATE_PER_MIN very high).</summary>
    public const int UnlimitedThreshold = 100_000;

    private readonly RedisKey _key = KeyFor(apiKey);

    /// <summary>The limiter used while Redis cannot be reached: one for all fetchers of this node.</summary>
    public LocalRateLimiter Fallback { get; } = new(ratePerMinute);
    private readonly double _perMs = ratePerMinute / 60_000.0;

    public static string KeyFor(string? apiKey)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(apiKey ?? string.Empty));
        return "tickstock.polygon.bucket:" + Convert.ToHexStringLower(hash.AsSpan(0, 12));
    }

    public static IPolygonRateLimiter For(RedisConnectionProvider redis, string? apiKey, int ratePerMinute, bool embeddedStub) =>
        embeddedStub || ratePerMinute >= UnlimitedThreshold ? UnlimitedRateLimiter.Instance : new RedisTokenBucket(redis, apiKey, ratePerMinute);

    public async Task AcquireAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            long waitMs;
            try
            {
                waitMs = await RunAsync(drain: false).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RedisException or RedisTimeoutException)
            {
                // Redis down or hung (a timeout is not a RedisException): do not stall the load, but
                // keep this node's fetchers together under the rate.
                await Fallback.AcquireAsync(cancellationToken).ConfigureAwait(false);
                return;
            }

            if (waitMs <= 0)
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(waitMs, 60_000)), cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        try
        {
            await RunAsync(drain: true).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or RedisTimeoutException)
        {
            // Best effort: the caller waits for the window anyway; the local limiter starts over from a full minute.
            await Fallback.DrainAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<long> RunAsync(bool drain)
    {
        var connection = await redis.GetAsync().ConfigureAwait(false);
        var result = await connection.GetDatabase().ScriptEvaluateAsync(
            AcquireScript,
            [_key],
            [Math.Max(1, ratePerMinute), _perMs.ToString("R", CultureInfo.InvariantCulture), drain ? "1" : "0"]).ConfigureAwait(false);
        return (long)result;
    }
}
