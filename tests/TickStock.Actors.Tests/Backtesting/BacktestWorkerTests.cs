using System.Globalization;
using Akka.Hosting;
using TickStock.Actors.Backtesting;
using TickStock.Actors.Hosting;
using TickStock.Actors.Persistence;
using TickStock.Actors.Tests.Clustering;
using TickStock.Core.Backtesting;
using TickStock.Core.Bars;
using TickStock.Testing;
using static TickStock.Actors.Backtesting.BacktestWorkerMessages;

namespace TickStock.Actors.Tests.Backtesting;

/// <summary>
/// The backtest worker against a scratch schema, with every message through its serializer (strict serialization):
/// it reads a symbol's stored rows itself and answers exactly what the offline path computes from the same rows
/// written as text; a row that is not usable is answered as a failure naming the symbol.
/// </summary>
public class BacktestWorkerTests : HostedTestKit
{
    private static readonly DateOnly Start = new(2024, 1, 2);
    private static readonly DateOnly End = new(2024, 6, 28);

    public BacktestWorkerTests(ITestOutputHelper output)
        : base(output: output)
    {
    }

    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider) =>
        builder.AddHocon(StrictSerialization.Hocon, HoconAddMode.Prepend)
            .WithCustomSerializer("tickstock", [typeof(IClusterMessage)], system => new ClusterMessageSerializer(system));

    [Fact]
    public async Task A_worker_reads_its_symbol_from_postgres_and_answers_the_signals_the_offline_path_computes_from_the_same_rows()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var schema = await ScratchSchema.CreateAsync("btwork");
        await new SchemaMigrator(schema.DataSource).MigrateAsync(ct);
        // 2023-01-02 … 2024-07-31 on weekdays: more than the 300-bar warm-up before Start, the range, and rows after End
        // (ignored). Prices with cents chosen so that many are not exact binary fractions (x.01, x.07, …).
        await schema.ExecuteAsync("""
            INSERT INTO ohlcv_daily (symbol, date, open, high, low, close, volume)
            SELECT 'WRK', d::date, round(o, 2), round(o + 1.37 + (i % 5) * 0.11, 2), round(o - 1.21 - (i % 3) * 0.07, 2), round(o + ((i % 7) - 3) * 0.31, 2), 1000000 + i * 17
            FROM (SELECT d, row_number() OVER (ORDER BY d) AS i, (100 + 8 * sin(row_number() OVER (ORDER BY d) / 9.0))::numeric + (row_number() OVER (ORDER BY d) % 11) * 0.13 AS o
                  FROM generate_series('2023-01-02'::date, '2024-07-31'::date, interval '1 day') AS d WHERE extract(isodow FROM d) < 6) AS rows
            """);
        var worker = Sys.ActorOf(BacktestWorker.PropsFor(new PostgresBacktestBars(schema.DataSource), 2));

        worker.Tell(new DetectSymbol("job-1", "WRK", Start, End, []), TestActor);
        var detected = await ExpectMsgAsync<SymbolDetected>(TimeSpan.FromSeconds(30), cancellationToken: ct);

        var offline = SignalDetector.Detect(await OfflineHistoryAsync(schema, "WRK"), Start, End, null);
        Assert.Equal("job-1", detected.JobId);
        Assert.Equal(((Akka.Actor.ExtendedActorSystem)Sys).Provider.DefaultAddress.ToString(), detected.Node);
        Assert.Equal(offline.Bars.Count, detected.Signals.Bars.Count);
        Assert.True(offline.Bars.Count > 100, $"{offline.Bars.Count} range bars");
        Assert.Equal(offline.Bars, detected.Signals.Bars); // every double bit for bit
        Assert.NotEmpty(offline.Signals);
        Assert.Equal(offline.Signals, detected.Signals.Signals);

        // A pattern subset travels by name and gives the offline subset.
        worker.Tell(new DetectSymbol("job-2", "WRK", Start, End, ["Bullish_Engulfing", "Doji"]), TestActor);
        var subset = await ExpectMsgAsync<SymbolDetected>(TimeSpan.FromSeconds(30), cancellationToken: ct);
        var offlineSubset = SignalDetector.Detect(await OfflineHistoryAsync(schema, "WRK"), Start, End,
            [Core.Detectors.PatternKind.BullishEngulfing, Core.Detectors.PatternKind.Doji]);
        Assert.Equal(offlineSubset.Signals, subset.Signals.Signals);

        // A stored price that is not positive: the job's symbol fails with the reason, the worker keeps serving.
        await schema.ExecuteAsync("UPDATE ohlcv_daily SET low = 0 WHERE symbol = 'WRK' AND date = '2024-03-01'");
        worker.Tell(new DetectSymbol("job-3", "WRK", Start, End, []), TestActor);
        var failed = await ExpectMsgAsync<DetectFailed>(TimeSpan.FromSeconds(30), cancellationToken: ct);
        Assert.Equal("WRK", failed.Symbol);
        Assert.Contains("not a positive number", failed.Error, StringComparison.Ordinal);

        worker.Tell(new DetectSymbol("job-4", "NONE", Start, End, []), TestActor);
        var empty = await ExpectMsgAsync<SymbolDetected>(TimeSpan.FromSeconds(30), cancellationToken: ct);
        Assert.Empty(empty.Signals.Bars);
    }

    [Fact]
    public void A_decimal_becomes_the_double_its_text_parses_to()
    {
        var random = new Random(16);
        for (int i = 0; i < 200_000; i++)
        {
            decimal value = new((int)random.NextInt64(0, int.MaxValue), random.Next(0, 3000), i % 50 == 0 ? random.Next(0, 1 << 20) : 0, i % 3 == 0, (byte)random.Next(0, 29));
            double expected = double.Parse(value.ToString(CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture);
            Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(ExactDecimal.ToDouble(value)));
        }

        Assert.Equal(0.07, ExactDecimal.ToDouble(0.07m));
        Assert.Equal(99999999.99, ExactDecimal.ToDouble(99999999.99m));
        Assert.Equal(79228162514264337593543950335d, ExactDecimal.ToDouble(decimal.MaxValue));
    }

    /// <summary>The symbol's rows as `backtest file` sees them: written as text, parsed as a bar file's fields are.</summary>
    private static async Task<SymbolHistory> OfflineHistoryAsync(ScratchSchema schema, string symbol)
    {
        var bars = new List<Bar>();
        await using var cmd = schema.DataSource.CreateCommand("SELECT date, open::text, high::text, low::text, close::text, volume FROM ohlcv_daily WHERE symbol = $1 ORDER BY date");
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = symbol });
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            bars.Add(Bar.Daily(reader.GetFieldValue<DateOnly>(0), Parse(reader.GetString(1)), Parse(reader.GetString(2)), Parse(reader.GetString(3)),
                Parse(reader.GetString(4)), reader.GetInt64(5)));
        }

        Assert.True(SymbolHistory.TryCreate(symbol, bars, out var history, out var error), error);
        return history!;
    }

    private static double Parse(string text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
}
