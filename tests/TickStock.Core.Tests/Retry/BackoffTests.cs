using Xunit;
using TickStock.Core.Retry;

namespace TickStock.Core.Tests.Retry;

public sealed class BackoffTests
{
    [Fact]
    public void Doubles_from_min_and_stops_at_max()
    {
        var backoff = new Backoff(TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(2));
        var delays = Enumerable.Range(0, 6).Select(_ => backoff.Next().TotalMilliseconds).ToArray();
        Assert.Equal([250, 500, 1000, 2000, 2000, 2000], delays);
        Assert.Equal(6, backoff.Attempts);
    }

    [Fact]
    public void Reset_starts_again_at_min()
    {
        var backoff = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
        backoff.Next();
        backoff.Next();
        backoff.Reset();
        Assert.Equal(TimeSpan.FromSeconds(1), backoff.Next());
    }

    [Fact]
    public void Upper_half_jitter_stays_between_half_the_ceiling_and_the_ceiling()
    {
        var backoff = new Backoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(30), BackoffJitter.UpperHalf);
        var random = new Random(7);
        var seen = new HashSet<long>();
        for (var attempt = 0; attempt < 12; attempt++)
        {
            var ceiling = backoff.Ceiling;
            var delay = backoff.Next(random);
            Assert.InRange(delay, ceiling / 2, ceiling);
            seen.Add(delay.Ticks);
        }

        Assert.True(seen.Count > 6, "jittered delays should differ");
    }

    [Fact]
    public void Many_attempts_do_not_overflow()
    {
        var backoff = new Backoff(TimeSpan.FromTicks(1), TimeSpan.FromDays(1));
        for (var i = 0; i < 200; i++) backoff.Next();
        Assert.Equal(TimeSpan.FromDays(1), backoff.Next());
    }

    [Fact]
    public void Rejects_a_max_below_min()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Backoff(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Backoff(TimeSpan.Zero, TimeSpan.FromSeconds(1)));
    }
}
