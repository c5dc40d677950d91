using TickStock.Core.Polygon;
using Xunit;

namespace TickStock.PolygonStub.Tests;

/// <summary>The recorded real responses go through the same parser the stub's output goes through.</summary>
public sealed class FixtureReplayTests
{
    public static TheoryData<string> AggregateFixtures =>
    [
        "aggs_AAPL_1_day_2005-04-01_2005-04-04.client-python.json",
        "aggs_AAPL_1_day_2023-01-01_2023-01-10_asc.openbb-vcr.json",
        "aggs_AAPL_1_day_2023-01-01_2023-01-10_desc.openbb-vcr.json",
        "grouped_daily_us_stocks_2005-04-04.client-python.json",
    ];

    [Theory]
    [MemberData(nameof(AggregateFixtures))]
    public void Recorded_aggregates_parse(string file)
    {
        var page = PolygonResponseParser.ParseAggregates(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "TestData", file))).Value!;
        Assert.Equal("OK", page.Status);
        Assert.Equal(page.ResultsCount, page.Bars.Count);
        Assert.Equal(page.Count, page.ResultsCount);
        Assert.All(page.Bars, b => Assert.True(b.Volume > 0 && b.High >= b.Low));
    }

    [Fact]
    public void Exponent_volume_format_matches_the_recorded_wire_form()
    {
        Assert.Equal("1.12117471e+08", Wire.Volume(112117471));
        Assert.Equal("1.029145e+06", Wire.Volume(1029145));
        Assert.Equal("1e+06", Wire.Volume(1000000));
        Assert.Equal("895345", Wire.Volume(895345));
        Assert.Equal("bGltaXQ9MiZzb3J0PWFzYw", Wire.EncodeCursor(2, "asc"));
        Assert.Equal("bGltaXQ9NTAwMCZzb3J0PWFzYw", Wire.EncodeCursor(5000, "asc"));
        Assert.Equal((5000, "asc"), Wire.DecodeCursor("bGltaXQ9NTAwMCZzb3J0PWFzYw"));
    }
}
