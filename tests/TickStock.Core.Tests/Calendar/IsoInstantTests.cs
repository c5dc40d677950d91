using TickStock.Core.Calendar;
using Xunit;

namespace TickStock.Core.Tests.Calendar;

public sealed class IsoInstantTests
{
    [Theory]
    [InlineData("2024-06-03T20:00:00Z", 2024, 6, 3, 20, 0)]
    [InlineData("2024-06-03T20:00:00", 2024, 6, 3, 20, 0)] // no offset: UTC, whatever the host's zone
    [InlineData("2024-06-03T16:00:00-04:00", 2024, 6, 3, 20, 0)] // New York summer time, converted
    [InlineData("2024-06-03", 2024, 6, 3, 0, 0)]
    public void Reads_an_instant_as_UTC(string text, int year, int month, int day, int hour, int minute)
    {
        var instant = IsoInstant.TryParse(text);

        Assert.Equal(new DateTimeOffset(year, month, day, hour, minute, 0, TimeSpan.Zero), instant);
        Assert.Equal(TimeSpan.Zero, instant!.Value.Offset);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("yesterday")]
    [InlineData("2024-13-01T00:00:00Z")]
    public void Refuses_what_is_not_an_instant(string? text) => Assert.Null(IsoInstant.TryParse(text));
}
