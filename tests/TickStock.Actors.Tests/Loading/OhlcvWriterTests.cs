using TickStock.Actors.Loading;
using TickStock.Actors.Persistence;
using TickStock.Core.Calendar;
using TickStock.Core.Loading;
using TickStock.Core.Market;
using TickStock.Testing;

namespace TickStock.Actors.Tests.Loading;

/// <summary>The bulk writer against a scratch schema: session filter, batches, idempotent upserts, period recomputation.</summary>
public class OhlcvWriterTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2024-07-05T21:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Minutes_are_filtered_to_the_session_upserted_idempotently_and_hours_rebuilt_from_the_stored_minutes()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var schema = await ScratchSchema.CreateAsync("wmin");
        await new SchemaMigrator(schema.DataSource).MigrateAsync(ct);
        var writer = new OhlcvWriter(schema.DataSource, batchSize: 1000);
        var week = JobWindowCalculator.ComputeWindow(Now, 0.02); // 2024-06-28 .. 2024-07-05

        await writer.UpsertSymbolAsync("AAPL", "Apple", "Tech", "SP500", ct);
        var (minutes, hours) = await writer.WriteMinutesAsync("AAPL", ExtendedMinutes(week.FirstDate, week.LastDate, 0m), week, storeMinutes: true, storeHours: true, ct);

        // 4 full sessions × 390 + the 07-03 early close (210); nothing on the 07-04 holiday or outside the session.
        Assert.Equal(4 * 390 + 210, minutes);
        Assert.Equal(4 * 7 + 4, hours);
        Assert.Equal(minutes, await schema.ScalarAsync<long>("SELECT count(*) FROM ohlcv_1min"));
        Assert.Equal(hours, await schema.ScalarAsync<long>("SELECT count(*) FROM ohlcv_hourly"));
        Assert.Equal(390L, await schema.ScalarAsync<long>("SELECT volume FROM ohlcv_hourly WHERE \"timestamp\" = '2024-07-01 13:30:00+00'")); // 09:30–09:59 ET
        Assert.Equal(780L, await schema.ScalarAsync<long>("SELECT volume FROM ohlcv_hourly WHERE \"timestamp\" = '2024-07-01 14:00:00+00'"));
        Assert.Equal(105.70m, await schema.ScalarAsync<decimal>("SELECT open FROM ohlcv_hourly WHERE \"timestamp\" = '2024-07-01 13:30:00+00'"));
        Assert.Equal(106.24m, await schema.ScalarAsync<decimal>("SELECT close FROM ohlcv_hourly WHERE \"timestamp\" = '2024-07-01 13:30:00+00'"));
        Assert.Equal(4L, await schema.ScalarAsync<long>("SELECT count(*) FROM ohlcv_hourly WHERE (\"timestamp\" AT TIME ZONE 'America/New_York')::date = '2024-07-03'"));

        // Same range again: same rows, nothing duplicated.
        await writer.WriteMinutesAsync("AAPL", ExtendedMinutes(week.FirstDate, week.LastDate, 0m), week, true, true, ct);
        Assert.Equal(minutes, await schema.ScalarAsync<long>("SELECT count(*) FROM ohlcv_1min"));
        Assert.Equal(hours, await schema.ScalarAsync<long>("SELECT count(*) FROM ohlcv_hourly"));

        // A one-day reload with new prices updates that day's minutes and hours only.
        var day = JobWindowCalculator.ComputeWindow(Now, 0.003);
        Assert.Equal(new DateOnly(2024, 7, 5), day.FirstDate);
        await writer.WriteMinutesAsync("AAPL", ExtendedMinutes(day.FirstDate, day.LastDate, 1m), day, true, true, ct);
        Assert.Equal(hours, await schema.ScalarAsync<long>("SELECT count(*) FROM ohlcv_hourly"));
        Assert.Equal(106.70m, await schema.ScalarAsync<decimal>("SELECT open FROM ohlcv_hourly WHERE \"timestamp\" = '2024-07-05 13:30:00+00'"));
        Assert.Equal(105.70m, await schema.ScalarAsync<decimal>("SELECT open FROM ohlcv_hourly WHERE \"timestamp\" = '2024-07-01 13:30:00+00'"));
        Assert.Equal(new[] { "SP500" }, await schema.ScalarAsync<string[]>("SELECT universes FROM symbols WHERE symbol = 'AAPL'"));
    }

    [Fact]
    public async Task Hours_aggregated_from_the_stream_on_a_first_load_equal_hours_recomputed_from_the_stored_minutes()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var schema = await ScratchSchema.CreateAsync("whour");
        await new SchemaMigrator(schema.DataSource).MigrateAsync(ct);
        var writer = new OhlcvWriter(schema.DataSource, batchSize: 1000);
        var week = JobWindowCalculator.ComputeWindow(Now, 0.02);
        await writer.UpsertSymbolAsync("MSFT", null, null, null, ct);

        // First load: nothing stored near the window, so the hours come from the stream.
        var (minutes, hours) = await writer.WriteMinutesAsync("MSFT", IrregularMinutes(week.FirstDate, week.LastDate), week, true, true, ct);
        const string HourRows = "SELECT string_agg(concat_ws(',', \"timestamp\", open, high, low, close, volume), ';' ORDER BY \"timestamp\") FROM ohlcv_hourly";
        var fromStream = await schema.ScalarAsync<string>(HourRows);

        // Same stream again with the hours gone: minutes are stored now, so the hours are recomputed from them.
        await schema.ExecuteAsync("DELETE FROM ohlcv_hourly");
        var (_, recomputedHours) = await writer.WriteMinutesAsync("MSFT", IrregularMinutes(week.FirstDate, week.LastDate), week, true, true, ct);
        var fromStored = await schema.ScalarAsync<string>(HourRows);

        Assert.True(minutes > 1500, $"{minutes} minutes");
        Assert.Equal(32, hours);
        Assert.Equal(hours, recomputedHours);
        Assert.False(string.IsNullOrEmpty(fromStream));
        Assert.Equal(fromStored, fromStream);
    }

    [Fact]
    public async Task Day_bars_give_trading_dates_and_a_one_day_reload_does_not_shrink_its_week_or_month()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var schema = await ScratchSchema.CreateAsync("wday");
        await new SchemaMigrator(schema.DataSource).MigrateAsync(ct);
        var writer = new OhlcvWriter(schema.DataSource);
        var week = JobWindowCalculator.ComputeWindow(Now, 0.02);

        var (daily, weekly, monthly) = await writer.WriteDailyAsync("MSFT", DayBars(week.FirstDate, week.LastDate, 0m), week, true, true, ct);
        Assert.Equal(5, daily); // 06-28, 07-01, 07-02, 07-03, 07-05 (the 07-04 bar is dropped)
        Assert.Equal(2, weekly);
        Assert.Equal(2, monthly);
        Assert.Equal(0L, await schema.ScalarAsync<long>("SELECT count(*) FROM ohlcv_daily WHERE date = '2024-07-04'"));

        var day = JobWindowCalculator.ComputeWindow(Now, 0.003);
        var (d1, w1, m1) = await writer.WriteDailyAsync("MSFT", DayBars(day.FirstDate, day.LastDate, 5m), day, true, true, ct);
        Assert.Equal((1L, 1L, 1L), (d1, w1, m1));

        // The week ending 07-05 still spans 07-01..07-05: open of 07-01, close of the reloaded 07-05, four days' volume.
        Assert.Equal(201m, await schema.ScalarAsync<decimal>("SELECT open FROM ohlcv_weekly WHERE week_ending = '2024-07-05'"));
        Assert.Equal(210.5m, await schema.ScalarAsync<decimal>("SELECT close FROM ohlcv_weekly WHERE week_ending = '2024-07-05'"));
        Assert.Equal(4000L, await schema.ScalarAsync<long>("SELECT volume FROM ohlcv_weekly WHERE week_ending = '2024-07-05'"));
        Assert.Equal(4000L, await schema.ScalarAsync<long>("SELECT volume FROM ohlcv_monthly WHERE month_ending = '2024-07-31'"));
        Assert.Equal(1000L, await schema.ScalarAsync<long>("SELECT volume FROM ohlcv_monthly WHERE month_ending = '2024-06-30'"));
        Assert.Equal(new DateOnly(2024, 6, 28), await schema.ScalarAsync<DateOnly>("SELECT week_ending FROM ohlcv_weekly WHERE week_ending < '2024-07-01'"));
    }

    [Fact]
    public async Task A_first_load_that_meets_a_row_stored_meanwhile_sends_that_batch_and_the_rest_through_the_upsert()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var schema = await ScratchSchema.CreateAsync("wdirect");
        await new SchemaMigrator(schema.DataSource).MigrateAsync(ct);
        var writer = new OhlcvWriter(schema.DataSource, batchSize: 1000);
        var week = JobWindowCalculator.ComputeWindow(Now, 0.02);
        await writer.UpsertSymbolAsync("NVDA", null, null, null, ct);

        // Nothing is stored when the write starts, so batches go straight into the tables. Once the
        // first batch is in, another writer stores the session's last minute (other prices): the
        // second batch's COPY meets it on the unique key and must not fail or lose a row.
        var conflicting = EasternTime.FromEastern(new DateOnly(2024, 7, 5), new TimeOnly(15, 59));
        async IAsyncEnumerable<OhlcvBar> WithARowStoredMeanwhile()
        {
            var sent = 0;
            await foreach (var bar in ExtendedMinutes(week.FirstDate, week.LastDate, 0m))
            {
                if (sent++ == 2_500)
                {
                    Assert.Equal(1000L, await schema.ScalarAsync<long>("SELECT count(*) FROM ohlcv_1min")); // the first batch went in
                    await schema.ExecuteAsync($"INSERT INTO ohlcv_1min (symbol, \"timestamp\", open, high, low, close, volume) VALUES ('NVDA', '{conflicting.UtcDateTime:yyyy-MM-dd HH:mm:ss}+00', 1, 1, 1, 1, 1)");
                }

                yield return bar;
            }
        }

        var (minutes, hours) = await writer.WriteMinutesAsync("NVDA", WithARowStoredMeanwhile(), week, true, true, ct);

        Assert.Equal(4 * 390 + 210, minutes);
        Assert.Equal(minutes, await schema.ScalarAsync<long>("SELECT count(*) FROM ohlcv_1min"));
        Assert.Equal(hours, await schema.ScalarAsync<long>("SELECT count(*) FROM ohlcv_hourly"));
        // The provider's values won over the row stored meanwhile, as an upsert does.
        var expectedOpen = 100m + (15 * 60 + 59) / 100m;
        Assert.Equal(expectedOpen, await schema.ScalarAsync<decimal>($"SELECT open FROM ohlcv_1min WHERE \"timestamp\" = '{conflicting.UtcDateTime:yyyy-MM-dd HH:mm:ss}+00'"));

        // Daily rows: a first load straight in, then a reload over them through the upsert.
        var (daily, _, _) = await writer.WriteDailyAsync("NVDA", DayBars(week.FirstDate, week.LastDate, 0m), week, true, true, ct);
        var (again, _, _) = await writer.WriteDailyAsync("NVDA", DayBars(week.FirstDate, week.LastDate, 1m), week, true, true, ct);
        Assert.Equal((5L, 5L), (daily, again));
        Assert.Equal(5L, await schema.ScalarAsync<long>("SELECT count(*) FROM ohlcv_daily"));
        Assert.Equal(200m + 5 + 1, await schema.ScalarAsync<decimal>("SELECT open FROM ohlcv_daily WHERE date = '2024-07-05'"));
    }

    private static async IAsyncEnumerable<OhlcvBar> DayBars(DateOnly from, DateOnly to, decimal shift)
    {
        for (var date = from; date <= to; date = date.AddDays(1))
        {
            if (date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
            {
                continue;
            }

            // Day bars start at 00:00 New York time, as the provider's do; the holiday bar must be dropped.
            var p = 200m + date.Day + shift;
            yield return new OhlcvBar(EasternTime.StartOfDay(date), p, p + 1, p - 1, p + 0.5m, 1000);
            await Task.Yield();
        }
    }

    /// <summary>Like <see cref="ExtendedMinutes"/> but with random gaps, a repeated minute, four-decimal prices and varying volume.</summary>
    private static async IAsyncEnumerable<OhlcvBar> IrregularMinutes(DateOnly from, DateOnly to)
    {
        var random = new Random(7);
        var price = 250m;
        for (var date = from; date <= to; date = date.AddDays(1))
        {
            if (date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
            {
                continue;
            }

            for (var t = new TimeOnly(4, 0); t < new TimeOnly(20, 0); t = t.AddMinutes(1))
            {
                if (random.NextDouble() < 0.05)
                {
                    continue;
                }

                var close = price + (random.Next(-300, 301) / 10_000m);
                var bar = new OhlcvBar(EasternTime.FromEastern(date, t), price, Math.Max(price, close) + 0.0137m, Math.Min(price, close) - 0.0049m, close, random.Next(1, 5_000));
                yield return bar;
                if (random.NextDouble() < 0.01)
                {
                    yield return bar; // the provider repeating a bar (issue #92)
                }

                price = close;
            }

            await Task.Yield();
        }
    }

    private static async IAsyncEnumerable<OhlcvBar> ExtendedMinutes(DateOnly from, DateOnly to, decimal shift)
    {
        for (var date = from; date <= to; date = date.AddDays(1))
        {
            if (date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
            {
                continue;
            }

            // Provider-like: 04:00–20:00, also on the holiday; volume 13 per minute.
            for (var t = new TimeOnly(4, 0); t < new TimeOnly(20, 0); t = t.AddMinutes(1))
            {
                var p = 100m + ((t.Hour * 60) + t.Minute) / 100m + shift;
                yield return new OhlcvBar(EasternTime.FromEastern(date, t), p, p + 0.5m, p - 0.5m, p + 0.25m, 13);
            }

            await Task.Yield();
        }
    }
}
