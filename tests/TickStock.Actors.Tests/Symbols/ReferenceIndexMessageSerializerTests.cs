using Akka.Hosting;
using TickStock.Actors.Configuration;
using TickStock.Actors.Hosting;
using TickStock.Actors.Symbols;
using TickStock.Core.Symbols;

namespace TickStock.Actors.Tests.Symbols;

/// <summary>The reference index messages' wire format, through the serializer the node configures for them.</summary>
public class ReferenceIndexMessageSerializerTests : HostedTestKit
{
    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider)
    {
        builder.AddHocon(Clustering.StrictSerialization.Hocon, HoconAddMode.Prepend);
        var settings = new NodeClusterSettings();
        builder.AddTickStockCluster(settings).AddSymbolSharding(settings);
    }

    private T RoundTrip<T>(T message)
        where T : notnull
    {
        var serializer = Assert.IsType<ReferenceIndexMessageSerializer>(Sys.Serialization.FindSerializerFor(message));
        byte[] bytes = serializer.ToBinary(message);
        return Assert.IsType<T>(serializer.FromBinary(bytes, serializer.Manifest(message)));
    }

    [Fact]
    public void Closes_snapshots_and_requests_come_back_equal()
    {
        KeyedClose[] minutes = [new(1_764_000_000_000, 601.25), new(1_764_000_060_000, double.Epsilon)];
        KeyedClose[] daily = [new(20261124, 598.5)];

        var closes = RoundTrip(new ReferenceIndexMessages.Closes("SPY", long.MaxValue, 42, minutes, daily));
        var heartbeat = RoundTrip(new ReferenceIndexMessages.Closes("SPY", 7, 42, [], []));
        var snapshot = RoundTrip(new ReferenceIndexMessages.Snapshot("SPÝ", 7, 0, minutes, []));
        var request = RoundTrip(new ReferenceIndexMessages.SnapshotRequest("SPY"));

        Assert.Equal(("SPY", long.MaxValue, 42L), (closes.ReferenceIndex, closes.Incarnation, closes.Sequence));
        Assert.Equal(minutes, closes.Minutes);
        Assert.Equal(daily, closes.Daily);
        Assert.False(heartbeat.CarriesCloses);
        Assert.Equal(("SPÝ", 7L, 0L), (snapshot.ReferenceIndex, snapshot.Incarnation, snapshot.Sequence));
        Assert.Equal(minutes, snapshot.Minutes);
        Assert.Empty(snapshot.Daily);
        Assert.Equal("SPY", request.Symbol);
    }

    [Fact]
    public void The_largest_snapshot_a_reference_index_can_hold_fits_in_one_remoting_frame()
    {
        // ReferenceIndexCloses trims in chunks: at most capacity + capacity / 8 entries of each kind.
        int minuteCount = ReferenceIndexCloses.DefaultMinuteCapacity + (ReferenceIndexCloses.DefaultMinuteCapacity / 8);
        int dailyCount = ReferenceIndexCloses.DefaultDailyCapacity + Math.Max(16, ReferenceIndexCloses.DefaultDailyCapacity / 8);
        var minutes = Enumerable.Range(0, minuteCount).Select(i => new KeyedClose(i * 60_000L, 500 + (i * 0.01))).ToArray();
        var daily = Enumerable.Range(0, dailyCount).Select(i => new KeyedClose(20200101 + i, 400 + i)).ToArray();
        var snapshot = new ReferenceIndexMessages.Snapshot("SPY", 1, 1, minutes, daily);

        byte[] bytes = Sys.Serialization.FindSerializerFor(snapshot).ToBinary(snapshot);

        Assert.InRange(bytes.Length, 1, Sys.Settings.Config.GetByteSize("akka.remote.dot-netty.tcp.maximum-frame-size") ?? 0);
        Assert.Equal(minutes, RoundTrip(snapshot).Minutes);
    }

    [Fact]
    public void A_truncated_message_is_rejected()
    {
        var closes = new ReferenceIndexMessages.Closes("SPY", 1, 1, [new KeyedClose(1, 2)], []);
        var serializer = Assert.IsType<ReferenceIndexMessageSerializer>(Sys.Serialization.FindSerializerFor(closes));
        byte[] bytes = serializer.ToBinary(closes);

        Assert.Throws<System.Runtime.Serialization.SerializationException>(() => serializer.FromBinary(bytes[..^3], serializer.Manifest(closes)));
        Assert.Throws<System.Runtime.Serialization.SerializationException>(() => serializer.FromBinary([.. bytes, 0], serializer.Manifest(closes)));
    }

    [Fact]
    public void Publishing_to_a_topic_nobody_listens_to_is_not_a_dead_letter()
    {
        Assert.False(Sys.Settings.Config.GetBoolean("akka.cluster.pub-sub.send-to-dead-letters-when-no-subscribers"));
    }
}
