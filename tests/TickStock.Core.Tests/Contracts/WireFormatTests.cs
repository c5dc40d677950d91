using System.Text;
using System.Text.Json;
using TickStock.Core.Contracts;
using Xunit;

namespace TickStock.Core.Tests.Contracts;

public sealed class WireFormatTests
{
    private static readonly PatternEvent Sample = new(
        Guid.Parse("2f1c3a4b-5d6e-4f70-8a9b-0c1d2e3f4a5b"), "AAPL", "Volume_Spike", 0.8456, PatternTier.Intraday,
        2.5, 185.5, 1_000_000, 1732812345.101, 1732815945.101, "1min",
        new Dictionary<string, double> { ["rsi"] = 61.2, ["relative_volume"] = 3.1, ["relative_strength"] = 1.04 });

    [Fact]
    public void Pattern_message_is_byte_for_byte_the_contract_shape()
    {
        var json = Encoding.UTF8.GetString(WireFormat.PatternMessage(Sample, 1732812345.123));

        Assert.Equal(
            """{"event_type":"pattern_detected","source":"TickStockPL","timestamp":1732812345.123,"data":{"symbol":"AAPL","pattern":"Volume_Spike","confidence":0.846,"flow_id":"2f1c3a4b-5d6e-4f70-8a9b-0c1d2e3f4a5b","tier":"intraday","source":"intraday","price_change":2.5,"current_price":185.5,"volume":1000000,"timestamp":1732812345.101,"expires_at":1732815945.101,"timeframe":"1min","indicators":{"rsi":61.2,"relative_volume":3.1,"relative_strength":1.04}}}""",
            json);
    }

    [Fact]
    public void Messages_built_one_after_another_do_not_share_bytes()
    {
        var first = WireFormat.PatternMessage(Sample, 1);
        var second = WireFormat.PatternMessage(Sample with { Symbol = "MSFT", Indicators = new Dictionary<string, double>() }, 2);

        Assert.Equal("AAPL", JsonDocument.Parse(first).RootElement.GetProperty("data").GetProperty("symbol").GetString());
        Assert.Equal("MSFT", JsonDocument.Parse(second).RootElement.GetProperty("data").GetProperty("symbol").GetString());
        Assert.Empty(JsonDocument.Parse(second).RootElement.GetProperty("data").GetProperty("indicators").EnumerateObject());
    }

