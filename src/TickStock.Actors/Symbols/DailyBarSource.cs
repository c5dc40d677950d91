using Npgsql;
using TickStock.Core.Bars;

namespace TickStock.Actors.Symbols;

/// <summary>Where a SymbolActor gets the daily history it seeds from when it starts.</summary>
public interface IDailyBarSource
{
    /// <summary>The most recent <paramref name="count"/> daily bars of <paramref name="symbol"/>, oldest first.</summary>
    Task<IReadOnlyList<Bar>> LoadAsync(string symbol, int count, CancellationToken cancellationToken = default);
}

/// <summary>Daily history from <c>ohlcv_daily</c>.</summary>
public sealed class PostgresDailyBarSource(NpgsqlDataSource dataSource) : IDailyBarSource
{
    public async Task<IReadOnlyList<Bar>> LoadAsync(string symbol, int count, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT date, open, high, low, close, volume FROM (SELECT * FROM ohlcv_daily WHERE symbol = $1 ORDER BY date DESC LIMIT $2) d ORDER BY date");
        command.Parameters.AddWithValue(symbol);
        command.Parameters.AddWithValue(count);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var bars = new List<Bar>(count);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (reader.IsDBNull(1) || reader.IsDBNull(2) || reader.IsDBNull(3) || reader.IsDBNull(4))
            {
                continue;
            }

            bars.Add(Bar.Daily(reader.GetFieldValue<DateOnly>(0), (double)reader.GetDecimal(1), (double)reader.GetDecimal(2),
                (double)reader.GetDecimal(3), (double)reader.GetDecimal(4), reader.IsDBNull(5) ? 0 : reader.GetInt64(5)));
        }

        return bars;
    }
}
