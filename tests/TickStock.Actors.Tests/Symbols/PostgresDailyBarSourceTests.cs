using TickStock.Actors.Symbols;
using TickStock.Core.Bars;
using TickStock.Testing;

namespace TickStock.Actors.Tests.Symbols;

/// <summary>Seeding history from ohlcv_daily in the real local PostgreSQL.</summary>
public class PostgresDailyBarSourceTests
{
    [Fact]
    public async Task Loads_the_most_recent_days_of_one_symbol_oldest_first()
    {
        await using var schema = await ScratchSchema.CreateAsync("seed");
        await schema.ExecuteAsync("""
            CREATE TABLE ohlcv_daily (symbol VARCHAR(10) NOT NULL, date DATE NOT NULL, open NUMERIC(10,2), high NUMERIC(10,2),
                low NUMERIC(10,2), close NUMERIC(10,2), volume BIGINT, PRIMARY KEY (symbol, date));
            INSERT INTO ohlcv_daily VALUES
                ('AAPL', '2026-01-05', 10, 11, 9, 10.5, 100), ('AAPL', '2026-01-06', 10.5, 12, 10, 11.25, 200),
                ('AAPL', '2026-01-07', 11, 13, 10.75, 12.5, NULL), ('AAPL', '2026-01-02', 9, 9.5, 8, 9.25, 50),
                ('AAPL', '2026-01-08', NULL, NULL, NULL, NULL, 10), ('MSFT', '2026-01-07', 1, 1, 1, 1, 1);
            """);

        var bars = await new PostgresDailyBarSource(schema.DataSource).LoadAsync("AAPL", 4);

        // The 4 most recent rows are 01-05..01-08; the all-NULL price row is skipped.
        Assert.Equal([20260105, 20260106, 20260107], bars.Select(b => b.SessionDate));
        Assert.Equal(Bar.Daily(new DateOnly(2026, 1, 6), 10.5, 12, 10, 11.25, 200), bars[1]);
        Assert.Equal(0, bars[2].Volume);
    }
}
