using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using Akka.Actor;
using Akka.Event;
using Akka.Streams;
using Akka.Streams.Dsl;
using TickStock.Actors.MarketData;
using TickStock.Actors.Polygon;
using TickStock.Actors.Symbols;
using TickStock.Core.Feed;
using TickStock.Actors.Hosting;
using TickStock.PolygonStub;

namespace TickStock.Actors.Tests.MarketData;

/// <summary>
/// The polygon source through its real client (ClientWebSocket, the REST back-fill) against the stub's stream:
/// bars as the REST API serves them, drops and reconnects, a rejected key, max_connections, each kind of bad frame.
/// The stub's clock starts inside a session (2026-12-02, a Wednesday, 10:00 New York) and runs fast.
/// </summary>
public sealed class PolygonStreamTests : HostedTestKit
{
    private static readonly DateTimeOffset TenAm = new(2026, 12, 2, 15, 0, 0, TimeSpan.Zero);
    private static readonly string[] Universe = ["AAPL", "MSFT", "XOM"];

    protected override void ConfigureAkka(Akka.Hosting.AkkaConfigurationBuilder builder, IServiceProvider provider)
    {
    }

    private static Task<PolygonStubServer> StubAsync(double speed, PolygonStubStreamFaults? faults = null, string? key = null) =>
        PolygonStubServer.StartAsync(new PolygonStubOptions { Now = TenAm, ClockSpeed = speed, Stream = faults ?? new(), RequiredApiKey = key });

    private PolygonStreamSource Source(PolygonStubServer stub, string key = "test-key", Func<PolygonStreamSettings, PolygonStreamSettings>? tune = null)
    {
        var settings = new PolygonStreamSettings
        {
            Url = _ => Task.FromResult(PolygonStreamSetup.StreamUrlOf(stub.BaseUrl)),
            ApiKey = key,
            Universe = Universe,
            BackfillAtStart = FeedBackfillMode.Off, // these tests are about the stream; PolygonStartBackfillTests about the start
        };
        return new PolygonStreamSource(tune?.Invoke(settings) ?? settings, new PolygonMinuteBackfill(RestClient(stub)), Logging.GetLogger(Sys, "polygon-stream-test"));
    }

    private static PolygonClient RestClient(PolygonStubServer stub) =>
        new(new PolygonClientSettings { BaseUrl = _ => Task.FromResult(stub.BaseUrl), ApiKey = "test-key" }, UnlimitedRateLimiter.Instance);

    /// <summary>Runs the source until <paramref name="count"/> bars arrived (or 60 s passed), then stops it.</summary>
    private async Task<List<SymbolCommands.MinuteBar>> TakeAsync(PolygonStreamSource source, int count) =>
        [.. (await source.Create().Take(count).CompletionTimeout(TimeSpan.FromSeconds(60)).RunWith(Sink.Seq<IWithSymbol>(), Sys.Materializer())).Cast<SymbolCommands.MinuteBar>()];

    /// <summary>What the REST aggregates serve for a symbol's minutes in [from, to], regular session only.</summary>
    private static async Task<List<MinuteAggregate>> RestMinutesAsync(PolygonStubServer stub, string symbol, long fromMs, long toMs)
    {
        using var client = RestClient(stub);
        var bars = await new PolygonMinuteBackfill(client).FetchAsync(symbol, fromMs, toMs + 1, CancellationToken.None);
        return [.. bars.Where(b => Core.Calendar.NyseCalendar.IsInRegularSession(DateTimeOffset.FromUnixTimeMilliseconds(b.StartMs)))];
    }

    [Fact]
    public async Task Streams_each_symbols_minutes_as_the_REST_aggregates_serve_them()
    {
        await using var stub = await StubAsync(speed: 120);
        var source = Source(stub);

        var bars = await TakeAsync(source, 12);

        foreach (var group in bars.GroupBy(b => b.Symbol))
        {
            var first = group.Min(b => b.Bar.TimeMs);
            var last = group.Max(b => b.Bar.TimeMs);
            var rest = await RestMinutesAsync(stub, group.Key, first, last);
            Assert.Equal(rest.Select(r => (r.StartMs, r.Open, r.High, r.Low, r.Close, r.Volume)),
                group.Select(b => (b.Bar.TimeMs, b.Bar.Open, b.Bar.High, b.Bar.Low, b.Bar.Close, b.Bar.Volume)));
            Assert.All(group, b => Assert.Equal(20261202, b.Bar.SessionDate));
        }

        var status = source.Monitor.Snapshot();
        Assert.Equal(Universe.Length, status.Subscribed);
        Assert.Equal(0, status.BadFramesTotal);
    }

