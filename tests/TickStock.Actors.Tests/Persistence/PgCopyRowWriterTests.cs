using System.Globalization;
using Npgsql;
using TickStock.Actors.Persistence;
using TickStock.Testing;

namespace TickStock.Actors.Tests.Persistence;

/// <summary>
/// The hand-written binary COPY encoder against the real server: every value it writes must read
/// back as the same value Npgsql's own parameter encoding stores, in unconstrained columns and in
/// the OHLCV tables' NUMERIC(10,2), whose rounding the server applies alike to both.
/// </summary>
public class PgCopyRowWriterTests
{
    private static readonly decimal[] Numerics =
    [
        0m, 0.00m, 1m, -1m, 0.01m, 0.05m, 0.5m, 123.45m, 123.4500m, 10000m, 10000.0001m, 9999.9999m, 100000000m / 10m,
        99999999.99m, -0.0001m, 0.000000001m, 187.3249999m, 187.325m, 1.23456789012345678901234567m,
        79228162514264337593543950335m, -79228162514264337593543950335m, 0.0000000000000000000000000001m, 42.1000000m,
    ];

    [Fact]
    public async Task Every_value_reads_back_as_the_one_Npgsqls_parameters_store()
    {
        await using var schema = await ScratchSchema.CreateAsync("copy");
        await schema.ExecuteAsync("""
            CREATE TABLE raw (k bigint, sym varchar(10), ts timestamptz, d date, n numeric, p numeric(10,2), v bigint);
            CREATE TABLE param (k bigint, sym varchar(10), ts timestamptz, d date, n numeric, p numeric(10,2), v bigint);
            """);
        var times = new[]
        {
            new DateTime(2025, 6, 13, 13, 30, 0, DateTimeKind.Utc), new DateTime(1999, 12, 31, 23, 59, 59, DateTimeKind.Utc).AddTicks(1234567),
            new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(2038, 1, 19, 3, 14, 8, DateTimeKind.Utc),
        };
        var dates = new[] { new DateOnly(2025, 6, 13), new DateOnly(1999, 12, 31), new DateOnly(2000, 1, 1), new DateOnly(1970, 1, 1) };
        var symbols = new[] { "AAPL", "BRK.B", "É", "" };
        var volumes = new[] { 0L, -1L, long.MaxValue, long.MinValue, 123_456_789L };
        // NUMERIC(10,2) takes values below 10^8 only: the big ones go to the unconstrained column alone.
        static decimal? Priced(decimal n) => Math.Abs(n) < 99_999_999.995m ? n : null;

        await using (var connection = await schema.DataSource.OpenConnectionAsync())
        {
            await PgCopyRowWriter.CopyAsync(connection, "COPY raw (k, sym, ts, d, n, p, v) FROM STDIN (FORMAT BINARY)", copy =>
            {
                for (var k = 0; k < Numerics.Length; k++)
                {
                    copy.StartRow(7);
                    copy.Int64(k);
                    copy.Text(symbols[k % symbols.Length]);
                    copy.TimestampTz(times[k % times.Length]);
                    copy.Date(dates[k % dates.Length]);
                    copy.Numeric(Numerics[k]);
                    copy.Numeric(Priced(Numerics[k]) ?? 0m);
                    copy.Int64(volumes[k % volumes.Length]);
                }
            });

            for (var k = 0; k < Numerics.Length; k++)
            {
                await using var insert = new NpgsqlCommand("INSERT INTO param VALUES ($1, $2, $3, $4, $5, $6, $7)", connection);
                insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = k });
                insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = symbols[k % symbols.Length] });
                insert.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = times[k % times.Length] });
                insert.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = dates[k % dates.Length] });
                insert.Parameters.Add(new NpgsqlParameter<decimal> { TypedValue = Numerics[k] });
                insert.Parameters.Add(new NpgsqlParameter<decimal> { TypedValue = Priced(Numerics[k]) ?? 0m });
                insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = volumes[k % volumes.Length] });
                await insert.ExecuteNonQueryAsync();
            }
        }

        Assert.Equal((long)Numerics.Length, await schema.ScalarAsync<long>("SELECT count(*) FROM raw"));
        // Compared as text too: numeric equality ignores the display scale, the text does not.
        var differences = await schema.ScalarAsync<string>("""
            SELECT string_agg(format('k=%s raw=%s param=%s', k, a::text, b::text), '; ')
            FROM raw a FULL JOIN param b USING (k)
            WHERE a::text IS DISTINCT FROM b::text
            """);
        Assert.Null(differences);

        // And the values are the intended ones, not merely the same mistake twice.
        Assert.Equal("123.45", await schema.ScalarAsync<string>($"SELECT n::text FROM raw WHERE k = {Array.IndexOf(Numerics, 123.45m)}"));
        Assert.Equal("187.33", await schema.ScalarAsync<string>($"SELECT p::text FROM raw WHERE k = {Array.IndexOf(Numerics, 187.325m)}"));
        Assert.Equal("-0.0001", await schema.ScalarAsync<string>($"SELECT n::text FROM raw WHERE k = {Array.IndexOf(Numerics, -0.0001m)}"));
        Assert.Equal("79228162514264337593543950335", await schema.ScalarAsync<string>($"SELECT n::text FROM raw WHERE k = {Array.IndexOf(Numerics, decimal.MaxValue)}"));
        Assert.Equal("2025-06-13 13:30:00+00", await schema.ScalarAsync<string>("SELECT to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') || '+00' FROM raw WHERE k = 0"));
        Assert.Equal(new DateOnly(1999, 12, 31).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), await schema.ScalarAsync<string>("SELECT d::text FROM raw WHERE k = 1"));
        Assert.Equal("É", await schema.ScalarAsync<string>("SELECT sym FROM raw WHERE k = 2"));
    }

    [Fact]
    public async Task Uuids_jsonb_and_nulls_read_back_as_Npgsqls_parameters_store_them()
    {
        await using var schema = await ScratchSchema.CreateAsync("copy");
        await schema.ExecuteAsync("""
            CREATE TABLE raw (k bigint, id uuid, doc jsonb, label varchar(100), c numeric(3,2));
            CREATE TABLE param (k bigint, id uuid, doc jsonb, label varchar(100), c numeric(3,2));
            """);
        var ids = new[] { Guid.Parse("00112233-4455-6677-8899-aabbccddeeff"), Guid.Empty, Guid.NewGuid(), Guid.NewGuid() };
        var docs = new string?[] { "{\"tier\":\"intraday\",\"timestamp\":1749821400.123456}", null, "[1, 2.50, \"é\", {\"a\": null}]", "\"x\"" };
        var labels = new string?[] { "tickstock.events.patterns", null, "", "Ünïcödé" };
        var confidences = new decimal?[] { 0.75m, null, 1m, 0.005m };

        await using (var connection = await schema.DataSource.OpenConnectionAsync())
        {
            await PgCopyRowWriter.CopyAsync(connection, "COPY raw (k, id, doc, label, c) FROM STDIN (FORMAT BINARY)", copy =>
            {
                for (var k = 0; k < ids.Length; k++)
                {
                    copy.StartRow(5);
                    copy.Int64(k);
                    copy.Uuid(ids[k]);
                    copy.JsonbOrNull(docs[k]);
                    copy.TextOrNull(labels[k]);
                    copy.NumericOrNull(confidences[k]);
                }
            });

            for (var k = 0; k < ids.Length; k++)
            {
                await using var insert = new NpgsqlCommand("INSERT INTO param VALUES ($1, $2, $3::jsonb, $4, $5)", connection);
                insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = k });
                insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = ids[k] });
                insert.Parameters.Add(new NpgsqlParameter { Value = (object?)docs[k] ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
                insert.Parameters.Add(new NpgsqlParameter { Value = (object?)labels[k] ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Varchar });
                insert.Parameters.Add(new NpgsqlParameter { Value = (object?)confidences[k] ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Numeric });
                await insert.ExecuteNonQueryAsync();
            }
        }

        Assert.Equal((long)ids.Length, await schema.ScalarAsync<long>("SELECT count(*) FROM raw"));
        Assert.Null(await schema.ScalarAsync<string>("""
            SELECT string_agg(format('k=%s raw=%s param=%s', k, a::text, b::text), '; ')
            FROM raw a FULL JOIN param b USING (k)
            WHERE a::text IS DISTINCT FROM b::text
            """));
        Assert.Equal("00112233-4455-6677-8899-aabbccddeeff", await schema.ScalarAsync<string>("SELECT id::text FROM raw WHERE k = 0"));
        Assert.Equal("intraday", await schema.ScalarAsync<string>("SELECT doc->>'tier' FROM raw WHERE k = 0"));
        Assert.Equal(1L, await schema.ScalarAsync<long>("SELECT count(*) FROM raw WHERE doc IS NULL AND label IS NULL AND c IS NULL"));
        Assert.Equal("0.01", await schema.ScalarAsync<string>("SELECT c::text FROM raw WHERE k = 3"));
    }

    [Fact]
    public async Task Rows_bigger_than_the_buffer_are_flushed_as_they_fill_and_all_arrive()
    {
        await using var schema = await ScratchSchema.CreateAsync("copy");
        await schema.ExecuteAsync("CREATE TABLE many (sym varchar(10), d date, n numeric(10,2), v bigint)");
        const int rows = 20_000; // ≈ 700 KB of rows through a 64 KiB buffer
        await using (var connection = await schema.DataSource.OpenConnectionAsync())
        {
            await PgCopyRowWriter.CopyAsync(connection, "COPY many FROM STDIN (FORMAT BINARY)", copy =>
            {
                for (var i = 0; i < rows; i++)
                {
                    copy.StartRow(4);
                    copy.Text("SYM" + (i % 500).ToString(CultureInfo.InvariantCulture));
                    copy.Date(new DateOnly(2000, 1, 1).AddDays(i));
                    copy.Numeric(i / 100m);
                    copy.Int64(i);
                }
            });
        }

        Assert.Equal((long)rows, await schema.ScalarAsync<long>("SELECT count(*) FROM many"));
        Assert.Equal(rows * (long)(rows - 1) / 2, await schema.ScalarAsync<decimal>("SELECT sum(v) FROM many"));
        Assert.Equal((rows * (decimal)(rows - 1) / 2) / 100m, await schema.ScalarAsync<decimal>("SELECT sum(n) FROM many"));
        Assert.Equal(new DateOnly(2000, 1, 1).AddDays(rows - 1), await schema.ScalarAsync<DateOnly>("SELECT max(d) FROM many"));
    }

    [Fact]
    public async Task A_failure_while_encoding_cancels_the_COPY_keeps_no_row_and_leaves_the_connection_usable()
    {
        await using var schema = await ScratchSchema.CreateAsync("copy");
        await schema.ExecuteAsync("CREATE TABLE few (v bigint)");
        await using var connection = await schema.DataSource.OpenConnectionAsync();

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => PgCopyRowWriter.CopyAsync(connection, "COPY few FROM STDIN (FORMAT BINARY)", copy =>
        {
            for (var i = 0; i < 10_000; i++) // past one 64 KiB buffer, so some rows already reached the server
            {
                copy.StartRow(1);
                copy.Int64(i);
            }

            throw new InvalidOperationException("encoder failed");
        }));

        Assert.Equal("encoder failed", failure.Message);
        Assert.Equal(0L, await schema.ScalarAsync<long>("SELECT count(*) FROM few"));
        await using var probe = new NpgsqlCommand("SELECT 1", connection);
        Assert.Equal(1, await probe.ExecuteScalarAsync());
    }

    [Fact]
    public void A_timestamp_that_is_not_UTC_is_refused_before_anything_is_written()
    {
        using var sink = new MemoryStream();
        using var copy = new PgCopyRowWriter(sink);
        Assert.Throws<ArgumentException>(() => copy.TimestampTz(new DateTime(2025, 6, 13, 9, 30, 0, DateTimeKind.Unspecified)));
    }
}
