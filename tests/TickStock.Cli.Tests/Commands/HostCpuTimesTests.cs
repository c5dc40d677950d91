using TickStock.Cli.Commands;

namespace TickStock.Cli.Tests.Commands;

public class HostCpuTimesTests
{
    [Fact]
    public void Steal_is_the_eighth_number_and_guest_time_is_not_counted_twice()
    {
        // A real first line of /proc/stat on this machine (user … steal guest guest_nice).
        var times = HostCpuTimes.Parse("cpu  4099573 22662 582385 2150596 104739 0 71476 45497 0 0");

        Assert.Equal(new HostCpuTimes(4099573 + 22662 + 582385 + 2150596 + 104739 + 0 + 71476 + 45497, 45497), times);
    }

    [Fact]
    public void Stolen_percent_is_the_share_of_the_time_between_two_samples()
    {
        var before = new HostCpuTimes(1_000, 10);
        var after = new HostCpuTimes(1_400, 30);

        Assert.Equal(5.0, HostCpuTimes.StolenPercent(before, after));
        Assert.Null(HostCpuTimes.StolenPercent(before, before));
        Assert.Null(HostCpuTimes.StolenPercent(null, after));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("cpu0 1 2 3 4 5 6 7 8")]
    [InlineData("cpu  1 2 3")]
    [InlineData("cpu  1 2 3 4 5 6 7 -8")]
    [InlineData("cpu  1 2 3 4 x 6 7 8")]
    public void A_line_of_another_shape_gives_nothing(string? line) => Assert.Null(HostCpuTimes.Parse(line));
}