    [Fact]
    public void Negative_zero_and_long_fractions_are_written_as_plain_invariant_numbers()
    {
        var json = Encoding.UTF8.GetString(WireFormat.PatternMessage(Sample with { PriceChange = -0.00001 }, 0.1234567));
        Assert.Contains("\"price_change\":0,", json, StringComparison.Ordinal);
        Assert.Contains("\"timestamp\":0.123457,", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Whole_second_instants_are_written_as_floats_in_every_timestamp()
    {
        var whole = Sample with { DetectedAt = 1732812345, ExpiresAt = 1732815945 };

        var json = Encoding.UTF8.GetString(WireFormat.PatternMessage(whole, 1732812346));
        var health = Encoding.UTF8.GetString(new HealthReport(new Dictionary<string, ComponentHealth>(), 0, 0).ToMessage(1732812347));

        Assert.StartsWith("""{"event_type":"pattern_detected","source":"TickStockPL","timestamp":1732812346.0,""", json, StringComparison.Ordinal);
        Assert.Contains("\"timestamp\":1732812345.0,\"expires_at\":1732815945.0,", json, StringComparison.Ordinal);
        Assert.Equal("""{"tier":"intraday","timestamp":1732812345.0}""", WireFormat.PublishedRowDetails(whole));
        Assert.Contains("\"timestamp\":1732812347.0,", health, StringComparison.Ordinal);
        // Still one JSON number each, read back as the same instant.
        Assert.Equal(1732812345.0, JsonDocument.Parse(json).RootElement.GetProperty("data").GetProperty("timestamp").GetDouble());
    }

    [Theory]
    [InlineData(1732812345.0, 6, "1732812345.0")]
    [InlineData(1732812345.1234567, 6, "1732812345.123457")]
    [InlineData(1732812345.9996, 3, "1732812346.0")]
    [InlineData(0.0, 6, "0.0")]
    public void Unix_seconds_always_carry_a_decimal_point(double seconds, int digits, string expected)
    {
        Assert.Equal($$"""{"t":{{expected}}}""", WireFormat.Object(w => WireFormat.WriteUnixSeconds(w, "t", seconds, digits)));
    }

    [Fact]
    public void Published_row_details_carry_the_tier_and_detection_time()
    {
        Assert.Equal("""{"tier":"intraday","timestamp":1732812345.101}""", WireFormat.PublishedRowDetails(Sample));
        Assert.Throws<ArgumentException>(() => WireFormat.PublishedRowDetails(Sample with { Tier = "x\"y" }));
    }

    [Theory]
    [InlineData("intraday", 3600)]
    [InlineData("daily", 3 * 86400)]
    [InlineData("combo", 86400)]
    [InlineData("test", 3600)]
    public void Events_get_their_tier_lifetime_and_a_fresh_uuid_v4(string tier, double lifetime)
    {
        var a = PatternEvent.Create("AAPL", "Doji", 0.61234, tier, "daily", 10, 1, 5, DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        var b = PatternEvent.Create("AAPL", "Doji", 0.61234, tier, "daily", 10, 1, 5, DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));

        Assert.Equal(lifetime, a.ExpiresAt - a.DetectedAt);
        Assert.Equal(0.612, a.Confidence);
        Assert.NotEqual(a.FlowId, b.FlowId);
        Assert.Equal('4', a.FlowId.ToString("D")[14]);
    }

    [Theory]
    [InlineData("daily", "tickstock.events.patterns.daily")]
    [InlineData("intraday", "tickstock.events.patterns.intraday")]
    [InlineData("combo", "tickstock.events.patterns.combo")]
    [InlineData("test", null)]
    [InlineData("synthetic", null)]
    public void Only_the_three_real_tiers_are_mirrored(string tier, string? mirror)
    {
        Assert.Equal(mirror, PatternTier.MirrorChannel("tickstock.events.patterns", tier));
    }

    [Fact]
    public void Problems_name_the_field_that_breaks_the_contract()
    {
        Assert.Null(Sample.Problem());
        Assert.Contains("symbol", (Sample with { Symbol = new string('A', 21) }).Problem(), StringComparison.Ordinal);
        Assert.Contains("pattern", (Sample with { Pattern = "" }).Problem(), StringComparison.Ordinal);
        Assert.Contains("confidence", (Sample with { Confidence = double.NaN }).Problem(), StringComparison.Ordinal);
        Assert.Contains("tier", (Sample with { Tier = "weekly" }).Problem(), StringComparison.Ordinal);
        Assert.Contains("indicator", (Sample with { Indicators = new Dictionary<string, double> { ["rsi"] = double.PositiveInfinity } }).Problem(), StringComparison.Ordinal);
    }

    [Fact]
    public void Health_overall_status_is_the_worst_component()
    {
        static HealthReport Report(params ComponentState[] states) =>
            new(states.Select((s, i) => (s, i)).ToDictionary(x => "c" + x.i, x => new ComponentHealth(x.s, "")), 3, 4);

        Assert.Equal(ComponentState.Healthy, Report(ComponentState.Healthy, ComponentState.Healthy).Overall);
        Assert.Equal(ComponentState.Degraded, Report(ComponentState.Healthy, ComponentState.Degraded).Overall);
        Assert.Equal(ComponentState.Error, Report(ComponentState.Degraded, ComponentState.Error).Overall);
        var json = JsonDocument.Parse(Report(ComponentState.Degraded).ToMessage(1.5)).RootElement;
        Assert.Equal("system_health", json.GetProperty("event_type").GetString());
        Assert.Equal("degraded", json.GetProperty("data").GetProperty("overall_status").GetString());
        Assert.Equal(3, json.GetProperty("data").GetProperty("patterns_detected").GetInt64());
    }
}
