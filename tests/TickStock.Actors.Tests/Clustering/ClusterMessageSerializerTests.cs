using System.Runtime.Serialization;
using Akka.Hosting;
using TickStock.Actors.Configuration;
using TickStock.Actors.Hosting;
using TickStock.Actors.MarketData;
using TickStock.Actors.Symbols;
using TickStock.Core.Bars;

namespace TickStock.Actors.Tests.Clustering;

/// <summary>Every message that may cross nodes, through the serializer the node binds it to, and back.</summary>
public class ClusterMessageSerializerTests : Akka.Hosting.TestKit.TestKit
{
    private static readonly Bar Minute = new(1_764_000_060_000, 101.25, 102.5, 100.75, 101.0, 12_345) { SessionDate = 20251124, MinuteOfSession = 1 };
    private static readonly Bar Day = Bar.Daily(new DateOnly(2025, 11, 24), 99, 103, 98.5, 101, 9_876_543);

    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider)
    {
        builder.AddHocon(StrictSerialization.Hocon, HoconAddMode.Prepend);
        builder.AddTickStockCluster(new NodeClusterSettings());
    }

    /// <summary>One instance of every cross-node message; a new IClusterMessage type must be added here (checked below).</summary>
    public static readonly IReadOnlyList<IClusterMessage> Samples =
    [
        new SymbolCommands.MinuteBar("AAPL", Minute),
        new SymbolCommands.MinuteBars("MSFT", [Minute, Minute with { TimeMs = Minute.TimeMs + 60_000, MinuteOfSession = 2 }]),
        new SymbolCommands.DailyBar("BRK.B", Day),
        new SymbolCommands.SeedDailyBars("SPY", [Day, Day with { TimeMs = Day.TimeMs + 86_400_000 }]),
        new SymbolCommands.SeedDailyBars("EMPTY", []),
        new SymbolCommands.Tick("NVDA", 181.37, 200, 1_764_000_061_234),
        SymbolCommands.Ack.Instance,
        new SymbolQueries.GetStatus("ÄPFEL"),
        new SymbolQueries.SymbolStatus("AAPL", 390, new DateTimeOffset(2025, 11, 24, 14, 30, 0, TimeSpan.Zero))
            { DailyBars = 252, PatternsPublished = 7, ReferenceIndexMinutes = 390, ReferenceIndexDays = 252 },
        MarketDataFeedQueries.GetStats.Instance,
        new MarketDataFeedQueries.FeedStats("redis", 1_000_000, 2, true, new DateTimeOffset(2025, 11, 24, 15, 0, 0, TimeSpan.FromHours(-5))),
        new MarketDataFeedQueries.FeedStats("none", 0, 0, false, null),
        new MarketDataFeedQueries.FeedStats("polygon", 42, 0, true, new DateTimeOffset(2025, 11, 24, 15, 1, 0, TimeSpan.Zero))
        {
            Live = new LiveFeedStatus("wss://socket.massive.com/stocks", LiveFeedState.WaitingToReconnect, LiveFeedProblem.AuthFailed,
                "the provider rejected the API key (auth_failed: authentication failed)", new DateTimeOffset(2025, 11, 24, 15, 5, 0, TimeSpan.Zero),
                0, 3, 2, 500, 480, 4, 12, 30, 1, 1_764_000_120_000, new Dictionary<string, long> { ["invalid_bar"] = 2, ["oversized"] = 1 }, "connection lost: reset"),
        },
        TickStock.Actors.Backtesting.BacktestQueries.GetRunning.Instance,
        new TickStock.Actors.Backtesting.BacktestQueries.RunningBacktests(new Dictionary<string, double> { ["bt-1"] = 0.25, ["bt-2"] = 1.0 }),
    ];

    [Fact]
    public void Each_cross_node_message_comes_back_equal()
    {
        Assert.All(Samples, message =>
        {
            var serializer = Assert.IsType<ClusterMessageSerializer>(Sys.Serialization.FindSerializerFor(message));
            string manifest = serializer.Manifest(message);
            object back = serializer.FromBinary(serializer.ToBinary(message), manifest);

            Assert.IsType(message.GetType(), back);
            Assert.Equal(Describe(message), Describe(back));
        });
    }

    [Fact]
    public void Every_cross_node_message_type_has_a_sample_and_a_distinct_wire_name()
    {
        var sampled = Samples.Select(s => s.GetType()).ToHashSet();
        var declared = ClusterMessageSerializer.MessageTypes.Values.Where(t => t.Assembly == typeof(IClusterMessage).Assembly).ToList();
        Assert.NotEmpty(declared);
        Assert.All(declared, t => Assert.True(sampled.Contains(t), $"{t} has no round-trip sample"));
    }

    [Fact]
    public void A_bar_command_travels_in_a_compact_binary_form_and_a_damaged_one_is_rejected()
    {
        var bar = new SymbolCommands.MinuteBar("AAPL", Minute);
        var serializer = Assert.IsType<ClusterMessageSerializer>(Sys.Serialization.FindSerializerFor(bar));
        byte[] bytes = serializer.ToBinary(bar);

        Assert.Equal(4 + 4 + 4 + 56, bytes.Length);
        Assert.Equal("sym.bar", serializer.Manifest(bar));
        Assert.Throws<SerializationException>(() => serializer.FromBinary(bytes[..^1], "sym.bar"));
        Assert.Throws<SerializationException>(() => serializer.FromBinary([.. bytes, 0], "sym.bar"));
        Assert.Throws<SerializationException>(() => serializer.FromBinary(bytes, "no.such.message"));
    }

    [Fact]
    public void A_message_without_a_binding_fails_under_the_test_configuration()
    {
        Assert.True(Sys.Settings.SerializeAllMessages);
        var unbound = new Unbound("x");
        Assert.Throws<SerializationException>(() => Sys.Serialization.FindSerializerFor(unbound).ToBinary(unbound));
    }

    // Records compare lists by reference: compare what they carry instead.
    private static string Describe(object message) => message switch
    {
        SymbolCommands.MinuteBars m => $"{m.Symbol}:{string.Join(",", m.Bars)}",
        SymbolCommands.SeedDailyBars s => $"{s.Symbol}:{string.Join(",", s.Bars)}",
        MarketDataFeedQueries.FeedStats { Live: { } live } f => $"{f}:{string.Join(",", live.BadFrames.OrderBy(p => p.Key, StringComparer.Ordinal))}",
        _ => message.ToString() ?? string.Empty,
    };

    private sealed record Unbound(string Value);
}
