using System.Globalization;
using Npgsql;
using NpgsqlTypes;
using TickStock.Core.Backtesting;
using TickStock.Core.Bars;
using TickStock.Core.Loading;

namespace TickStock.Actors.Backtesting;

/// <summary>Where a daemon backtest finds its daily bars.</summary>
public interface IBacktestBarSource
{
    /// <summary>The symbols whose stored daily rows do not cover every trading date of <paramref name="window"/>.</summary>
    Task<IReadOnlyList<string>> MissingAsync(IReadOnlyList<string> symbols, LoadWindow window, CancellationToken ct);

    /// <summary>A symbol's warm-up (up to <see cref="SignalDetector.WarmUpBars"/> rows before <paramref name="start"/>) and range rows.</summary>
    Task<SymbolHistory> ReadAsync(string symbol, DateOnly start, DateOnly end, CancellationToken ct);
}

/// <summary><see cref="IBacktestBarSource"/> over <c>ohlcv_daily</c>.</summary>
public sealed class PostgresBacktestBars(NpgsqlDataSource dataSource) : IBacktestBarSource
{
    public async Task<IReadOnlyList<string>> MissingAsync(IReadOnlyList<string> symbols, LoadWindow window, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(symbols);
        ArgumentNullException.ThrowIfNull(window);
        int sessions = window.TradingDates().Count();
        var stored = new Dictionary<string, long>(StringComparer.Ordinal);
        await using (var cmd = dataSource.CreateCommand("""
            SELECT symbol, count(*) FROM ohlcv_daily WHERE symbol = ANY($1) AND date >= $2 AND date <= $3 GROUP BY symbol
            """))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = symbols.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Varchar });
            cmd.Parameters.Add(new NpgsqlParameter { Value = window.FirstDate, NpgsqlDbType = NpgsqlDbType.Date });
            cmd.Parameters.Add(new NpgsqlParameter { Value = window.LastDate, NpgsqlDbType = NpgsqlDbType.Date });
            await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                stored[reader.GetString(0)] = reader.GetInt64(1);
            }
        }

        return symbols.Where(s => stored.GetValueOrDefault(s) < sessions).ToList();
    }

    public async Task<SymbolHistory> ReadAsync(string symbol, DateOnly start, DateOnly end, CancellationToken ct)
    {
        // Prices come as binary numerics and are turned into the double that parsing their text gives (as `scan` and
        // `backtest file` parse a bar file), so the same stored row gives the same binary64 in both paths (the
        // byte-identical results rest on that) without the server formatting and the client parsing text.
        await using var cmd = dataSource.CreateCommand($"""
            SELECT date, open, high, low, close, volume FROM (
                (SELECT date, open, high, low, close, volume FROM ohlcv_daily WHERE symbol = $1 AND date < $2 ORDER BY date DESC LIMIT {SignalDetector.WarmUpBars})
                UNION ALL
                (SELECT date, open, high, low, close, volume FROM ohlcv_daily WHERE symbol = $1 AND date >= $2 AND date <= $3)
            ) AS bars ORDER BY date
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = symbol, NpgsqlDbType = NpgsqlDbType.Varchar });
        cmd.Parameters.Add(new NpgsqlParameter { Value = start, NpgsqlDbType = NpgsqlDbType.Date });
        cmd.Parameters.Add(new NpgsqlParameter { Value = end, NpgsqlDbType = NpgsqlDbType.Date });
        var bars = new List<Bar>(2048);
        await using (var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                bars.Add(Bar.Daily(reader.GetFieldValue<DateOnly>(0), Price(reader, 1), Price(reader, 2), Price(reader, 3), Price(reader, 4),
                    reader.IsDBNull(5) ? 0 : reader.GetInt64(5)));
            }
        }

        if (!SymbolHistory.TryCreate(symbol, bars, out SymbolHistory? history, out string? error))
        {
            throw new InvalidDataException(error);
        }

        return history!;
    }

    private static double Price(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? double.NaN : ExactDecimal.ToDouble(reader.GetDecimal(ordinal));
}

/// <summary>The double a decimal number's text parses to, without the text.</summary>
public static class ExactDecimal
{
    // 10^0 … 10^22: every one exactly representable as a double.
    private static readonly double[] PowersOfTen = [.. Enumerable.Range(0, 23).Select(e => double.Parse("1e" + e.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture))];

    /// <summary>
    /// Bit for bit what <c>double.Parse(value.ToString(InvariantCulture))</c> gives. A decimal is m / 10^s; when m is
    /// below 2^53 and s ≤ 22 both are exact doubles, and IEEE division rounds their quotient correctly — as parsing
    /// rounds the text's value correctly — so the two agree (the fast path of Clinger's algorithm). Stored prices
    /// (NUMERIC(10,2)) always take it; anything else goes through the text.
    /// </summary>
    public static double ToDouble(decimal value)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        int scale = (bits[3] >> 16) & 0xFF;
        if (bits[2] == 0 && (uint)bits[1] < (1u << 21) && scale < PowersOfTen.Length)
        {
            ulong mantissa = ((ulong)(uint)bits[1] << 32) | (uint)bits[0];
            double quotient = mantissa / PowersOfTen[scale];
            return bits[3] < 0 ? -quotient : quotient;
        }

        return double.Parse(value.ToString(CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture);
    }
}