    [Fact]
    public async Task Dropped_connections_reconnect_deliver_each_bar_once_and_back_fill_the_gaps()
    {
        // 5 market minutes per second; the stub cuts every connection after 1.2 s, so each reconnect misses minutes.
        await using var stub = await StubAsync(speed: 300, new PolygonStubStreamFaults { DropEvery = TimeSpan.FromSeconds(1.2) });
        var source = Source(stub, tune: s => s with { ReconnectMin = TimeSpan.FromMilliseconds(400), ReconnectMax = TimeSpan.FromMilliseconds(800) });

        var bars = await TakeAsync(source, Universe.Length * 25);

        var status = source.Monitor.Snapshot();
        Assert.True(status.Reconnects >= 2, $"only {status.Reconnects} reconnects");
        Assert.True(status.Backfilled > 0, "nothing was back-filled");
        Assert.Equal(bars.Count, bars.Select(b => (b.Symbol, b.Bar.TimeMs)).Distinct().Count()); // once each
        foreach (var group in bars.GroupBy(b => b.Symbol))
        {
            var times = group.Select(b => b.Bar.TimeMs).ToList();
            Assert.Equal(times.Order(), times); // in time order
            // Whole: every minute the REST API has between the first and the last bar delivered, gaps included.
            var rest = await RestMinutesAsync(stub, group.Key, times[0], times[^1]);
            Assert.Equal(rest.Select(r => r.StartMs), times);
        }
    }

    [Fact]
    public async Task A_rejected_key_is_reported_with_its_reason_and_retried_in_minutes_not_in_a_loop()
    {
        await using var stub = await StubAsync(speed: 60, key: "the-right-key");
        var source = Source(stub, key: "a-wrong-key");
        var run = source.Create().ViaMaterialized(KillSwitches.Single<IWithSymbol>(), Keep.Right).To(Sink.Ignore<IWithSymbol>()).Run(Sys.Materializer());
        try
        {
            await AwaitConditionAsync(() => Task.FromResult(source.Monitor.Snapshot().Problem == LiveFeedProblem.AuthFailed), TimeSpan.FromSeconds(20));

            var status = source.Monitor.Snapshot();
            Assert.Equal(LiveFeedState.WaitingToReconnect, status.State);
            Assert.Contains("rejected the API key (auth_failed: authentication failed)", status.Reason, StringComparison.Ordinal);
            Assert.DoesNotContain("a-wrong-key", status.Reason, StringComparison.Ordinal);
            Assert.True(status.NextAttemptAt - DateTimeOffset.UtcNow > TimeSpan.FromSeconds(25), $"next attempt at {status.NextAttemptAt}");
            Assert.Equal(1, stub.Stats.StreamConnections);
        }
        finally
        {
            run.Shutdown();
        }
    }

    [Fact]
    public async Task Another_client_with_the_same_key_gets_max_connections_reported_plainly_without_a_storm()
    {
        await using var stub = await StubAsync(speed: 60);
        var source = Source(stub, key: "shared-key");
        var run = source.Create().ViaMaterialized(KillSwitches.Single<IWithSymbol>(), Keep.Right).To(Sink.Ignore<IWithSymbol>()).Run(Sys.Materializer());
        try
        {
            await AwaitConditionAsync(() => Task.FromResult(source.Monitor.Snapshot().State == LiveFeedState.Streaming), TimeSpan.FromSeconds(20));

            using var other = new ClientWebSocket();
            await other.ConnectAsync(PolygonStreamSetup.StreamUrlOf(stub.BaseUrl), CancellationToken.None);
            await other.SendAsync(StreamRequests.Auth("shared-key"), WebSocketMessageType.Text, true, CancellationToken.None);
            await AwaitConditionAsync(() => Task.FromResult(source.Monitor.Snapshot().Problem == LiveFeedProblem.MaxConnections), TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(100), $"{source.Monitor.Snapshot()}");

            var status = source.Monitor.Snapshot();
            Assert.StartsWith("another process is using this API key", status.Reason, StringComparison.Ordinal);
            Assert.True(status.NextAttemptAt - DateTimeOffset.UtcNow > TimeSpan.FromSeconds(25), $"next attempt at {status.NextAttemptAt}");
            Assert.Equal(2, stub.Stats.StreamConnections);
            Assert.Equal(1, stub.Stats.StreamEvictions);
            Assert.Equal(WebSocketState.Open, other.State); // the newer connection keeps the key
        }
        finally
        {
            run.Shutdown();
        }
    }

    [Fact]
    public async Task Each_kind_of_bad_frame_is_counted_and_none_reaches_a_symbol()
    {
        const long Minute = 1764687600000;
        string Am(string sym, string o, string h, string l, string c, string v, long s) =>
            $$"""{"ev":"AM","sym":"{{sym}}","o":{{o}},"h":{{h}},"l":{{l}},"c":{{c}},"v":{{v}},"s":{{s}},"e":{{s + 60_000}}}""";
        var frames = new[]
        {
            "[{\"ev\":\"AM\",\"sym\":",                                   // malformed JSON
            "{\"ev\":\"status\",\"status\":\"connected\"}",              // not an array
            "[\"AM\"]",                                                    // malformed event
            "[{\"ev\":\"XQ\",\"sym\":\"AAPL\"}]",                          // unknown event
            $"[{Am("AAPL", "10", "9", "11", "10", "5", Minute)}]",        // high < low
            $"[{Am("MSFT", "10", "10", "10", "10", "-1", Minute)}]",      // negative volume
            $"[{Am("ZZZZ", "10", "10", "10", "10", "5", Minute)}]",       // not subscribed
            "[" + string.Join(',', Enumerable.Repeat(Am("XOM", "10", "10", "10", "10", "5", Minute), 12_000)) + "]", // > 1 MiB
        };
        await using var stub = await StubAsync(speed: 120, new PolygonStubStreamFaults { InjectFrames = frames });
        var source = Source(stub);

        var bars = await TakeAsync(source, 6);

        Assert.DoesNotContain(bars, b => b.Bar.TimeMs == Minute || b.Symbol == "ZZZZ");
        var bad = source.Monitor.Snapshot().BadFrames;
        foreach (var kind in new[] { "malformed_json", "not_an_array", "malformed_event", "unknown_event", "not_subscribed", "oversized" })
        {
            Assert.True(bad[kind] == 1, $"{kind}: {bad[kind]}");
        }

        Assert.Equal(2, bad["invalid_bar"]);
    }

