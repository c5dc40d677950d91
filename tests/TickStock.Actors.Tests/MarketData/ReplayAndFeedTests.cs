using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using Akka.Streams;
using Akka.Streams.Dsl;
using TickStock.Actors.Configuration;
using TickStock.Actors.Hosting;
using TickStock.Actors.MarketData;
using TickStock.Actors.Publishing;
using TickStock.Actors.Symbols;
using TickStock.Core.BarFiles;

namespace TickStock.Actors.Tests.MarketData;

/// <summary>Replay ordering, and a source streaming through the shard region to the pipeline.</summary>
public class ReplayAndFeedTests : HostedTestKit
{
    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider)
    {
        builder.AddHocon(Clustering.StrictSerialization.Hocon, HoconAddMode.Prepend);
        var cluster = new NodeClusterSettings();
        builder.AddTickStockCluster(cluster).AddSymbolSharding(cluster)
            .AddMarketData(new MarketDataSourceSettings { Source = MarketDataSource.Synthetic, SyntheticPace = SyntheticPace.Fast, SyntheticSymbols = ["FEEDA", "FEEDB"], Speed = 5_000 });
    }

    [Fact]
    public async Task An_unreadable_replay_file_fails_the_stream_naming_the_file_and_line()
    {
        string folder = Directory.CreateTempSubdirectory("replay-bad").FullName;
        try
        {
            string bad = Path.Combine(folder, "BAD.csv");
            await File.WriteAllLinesAsync(bad, ["date,open,high,low,close,volume", "2026-02-27,3,3,3,3,30", "2026-03-02,3,x,3,3,30"]);

            var source = MarketDataSources.ReplayFiles(folder, speed: 1_000_000); // builds without reading
            File.Delete(bad);
            Assert.Empty(await source.RunWith(Sink.Seq<IWithSymbol>(), Sys.Materializer())); // read when it runs

            await File.WriteAllLinesAsync(bad, ["date,open,high,low,close,volume", "2026-02-27,3,3,3,3,30", "2026-03-02,3,x,3,3,30"]);
            var failure = await Assert.ThrowsAsync<AggregateException>(() => source.RunWith(Sink.Seq<IWithSymbol>(), Sys.Materializer()));
            var ex = Assert.IsType<BarFileFormatException>(Assert.Single(failure.Flatten().InnerExceptions));
            Assert.Equal($"{bad}: line 3: invalid number 'x' in column 'high'", ex.Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Replay_merges_files_in_time_order_and_keeps_daily_and_minute_rows_apart()
    {
        string folder = Directory.CreateTempSubdirectory("replay").FullName;
        try
        {
            await File.WriteAllLinesAsync(Path.Combine(folder, "AAA_1min.csv"),
                ["datetime,open,high,low,close,volume", "2026-03-02 09:30,1,1,1,1,10", "2026-03-02 09:32,1,1,1,1,10", "2026-03-02 09:34,1,1,1,1,10"]);
            await File.WriteAllLinesAsync(Path.Combine(folder, "bbb.csv"),
                ["Timestamp,Open,High,Low,Close,Volume", "2026-03-02 09:31,2,2,2,2,20", "2026-03-02 09:32,2,2,2,2,20", "2026-03-02 09:33,2,2,2,2,20"]);
            await File.WriteAllLinesAsync(Path.Combine(folder, "CCC.csv"), ["date,open,high,low,close,volume", "2026-02-27,3,3,3,3,30"]);

            var commands = await MarketDataSources.ReplayFiles(folder, speed: 1_000_000).RunWith(Sink.Seq<IWithSymbol>(), Sys.Materializer());

            var order = commands.Select(c => c switch
            {
                SymbolCommands.MinuteBar m => $"{m.Symbol}@{m.Bar.MinuteOfSession}",
                SymbolCommands.DailyBar d => $"{d.Symbol}@day",
                _ => "?",
            });
            Assert.Equal(["CCC@day", "AAA@0", "BBB@1", "AAA@2", "BBB@2", "BBB@3", "AAA@4"], order);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Replay_from_ohlcv_1min_streams_rows_in_time_order_with_exchange_session_fields()
    {
        await using var schema = await TickStock.Testing.ScratchSchema.CreateAsync("replay");
        await schema.ExecuteAsync("""
            CREATE TABLE ohlcv_1min (symbol VARCHAR(10) NOT NULL, "timestamp" TIMESTAMPTZ NOT NULL, open NUMERIC(10,2), high NUMERIC(10,2),
                low NUMERIC(10,2), close NUMERIC(10,2), volume BIGINT, PRIMARY KEY (symbol, "timestamp"));
            INSERT INTO ohlcv_1min VALUES
                ('BBB', '2026-03-02 14:31:00+00', 2, 2, 2, 2, 20),
                ('AAA', '2026-03-02 14:32:00+00', 1, 1, 1, 1, 10),
                ('AAA', '2026-03-02 14:30:00+00', 1, 1, 1, 1, 10);
            """);

        var commands = await MarketDataSources.ReplayDatabase(schema.DataSource, speed: 1_000_000).RunWith(Sink.Seq<IWithSymbol>(), Sys.Materializer());

        var bars = commands.Cast<SymbolCommands.MinuteBar>().ToList();
        Assert.Equal(["AAA@0", "BBB@1", "AAA@2"], bars.Select(b => $"{b.Symbol}@{b.Bar.MinuteOfSession}"));
        Assert.All(bars, b => Assert.Equal(20260302, b.Bar.SessionDate)); // 14:30 UTC = 09:30 EST
    }

    [Fact]
    public async Task The_synthetic_source_reaches_the_pipeline_through_the_SymbolActors()
    {
        await AwaitConditionAsync(() => Task.FromResult(Cluster.Get(Sys).SelfMember.Status == MemberStatus.Up), TimeSpan.FromSeconds(20));
        var pipeline = CreateTestProbe();
        ActorRegistry.Register<PatternPipeline>(pipeline.Ref, overwrite: true);

        var detected = pipeline.FishForMessage<PatternCommands.PatternDetected>(m => m.Event.Tier == "intraday", TimeSpan.FromSeconds(60));
        Assert.Contains(detected.Event.Symbol, new[] { "FEEDA", "FEEDB", "SPY" }); // SPY streams too, as the relative-strength reference index
        Assert.Null(detected.Event.Problem());

        var feed = await ActorRegistry.WaitForAsync<MarketDataFeed>(TimeSpan.FromSeconds(30));
        var stats = await feed.Ask<MarketDataFeedQueries.FeedStats>(MarketDataFeedQueries.GetStats.Instance, TimeSpan.FromSeconds(10));
        Assert.Equal("synthetic", stats.Source);
        Assert.Equal(0, stats.Failures);
    }
}
