using StackExchange.Redis;
using TickStock.Actors.Configuration;
using TickStock.Actors.Infrastructure;
using TickStock.Actors.Polygon;
using TickStock.Testing;

namespace TickStock.Actors.Tests.Loading;

/// <summary>The cluster-wide token bucket in the real local Redis.</summary>
public class RedisTokenBucketTests
{
    [Fact]
    public async Task Two_clients_share_one_bucket_per_key_and_the_redis_key_never_contains_the_api_key()
    {
        var ct = TestContext.Current.CancellationToken;
        var apiKey = "secret-" + Guid.NewGuid().ToString("N");
        await using var nodeA = new RedisConnectionProvider(new RedisSettings { Configuration = LocalServices.RedisConfiguration }, "bucket-a");
        await using var nodeB = new RedisConnectionProvider(new RedisSettings { Configuration = LocalServices.RedisConfiguration }, "bucket-b");
        var a = new RedisTokenBucket(nodeA, apiKey, ratePerMinute: 2);
        var b = new RedisTokenBucket(nodeB, apiKey, ratePerMinute: 2);

        // A minute's budget (2) is spent across the two "nodes"...
        await a.AcquireAsync(ct);
        await b.AcquireAsync(ct);

        // ...so the next call has to wait for the refill (30 s at 2/min): it is still waiting when cancelled.
        using var shortly = CancellationTokenSource.CreateLinkedTokenSource(ct);
        shortly.CancelAfter(TimeSpan.FromMilliseconds(500));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => a.AcquireAsync(shortly.Token));

        var key = RedisTokenBucket.KeyFor(apiKey);
        Assert.DoesNotContain(apiKey, key, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", key, StringComparison.Ordinal);
        var db = (await nodeA.GetAsync()).GetDatabase();
        Assert.True(await db.KeyExistsAsync(key));
        Assert.NotNull(await db.KeyTimeToLiveAsync(key));

        // Another key has its own budget.
        var other = new RedisTokenBucket(nodeA, apiKey + "-other", ratePerMinute: 2);
        await other.AcquireAsync(ct);
        await db.KeyDeleteAsync([key, (RedisKey)RedisTokenBucket.KeyFor(apiKey + "-other")]);
    }

    [Fact]
    public void The_embedded_stub_and_very_high_rates_are_unlimited()
    {
        var redis = new RedisConnectionProvider(new RedisSettings { Configuration = LocalServices.RedisConfiguration });
        Assert.Same(UnlimitedRateLimiter.Instance, RedisTokenBucket.For(redis, null, 5, embeddedStub: true));
        Assert.Same(UnlimitedRateLimiter.Instance, RedisTokenBucket.For(redis, "k", RedisTokenBucket.UnlimitedThreshold, embeddedStub: false));
        Assert.IsType<RedisTokenBucket>(RedisTokenBucket.For(redis, "k", 5, embeddedStub: false));
    }

    [Fact]
    public void The_local_fallback_gives_all_fetchers_of_a_node_one_shared_rate()
    {
        // 60 calls/min: slots one second apart, whoever asks. Four fetchers asking at once wait
        // 1, 2, 3 and 4 s (each waiting on its own would let all four go after 1 s: 4× the rate).
        var limiter = new LocalRateLimiter(60);
        var now = new DateTimeOffset(2024, 7, 5, 14, 0, 0, TimeSpan.Zero);
        Assert.Equal([1, 2, 3, 4], Enumerable.Range(0, 4).Select(_ => limiter.Reserve(now).TotalSeconds));

        // Idle for a while: the next call is one interval out again, not a burst.
        Assert.Equal(1, limiter.Reserve(now.AddMinutes(5)).TotalSeconds);
        Assert.Equal(5, limiter.Granted);
    }

    [Fact]
    public async Task With_Redis_unreachable_the_bucket_falls_back_to_its_one_local_limiter()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var down = new RedisConnectionProvider(new RedisSettings { Configuration = "127.0.0.1:1,connectTimeout=500" }, "bucket-down");
        var bucket = new RedisTokenBucket(down, "k-" + Guid.NewGuid().ToString("N"), ratePerMinute: 60_000);
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => bucket.AcquireAsync(ct)));
        Assert.Equal(4, bucket.Fallback.Granted);
    }
}
