using System.Text;
using TickStock.Core.Feed;
using Xunit;

namespace TickStock.Core.Tests.Feed;

public sealed class StreamFrameParserTests
{
    private static readonly HashSet<string> Subscribed = ["AAPL", "MSFT"];

    private static (List<StreamStatus> Statuses, List<MinuteAggregate> Bars, List<BadInput> Refused) Parse(string frame)
    {
        var result = (new List<StreamStatus>(), new List<MinuteAggregate>(), new List<BadInput>());
        StreamFrameParser.Parse(Encoding.UTF8.GetBytes(frame), Subscribed.Contains, result.Item1, result.Item2, result.Item3);
        return result;
    }

    private const string GoodBar = """{"ev":"AM","sym":"AAPL","v":4110,"av":9470157,"op":0.4372,"vw":0.4488,"o":0.4488,"c":0.4486,"h":0.4489,"l":0.4486,"a":0.4352,"z":685,"s":1764687600000,"e":1764687660000}""";

    [Fact]
    public void Reads_statuses_and_aggregates_mixed_in_one_array()
    {
        var (statuses, bars, refused) = Parse($$"""[{"ev":"status","status":"success","message":"subscribed to: AM.AAPL"},{{GoodBar}}]""");

        Assert.Equal([new StreamStatus("success", "subscribed to: AM.AAPL")], statuses);
        var bar = Assert.Single(bars);
        Assert.Equal(new MinuteAggregate("AAPL", 0.4488, 0.4489, 0.4486, 0.4486, 4110, 1764687600000, 1764687660000), bar);
        Assert.Empty(refused);
    }

    [Theory]
    [InlineData("[{\"ev\":\"AM\",", BadFrameKind.MalformedJson)]
    [InlineData("not json", BadFrameKind.MalformedJson)]
    [InlineData("{\"ev\":\"status\",\"status\":\"connected\"}", BadFrameKind.NotAnArray)]
    [InlineData("[42]", BadFrameKind.MalformedEvent)]
    [InlineData("[{\"status\":\"connected\"}]", BadFrameKind.MalformedEvent)]
    [InlineData("[{\"ev\":\"T\",\"sym\":\"AAPL\",\"p\":1}]", BadFrameKind.UnknownEvent)]
    [InlineData("[{\"ev\":\"AM\",\"sym\":\"AAPL\",\"v\":10,\"o\":10,\"c\":10,\"h\":9,\"l\":11,\"s\":1764687600000,\"e\":1764687660000}]", BadFrameKind.InvalidBar)]
    [InlineData("[{\"ev\":\"AM\",\"sym\":\"AAPL\",\"v\":-5,\"o\":10,\"c\":10,\"h\":10,\"l\":10,\"s\":1764687600000,\"e\":1764687660000}]", BadFrameKind.InvalidBar)]
    [InlineData("[{\"ev\":\"AM\",\"sym\":\"AAPL\",\"v\":5,\"o\":10,\"c\":10,\"h\":10,\"l\":10,\"s\":1764687660000,\"e\":1764687600000}]", BadFrameKind.InvalidBar)]
    [InlineData("[{\"ev\":\"AM\",\"sym\":\"AAPL\",\"v\":5,\"o\":\"10\",\"c\":10,\"h\":10,\"l\":10,\"s\":1764687600000,\"e\":1764687660000}]", BadFrameKind.InvalidBar)]
    [InlineData("[{\"ev\":\"AM\",\"sym\":\"TSLA\",\"v\":5,\"o\":10,\"c\":10,\"h\":10,\"l\":10,\"s\":1764687600000,\"e\":1764687660000}]", BadFrameKind.NotSubscribed)]
    public void Refuses_each_kind_of_bad_input_and_keeps_nothing_of_it(string frame, BadFrameKind kind)
    {
        var (statuses, bars, refused) = Parse(frame);

        Assert.Empty(statuses);
        Assert.Empty(bars);
        Assert.Equal(kind, Assert.Single(refused).Kind);
    }

    [Fact]
    public void A_bad_event_does_not_hide_the_good_ones_beside_it()
    {
        var (_, bars, refused) = Parse($$"""[{"ev":"XY"},{{GoodBar}},7]""");

        Assert.Equal("AAPL", Assert.Single(bars).Symbol);
        Assert.Equal([BadFrameKind.UnknownEvent, BadFrameKind.MalformedEvent], refused.Select(r => r.Kind));
    }

    [Fact]
    public void A_frame_over_one_MiB_is_refused_unread()
    {
        var huge = "[" + string.Join(',', Enumerable.Repeat(GoodBar, (StreamFrameParser.MaxFrameBytes / GoodBar.Length) + 1)) + "]";

        var (_, bars, refused) = Parse(huge);

        Assert.Empty(bars);
        Assert.Equal(BadFrameKind.Oversized, Assert.Single(refused).Kind);
    }

    [Fact]
    public void Subscriptions_go_out_in_chunks_of_at_most_the_limit()
    {
        var symbols = Enumerable.Range(0, 1201).Select(i => $"S{i}").ToList();

        var messages = StreamRequests.SubscribeMinuteAggregates(symbols, 500).Select(Encoding.UTF8.GetString).ToList();

        Assert.Equal(3, messages.Count);
        Assert.StartsWith("""{"action":"subscribe","params":"AM.S0,AM.S1,""", messages[0], StringComparison.Ordinal);
        Assert.Equal(symbols, messages.SelectMany(m => StreamRequests.MinuteAggregateSymbols(System.Text.Json.JsonDocument.Parse(m).RootElement.GetProperty("params").GetString()!)));
    }
}
