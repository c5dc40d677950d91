using System.Runtime.Serialization;
using Akka.Hosting;
using TickStock.Actors.Backtesting;
using TickStock.Actors.Configuration;
using TickStock.Actors.Hosting;
using TickStock.Actors.MarketData;
using TickStock.Actors.Symbols;
using TickStock.Core.Backtesting;
using TickStock.Core.Bars;
using TickStock.Core.Detectors;

namespace TickStock.Actors.Tests.Clustering;

/// <summary>Every message that may cross nodes, through the serializer the node binds it to, and back.</summary>
public class ClusterMessageSerializerTests : HostedTestKit
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
        new BacktestWorkerMessages.DetectSymbol("bt-1", "BRK.B", new DateOnly(2019, 7, 8), new DateOnly(2024, 7, 5), ["Bullish_Engulfing", "Doji"]),
        new BacktestWorkerMessages.DetectSymbol("bt-2", "SPY", new DateOnly(2024, 1, 2), new DateOnly(2024, 1, 2), []),
        new BacktestWorkerMessages.SymbolDetected("bt-1", "akka.tcp://tickstock@10.0.0.7:4053", new SymbolSignals("ÄPFEL",
            [Day, Bar.Daily(new DateOnly(2025, 11, 25), 0.1 + 0.2, 103.07, 1e-7, 99999999.99, 0)],
            [new Signal(0, PatternKind.Doji, Direction.Neutral), new Signal(1, PatternKind.BullishEngulfing, Direction.Bullish), new Signal(1, PatternKind.Hammer, Direction.Bullish), new Signal(1, PatternKind.BearishEngulfing, Direction.Bearish)])),
        new BacktestWorkerMessages.SymbolDetected("bt-2", "n", new SymbolSignals("EMPTY", [], [])),
        new BacktestWorkerMessages.DetectFailed("bt-1", "AAPL", "akka.tcp://tickstock@10.0.0.7:4053", "postgres unavailable: connection refused"),
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

    [Fact]
    public void A_detected_symbol_travels_in_a_compact_binary_form_and_a_damaged_or_non_daily_one_is_rejected()
    {
        var bars = Enumerable.Range(0, 1262).Select(i => Bar.Daily(new DateOnly(2019, 7, 8).AddDays(i), 100.01 + i, 101.07 + i, 99.93 + i, 100.5 + i, 1_000_000 + i)).ToArray();
        var detected = new BacktestWorkerMessages.SymbolDetected("bt-1", "node", new SymbolSignals("AAPL", bars,
            [.. Enumerable.Range(0, 1262).Select(i => new Signal(i, PatternKind.Doji, Direction.Neutral))]));
        var serializer = Assert.IsType<ClusterMessageSerializer>(Sys.Serialization.FindSerializerFor(detected));
        byte[] bytes = serializer.ToBinary(detected);

        // Five years of bars and a signal on every bar: 44 + 6 bytes each, far inside the 128 kB remoting frame.
        Assert.Equal((4 + 4) + (4 + 4) + (4 + 4) + 4 + (1262 * 44) + 4 + (1262 * 6), bytes.Length);
        Assert.Equal("bt.detected", serializer.Manifest(detected));
        Assert.Throws<SerializationException>(() => serializer.FromBinary(bytes[..^1], "bt.detected"));
        Assert.Throws<SerializationException>(() => serializer.FromBinary([.. bytes, 0], "bt.detected"));

        var intraday = new BacktestWorkerMessages.SymbolDetected("bt-1", "node", new SymbolSignals("AAPL", [Minute], []));
        Assert.Throws<ArgumentException>(() => serializer.ToBinary(intraday));
    }

    // Records compare lists by reference: compare what they carry instead.
    private static string Describe(object message) => message switch
    {
        SymbolCommands.MinuteBars m => $"{m.Symbol}:{string.Join(",", m.Bars)}",
        SymbolCommands.SeedDailyBars s => $"{s.Symbol}:{string.Join(",", s.Bars)}",
        BacktestWorkerMessages.DetectSymbol d => $"{d with { Patterns = [] }}:{string.Join(",", d.Patterns)}",
        BacktestWorkerMessages.SymbolDetected d => $"{d.JobId}:{d.Node}:{d.Signals.Symbol}:{string.Join(",", d.Signals.Bars.Select(Bits))}:{string.Join(",", d.Signals.Signals)}",
        MarketDataFeedQueries.FeedStats { Live: { } live } f => $"{f}:{string.Join(",", live.BadFrames.OrderBy(p => p.Key, StringComparer.Ordinal))}",
        _ => message.ToString() ?? string.Empty,
    };

    private static string Bits(Bar bar) =>
        $"{bar.TimeMs}/{bar.SessionDate}/{bar.MinuteOfSession}/{BitConverter.DoubleToInt64Bits(bar.Open)}/{BitConverter.DoubleToInt64Bits(bar.High)}/"
        + $"{BitConverter.DoubleToInt64Bits(bar.Low)}/{BitConverter.DoubleToInt64Bits(bar.Close)}/{BitConverter.DoubleToInt64Bits(bar.Volume)}";

    private sealed record Unbound(string Value);
}
