using Npgsql;
using NpgsqlTypes;
using TickStock.Actors.Persistence;
using TickStock.Core.Jobs;
using TickStock.Core.Loading;
using TickStock.Core.Market;

namespace TickStock.Actors.Loading;

/// <summary>
/// Bulk writer for the OHLCV tables (contract §6.2): rows stream in and are cut into batches. When
/// the symbol has no stored row of a table in the range being written (the usual first load),
/// each batch is binary-COPied straight into the table; otherwise (a reload, an overlap, a resumed
/// job) it goes into a temporary staging table and is upserted with
/// <c>INSERT … ON CONFLICT DO UPDATE</c> in one transaction. Should a row appear in the range after
/// the check (another writer), the direct COPY fails whole on the unique key and that batch and
/// the rest go the upsert way: the result is the same rows either way. Memory is bounded by the
/// batch size whatever the range. Hourly rows are rebuilt from the stored minute rows of every touched hour,
/// weekly and monthly rows from the stored daily rows of every touched week and month.
/// </summary>
public sealed class OhlcvWriter(NpgsqlDataSource dataSource, int batchSize = 5000)
{
    private readonly int _batchSize = Math.Max(1000, batchSize);

    private sealed record Table(string Name, string KeyColumn, bool Dated)
    {
        public string Columns => $"symbol, {KeyColumn}, open, high, low, close, volume";
    }

    /// <summary>One table's rows of one symbol in one write: straight in (<see cref="Direct"/>) or staged and upserted.</summary>
    private sealed class Target(Table table, bool direct)
    {
        public Table Table { get; } = table;

        public bool Direct { get; set; } = direct;
    }

    private static readonly Table Minute = new("ohlcv_1min", "\"timestamp\"", false);
    private static readonly Table Hourly = new("ohlcv_hourly", "\"timestamp\"", false);
    private static readonly Table Daily = new("ohlcv_daily", "date", true);
    private static readonly Table Weekly = new("ohlcv_weekly", "week_ending", true);
    private static readonly Table Monthly = new("ohlcv_monthly", "month_ending", true);

