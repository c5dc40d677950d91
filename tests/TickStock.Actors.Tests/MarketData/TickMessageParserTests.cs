using System.Text;
using TickStock.Actors.MarketData;

namespace TickStock.Actors.Tests.MarketData;

/// <summary>tickstock.data.raw messages (contract §1) → ticks; bad input is rejected, never thrown.</summary>
public class TickMessageParserTests
{
    private static bool Parse(string json, out TickStock.Actors.Symbols.SymbolCommands.Tick? tick, out string? error) =>
        TickMessageParser.TryParse(Encoding.UTF8.GetBytes(json), out tick, out error);

    [Fact]
    public void A_contract_tick_in_unix_seconds_is_parsed()
    {
        Assert.True(Parse("""{"ticker":"aapl","price":185.5,"volume":1000,"timestamp":1732812345.123,"event_type":"A","source":"polygon","tick_volume":300}""", out var tick, out _));
        Assert.Equal("AAPL", tick!.Symbol);
        Assert.Equal(185.5, tick.Price);
        Assert.Equal(300, tick.Volume); // the tick's own size, not the cumulative volume
        Assert.Equal(1732812345123, tick.TimeMs);
    }

    [Theory]
    [InlineData("""{"ticker":"X","price":1,"timestamp":1732812345123}""", 1732812345123)]
    [InlineData("""{"ticker":"X","price":1,"timestamp":"2024-11-28T16:45:45.123Z"}""", 1732812345123)]
    [InlineData("""{"ticker":"X","price":"1.5","timestamp":1732812345123000000}""", 1732812345123)]
    public void Timestamps_in_milliseconds_ISO_or_nanoseconds_are_understood(string json, long expectedMs)
    {
        Assert.True(Parse(json, out var tick, out _));
        Assert.Equal(expectedMs, tick!.TimeMs);
    }

    [Theory]
    [InlineData("not json", "invalid JSON")]
    [InlineData("[1,2]", "not a JSON object")]
    [InlineData("""{"price":1,"timestamp":1}""", "ticker")]
    [InlineData("""{"ticker":"X","price":-1,"timestamp":1}""", "price")]
    [InlineData("""{"ticker":"X","price":1}""", "timestamp")]
    public void Malformed_messages_are_rejected_with_a_reason(string json, string reason)
    {
        Assert.False(Parse(json, out var tick, out var error));
        Assert.Null(tick);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_message_over_one_MiB_is_rejected_unread()
    {
        var huge = new byte[TickMessageParser.MaxMessageBytes + 1];
        Assert.False(TickMessageParser.TryParse(huge, out _, out var error));
        Assert.Contains("exceeds", error, StringComparison.Ordinal);
    }
}
