using TickStock.Actors.Publishing;

namespace TickStock.Actors.Tests.Publishing;

/// <summary>Issue 18.4 for the PRODUCER_ALIVE details: last_pattern_time is a float even on a whole second.</summary>
public class AliveDetailsTests
{
    [Fact]
    public void A_whole_second_last_pattern_time_is_written_as_a_float()
    {
        var stats = new ProducerStats();
        Assert.Contains("\"last_pattern_time\":null", HeartbeatActor.AliveDetails(stats), StringComparison.Ordinal);

        stats.PatternDetected(1732812345.0);

        Assert.Contains("\"last_pattern_time\":1732812345.0}", HeartbeatActor.AliveDetails(stats), StringComparison.Ordinal);
    }
}