    /// <summary>Upserts the symbol row (before any of its bars) and adds the universe to its list.</summary>
    public async Task UpsertSymbolAsync(string symbol, string? name, string? sector, string? universe, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            INSERT INTO symbols (symbol, name, sector, universes, updated_at)
            VALUES ($1, $2, $3, CASE WHEN $4::text IS NULL THEN '{}'::text[] ELSE ARRAY[$4::text] END, NOW())
            ON CONFLICT (symbol) DO UPDATE SET
                name = COALESCE(EXCLUDED.name, symbols.name),
                sector = COALESCE(EXCLUDED.sector, symbols.sector),
                universes = CASE WHEN $4::text IS NULL OR $4::text = ANY(symbols.universes) THEN symbols.universes
                                 ELSE array_append(symbols.universes, $4::text) END,
                updated_at = NOW()
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = symbol, NpgsqlDbType = NpgsqlDbType.Varchar });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)name ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)sector ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)universe ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Provider minute bars (extended hours) → regular-session rows inside the window. With
    /// <paramref name="storeMinutes"/> they go to ohlcv_1min; hourly rows are the aggregates of the
    /// stored minutes of every touched hour. When nothing was stored near the window before, the
    /// stored minutes of those hours are exactly the streamed ones, so the hours are aggregated on
    /// the fly; otherwise (a reload, a resumed job) they are recomputed from the stored minutes,
    /// which then include rows from earlier loads that this stream may lack.
    /// </summary>
    public async Task<(long Minutes, long Hours)> WriteMinutesAsync(
        string symbol, IAsyncEnumerable<OhlcvBar> providerMinutes, LoadWindow window, bool storeMinutes, bool storeHours, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(providerMinutes);
        ArgumentNullException.ThrowIfNull(window);
        var minutesStoredNear = storeMinutes && await AnyStoredNearAsync(Minute, symbol, window, ct).ConfigureAwait(false);
        var hoursOnTheFly = storeHours && !minutesStoredNear;
        var minuteTarget = new Target(Minute, !minutesStoredNear);
        var hourTarget = new Target(Hourly, hoursOnTheFly && !await AnyStoredNearAsync(Hourly, symbol, window, ct).ConfigureAwait(false));
        var touched = new TouchedPeriods();
        var hourly = new HourlyAccumulator(_batchSize);
        var batch = new List<OhlcvBar>(storeMinutes ? _batchSize : 0);
        long minutes = 0;
        long hours = 0;
        DateTimeOffset? last = null;

        await foreach (var bar in providerMinutes.WithCancellation(ct).ConfigureAwait(false))
        {
            if (!Accept(bar, window, ref last))
            {
                continue;
            }

            if (hoursOnTheFly && hourly.Add(bar))
            {
                hours += await FlushIfFullAsync(hourTarget, symbol, hourly.Completed, ct).ConfigureAwait(false);
            }

            if (storeMinutes)
            {
                touched.AddMinute(bar.Start);
                batch.Add(bar);
                minutes += await FlushIfFullAsync(minuteTarget, symbol, batch, ct).ConfigureAwait(false);
            }
        }

        minutes += await FlushAsync(minuteTarget, symbol, batch, ct).ConfigureAwait(false);
        if (hoursOnTheFly)
        {
            hourly.Finish();
            return (minutes, hours + await FlushAsync(hourTarget, symbol, hourly.Completed, ct).ConfigureAwait(false));
        }

        if (storeHours && touched.HourBuckets.Count > 0)
        {
            hours = await RecomputeHoursAsync(symbol, touched.HourBuckets, ct).ConfigureAwait(false);
        }

        return (minutes, hours);
    }

    /// <summary>
    /// Whether <paramref name="table"/> (minutes or hours) holds any row of the symbol within an hour
    /// of the window (one index probe). The margin covers hour buckets that straddle the window's ends.
    /// </summary>
    private async Task<bool> AnyStoredNearAsync(Table table, string symbol, LoadWindow window, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(
            $"SELECT EXISTS (SELECT 1 FROM {table.Name} WHERE symbol = $1 AND \"timestamp\" >= $2 AND \"timestamp\" < $3)");
        cmd.Parameters.Add(new NpgsqlParameter { Value = symbol, NpgsqlDbType = NpgsqlDbType.Varchar });
        cmd.Parameters.Add(new NpgsqlParameter { Value = window.StartUtc.AddHours(-1).UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new NpgsqlParameter { Value = window.EndUtc.AddHours(1).UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        return (bool)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
    }

    /// <summary>Whether a dated table holds any row of the symbol from <paramref name="from"/> to <paramref name="to"/> (one index probe).</summary>
    private async Task<bool> AnyStoredAsync(Table table, string symbol, DateOnly from, DateOnly to, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(
            $"SELECT EXISTS (SELECT 1 FROM {table.Name} WHERE symbol = $1 AND {table.KeyColumn} >= $2 AND {table.KeyColumn} <= $3)");
        cmd.Parameters.Add(new NpgsqlParameter { Value = symbol, NpgsqlDbType = NpgsqlDbType.Varchar });
        cmd.Parameters.Add(new NpgsqlParameter { Value = from, NpgsqlDbType = NpgsqlDbType.Date });
        cmd.Parameters.Add(new NpgsqlParameter { Value = to, NpgsqlDbType = NpgsqlDbType.Date });
        return (bool)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
    }

    /// <summary>Provider day bars → ohlcv_daily for the window's trading dates, then the touched weeks and months.</summary>
    public async Task<(long Daily, long Weekly, long Monthly)> WriteDailyAsync(
        string symbol, IAsyncEnumerable<OhlcvBar> providerDays, LoadWindow window, bool weekly, bool monthly, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(providerDays);
        ArgumentNullException.ThrowIfNull(window);
        var touched = new TouchedPeriods();
        var batch = new List<DatedBar>(_batchSize);
        var dailyTarget = new Target(Daily, !await AnyStoredAsync(Daily, symbol, window.FirstDate, window.LastDate, ct).ConfigureAwait(false));
        long daily = 0;
        DateOnly? lastDate = null;
        await foreach (var bar in providerDays.WithCancellation(ct).ConfigureAwait(false))
        {
            // One bar at a time through the Core rule (trading dates only, 00:00 ET → the date).
            var converted = BarAggregation.FromProviderDayBars([bar]).ToList();
            if (converted.Count == 0 || converted[0].Date <= lastDate || !window.Contains(converted[0].Date))
            {
                continue;
            }

            var row = converted[0];
            lastDate = row.Date;

            touched.AddDaily(row.Date);
            batch.Add(row);
            if (batch.Count >= _batchSize)
            {
                daily += await CopyDatedAsync(dailyTarget, symbol, batch, ct).ConfigureAwait(false);
                batch.Clear();
            }
        }

        daily += await CopyDatedAsync(dailyTarget, symbol, batch, ct).ConfigureAwait(false);
        long w = 0;
        long m = 0;
        if (weekly && touched.WeekEndings.Count > 0)
        {
            var weeks = touched.WeekEndings;
            var from = Periods.WeekRange(weeks[0]).Monday;
            var to = weeks[^1];
            var keys = weeks.ToHashSet();
            w = await RecomputeDatedAsync(Weekly, symbol, from, to, BarAggregation.ToWeekly, keys, ct).ConfigureAwait(false);
        }

        if (monthly && touched.MonthEndings.Count > 0)
        {
            var months = touched.MonthEndings;
            var from = Periods.MonthRange(months[0]).First;
            var to = months[^1];
            var keys = months.ToHashSet();
            m = await RecomputeDatedAsync(Monthly, symbol, from, to, BarAggregation.ToMonthly, keys, ct).ConfigureAwait(false);
        }

        return (daily, w, m);
    }

    /// <summary>
    /// Whether the stored rows already cover <paramref name="window"/> for every wanted table: a
    /// daily row for every trading date of the daily window; minute and hourly rows on every
    /// trading date of the intraday window; at least one weekly and monthly row reaching the window.
    /// Conservative: anything short of that (a session still in progress, a gap) means "reload".
    /// </summary>
    public async Task<bool> HoldsWindowAsync(string symbol, LoadTargets targets, JobWindow window, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(window);
        await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);

        async Task<long> Count(string sql, object from, object to, NpgsqlDbType type)
        {
            await using var cmd = new NpgsqlCommand(sql, connection);
            cmd.Parameters.Add(new NpgsqlParameter { Value = symbol, NpgsqlDbType = NpgsqlDbType.Varchar });
            cmd.Parameters.Add(new NpgsqlParameter { Value = from, NpgsqlDbType = type });
            cmd.Parameters.Add(new NpgsqlParameter { Value = to, NpgsqlDbType = type });
            return (long)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false) ?? 0L);
        }

        var daily = window.Daily;
        if (targets.HasFlag(LoadTargets.Daily)
            && await Count("SELECT count(*) FROM ohlcv_daily WHERE symbol = $1 AND date >= $2 AND date <= $3",
                daily.FirstDate, daily.LastDate, NpgsqlDbType.Date).ConfigureAwait(false) != daily.TradingDates().Count())
        {
            return false;
        }

        foreach (var (flag, table) in new[] { (LoadTargets.Weekly, Weekly), (LoadTargets.Monthly, Monthly) })
        {
            if (targets.HasFlag(flag)
                && await Count($"SELECT count(*) FROM {table.Name} WHERE symbol = $1 AND {table.KeyColumn} >= $2 AND {table.KeyColumn} <= $3",
                    daily.FirstDate, daily.LastDate.AddDays(31), NpgsqlDbType.Date).ConfigureAwait(false) == 0)
            {
                return false;
            }
        }

        var intraday = window.Intraday;
        var sessions = intraday.TradingDates().Count();
        foreach (var (flag, table) in new[] { (LoadTargets.Minute, Minute), (LoadTargets.Hourly, Hourly) })
        {
            if (targets.HasFlag(flag)
                && await Count($"""
                    SELECT count(DISTINCT ("timestamp" AT TIME ZONE 'America/New_York')::date) FROM {table.Name}
                    WHERE symbol = $1 AND "timestamp" >= $2 AND "timestamp" < $3
                    """, intraday.StartUtc.UtcDateTime, intraday.EndUtc.UtcDateTime, NpgsqlDbType.TimestampTz).ConfigureAwait(false) != sessions)
            {
                return false;
            }
        }

        return true;
    }

    private static bool Accept(OhlcvBar bar, LoadWindow window, ref DateTimeOffset? last)
    {
        // Provider pages are ascending; a repeated bar (issue #92) is dropped.
        if (last is { } previous && bar.Start <= previous)
        {
            return false;
        }

        if (!window.Contains(bar.Start) || Periods.HourBucketStart(bar.Start) is null)
        {
            return false;
        }

        last = bar.Start;
        return true;
    }

    private async Task<long> FlushIfFullAsync(Target target, string symbol, List<OhlcvBar> batch, CancellationToken ct) =>
        batch.Count >= _batchSize ? await FlushAsync(target, symbol, batch, ct).ConfigureAwait(false) : 0;

    private async Task<long> FlushAsync(Target target, string symbol, List<OhlcvBar> batch, CancellationToken ct)
    {
        var n = await CopyTimedAsync(target, symbol, batch, ct).ConfigureAwait(false);
        batch.Clear();
        return n;
    }

    private async Task<long> RecomputeHoursAsync(string symbol, IReadOnlyList<DateTimeOffset> buckets, CancellationToken ct)
    {
        var keys = buckets.ToHashSet();
        var from = buckets[0];
        var to = Periods.HourBucketRange(buckets[^1]).End;
        await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand("""
            SELECT "timestamp", open, high, low, close, volume FROM ohlcv_1min
            WHERE symbol = $1 AND "timestamp" >= $2 AND "timestamp" < $3 ORDER BY "timestamp"
            """, connection);
        cmd.Parameters.Add(new NpgsqlParameter { Value = symbol, NpgsqlDbType = NpgsqlDbType.Varchar });
        cmd.Parameters.Add(new NpgsqlParameter { Value = from.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new NpgsqlParameter { Value = to.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var batch = new List<OhlcvBar>(_batchSize);
        var target = new Target(Hourly, direct: false); // minutes were stored near: a reload
        long written = 0;
        foreach (var hour in BarAggregation.ToHourly(ReadTimed(reader)))
        {
            if (!keys.Contains(hour.Start))
            {
                continue;
            }

            batch.Add(hour);
            if (batch.Count >= _batchSize)
            {
                written += await FlushAsync(target, symbol, batch, ct).ConfigureAwait(false);
            }
        }

        return written + await FlushAsync(target, symbol, batch, ct).ConfigureAwait(false);
    }

    private async Task<long> RecomputeDatedAsync(
        Table table, string symbol, DateOnly from, DateOnly to, Func<IEnumerable<DatedBar>, IEnumerable<DatedBar>> aggregate, HashSet<DateOnly> keys, CancellationToken ct)
    {
        var target = new Target(table, !await AnyStoredAsync(table, symbol, keys.Min(), keys.Max(), ct).ConfigureAwait(false));
        await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand(
            "SELECT date, open, high, low, close, volume FROM ohlcv_daily WHERE symbol = $1 AND date >= $2 AND date <= $3 ORDER BY date", connection);
        cmd.Parameters.Add(new NpgsqlParameter { Value = symbol, NpgsqlDbType = NpgsqlDbType.Varchar });
        cmd.Parameters.Add(new NpgsqlParameter { Value = from, NpgsqlDbType = NpgsqlDbType.Date });
        cmd.Parameters.Add(new NpgsqlParameter { Value = to, NpgsqlDbType = NpgsqlDbType.Date });
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var batch = new List<DatedBar>(_batchSize);
        long written = 0;
        foreach (var row in aggregate(ReadDated(reader)))
        {
            if (!keys.Contains(row.Date))
            {
                continue;
            }

            batch.Add(row);
            if (batch.Count >= _batchSize)
            {
                written += await CopyDatedAsync(target, symbol, batch, ct).ConfigureAwait(false);
                batch.Clear();
            }
        }

        return written + await CopyDatedAsync(target, symbol, batch, ct).ConfigureAwait(false);
    }

    // The reader is consumed on the calling thread between awaits of the writer, which uses its own connection.
    private static IEnumerable<OhlcvBar> ReadTimed(NpgsqlDataReader reader)
    {
        while (reader.Read())
        {
            yield return new OhlcvBar(
                new DateTimeOffset(reader.GetFieldValue<DateTime>(0), TimeSpan.Zero),
                reader.GetDecimal(1), reader.GetDecimal(2), reader.GetDecimal(3), reader.GetDecimal(4), reader.IsDBNull(5) ? 0 : reader.GetInt64(5));
        }
    }

    private static IEnumerable<DatedBar> ReadDated(NpgsqlDataReader reader)
    {
        while (reader.Read())
        {
            yield return new DatedBar(
                reader.GetFieldValue<DateOnly>(0),
                reader.GetDecimal(1), reader.GetDecimal(2), reader.GetDecimal(3), reader.GetDecimal(4), reader.IsDBNull(5) ? 0 : reader.GetInt64(5));
        }
    }

    private async Task<long> CopyTimedAsync(Target target, string symbol, IReadOnlyList<OhlcvBar> rows, CancellationToken ct)
    {
        if (rows.Count == 0)
        {
            return 0;
        }

        return await CopyAsync(target, rows.Count, copy =>
        {
            foreach (var r in rows)
            {
                copy.StartRow(Fields);
                copy.Text(symbol);
                copy.TimestampTz(r.Start.UtcDateTime);
                WritePrices(copy, r.Open, r.High, r.Low, r.Close, r.Volume);
            }
        }, ct).ConfigureAwait(false);
    }

    private async Task<long> CopyDatedAsync(Target target, string symbol, IReadOnlyList<DatedBar> rows, CancellationToken ct)
    {
        if (rows.Count == 0)
        {
            return 0;
        }

        return await CopyAsync(target, rows.Count, copy =>
        {
            foreach (var r in rows)
            {
                copy.StartRow(Fields);
                copy.Text(symbol);
                copy.Date(r.Date);
                WritePrices(copy, r.Open, r.High, r.Low, r.Close, r.Volume);
            }
        }, ct).ConfigureAwait(false);
    }

    /// <summary>Values per row of every OHLCV table: symbol, time, open, high, low, close, volume.</summary>
    private const short Fields = 7;

    private static void WritePrices(PgCopyRowWriter copy, decimal open, decimal high, decimal low, decimal close, long volume)
    {
        copy.Numeric(open);
        copy.Numeric(high);
        copy.Numeric(low);
        copy.Numeric(close);
        copy.Int64(volume);
    }

    /// <summary>Straight into the table while the target allows it; through staging and upsert otherwise, or once a direct COPY met a stored row.</summary>
    private async Task<long> CopyAsync(Target target, int count, Action<PgCopyRowWriter> writeRows, CancellationToken ct)
    {
        if (target.Direct)
        {
            try
            {
                return await DirectAsync(target.Table, count, writeRows, ct).ConfigureAwait(false);
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                target.Direct = false; // someone stored rows in the range after the check: nothing of this batch was written
            }
        }

        return await InStagingAsync(target.Table, count, writeRows, ct).ConfigureAwait(false);
    }

    /// <summary>One batch COPied into the table itself (no staging, no upsert): a first load's path.</summary>
    private async Task<long> DirectAsync(Table table, int count, Action<PgCopyRowWriter> writeRows, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        // Not waiting for the WAL flush: the same reasoning as in InStagingAsync.
        await using (var off = new NpgsqlCommand("SET LOCAL synchronous_commit = off", connection, tx))
        {
            await off.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        await PgCopyRowWriter.CopyAsync(connection, $"COPY {table.Name} ({table.Columns}) FROM STDIN (FORMAT BINARY)", writeRows, ct).ConfigureAwait(false);

        await tx.CommitAsync(ct).ConfigureAwait(false);
        return count;
    }

    // Rows are encoded by PgCopyRowWriter: synchronous writes into Npgsql's buffer, flushing on a
    // pool thread, never an actor's.
    private async Task<long> InStagingAsync(Table table, int count, Action<PgCopyRowWriter> writeRows, CancellationToken ct)
    {
        var stage = "stage_" + table.Name;
        await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        // A batch's commit does not wait for its WAL flush (synchronous_commit off, this transaction
        // only): a few thousand fsync waits less per job. Nothing is lost that matters: the symbol's
        // progress row (JobStore) commits synchronously after its bars, and that flush makes every
        // earlier commit durable too (WAL is sequential); a symbol not marked done is reloaded on
        // resume, idempotently. One round trip for both statements.
        await using (var create = new NpgsqlCommand(
            $"SET LOCAL synchronous_commit = off; CREATE TEMP TABLE IF NOT EXISTS {stage} (LIKE {table.Name} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS", connection, tx))
        {
            await create.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        var columns = table.Columns;
        await PgCopyRowWriter.CopyAsync(connection, $"COPY {stage} ({columns}) FROM STDIN (FORMAT BINARY)", writeRows, ct).ConfigureAwait(false);

        await using (var upsert = new NpgsqlCommand($"""
            INSERT INTO {table.Name} AS t ({columns})
            SELECT {columns} FROM {stage}
            ON CONFLICT (symbol, {table.KeyColumn}) DO UPDATE SET
                open = EXCLUDED.open, high = EXCLUDED.high, low = EXCLUDED.low, close = EXCLUDED.close, volume = EXCLUDED.volume
            WHERE (t.open, t.high, t.low, t.close, t.volume) IS DISTINCT FROM (EXCLUDED.open, EXCLUDED.high, EXCLUDED.low, EXCLUDED.close, EXCLUDED.volume)
            """, connection, tx))
        {
            await upsert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        await tx.CommitAsync(ct).ConfigureAwait(false);
        return count;
    }
}