    [Fact]
    public async Task A_silent_connection_is_noticed_by_its_missing_pong_and_replaced()
    {
        await using var stub = await StubAsync(speed: 60, new PolygonStubStreamFaults { SilentAfterSubscribe = true });
        var source = Source(stub, tune: s => s with { PingInterval = TimeSpan.FromMilliseconds(300), PongTimeout = TimeSpan.FromMilliseconds(700) });
        var run = source.Create().ViaMaterialized(KillSwitches.Single<IWithSymbol>(), Keep.Right).To(Sink.Ignore<IWithSymbol>()).Run(Sys.Materializer());
        try
        {
            await AwaitConditionAsync(() => Task.FromResult(stub.Stats.StreamConnections >= 2), TimeSpan.FromSeconds(30));
            var status = source.Monitor.Snapshot();
            Assert.True(status.Reconnects >= 1);
            Assert.Contains("Pong", status.LastDisconnect ?? string.Empty, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            run.Shutdown();
        }
    }
}

/// <summary>Issue 15.6: the polygon source, as AddMarketData wires it, feeds the SymbolActors and patterns reach the pipeline.</summary>
public sealed class PolygonFeedPipelineTests : HostedTestKit
{
    private PolygonStubServer? _stub;

    protected override void ConfigureAkka(Akka.Hosting.AkkaConfigurationBuilder builder, IServiceProvider provider)
    {
        // A stub whose market runs 20 minutes per second from 09:31 New York: a session's worth of minutes in ~20 s.
        _stub = PolygonStubServer.StartAsync(new PolygonStubOptions { Now = new DateTimeOffset(2026, 12, 2, 14, 31, 0, TimeSpan.Zero), ClockSpeed = 1200 })
            .GetAwaiter().GetResult();
        var stub = _stub;
        var cluster = new Configuration.NodeClusterSettings();
        builder.AddTickStockCluster(cluster).AddSymbolSharding(cluster).AddMarketData(new MarketDataSourceSettings
        {
            Source = Configuration.MarketDataSource.Polygon,
            PolygonStream = (_, log, progress) => new PolygonStreamSource(
                new PolygonStreamSettings { Url = _ => Task.FromResult(PolygonStreamSetup.StreamUrlOf(stub.BaseUrl)), ApiKey = "k", Universe = ["AAPL", "MSFT", "NVDA", "TSLA", "SPY"] },
                new PolygonMinuteBackfill(new PolygonClient(new PolygonClientSettings { BaseUrl = _ => Task.FromResult(stub.BaseUrl) }, UnlimitedRateLimiter.Instance)), log, progress),
        });
    }

    protected override async Task AfterAllAsync()
    {
        if (_stub is not null) await _stub.DisposeAsync();
        await base.AfterAllAsync();
    }

    [Fact]
    public async Task Patterns_flow_from_the_stream_through_the_SymbolActors_to_the_pipeline()
    {
        await AwaitConditionAsync(() => Task.FromResult(Akka.Cluster.Cluster.Get(Sys).SelfMember.Status == Akka.Cluster.MemberStatus.Up), TimeSpan.FromSeconds(20));
        var pipeline = CreateTestProbe();
        Akka.Hosting.ActorRegistry.For(Sys).Register<TickStock.Actors.Publishing.PatternPipeline>(pipeline.Ref, overwrite: true);

        var detected = pipeline.FishForMessage<TickStock.Actors.Publishing.PatternCommands.PatternDetected>(m => m.Event.Tier == "intraday", TimeSpan.FromSeconds(90));

        Assert.Contains(detected.Event.Symbol, new[] { "AAPL", "MSFT", "NVDA", "TSLA", "SPY" });
        Assert.Null(detected.Event.Problem());
        var feed = await Akka.Hosting.ActorRegistry.For(Sys).WaitForAsync<MarketDataFeed>(TimeSpan.FromSeconds(30));
        var stats = await feed.Ask<MarketDataFeedQueries.FeedStats>(MarketDataFeedQueries.GetStats.Instance, TimeSpan.FromSeconds(10));
        Assert.Equal("polygon", stats.Source);
        Assert.True(stats.Live is { Connected: true, Subscribed: 5 } && stats.Live.Delivered > 0, $"{stats.Live}");
    }
}
