using TickStock.Actors.Persistence;
using TickStock.Actors.Publishing;
using TickStock.Core.Contracts;
using TickStock.Testing;

namespace TickStock.Actors.Tests.Publishing;

public class IntegrationEventStoreTests
{
    // Small batches go through the prepared INSERT, bigger ones through COPY: both sides of the boundary.
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(IntegrationEventStore.MaxInsertBatch)]
    [InlineData(IntegrationEventStore.MaxInsertBatch + 1)]
    [InlineData(2500)]
    public async Task Every_column_is_stored_exactly_including_nulls_and_original_timestamps(int count)
    {
        await using var schema = await ScratchSchema.CreateAsync("store");
        await new SchemaMigrator(schema.DataSource).MigrateAsync();
        var at = new DateTimeOffset(2024, 10, 30, 14, 56, 30, 123, TimeSpan.Zero);
        var rows = Enumerable.Range(0, count).Select(i => i % 2 == 0
            ? IntegrationRow.Published(PatternEvent.Create($"S{i}", "Doji", 0.845, PatternTier.Daily, "daily", 10, 1, 5, at), "chan", at.AddMilliseconds(i))
            : IntegrationRow.System("heartbeat", "PRODUCER_ALIVE", """{"uptime_seconds":1}""", at.AddMilliseconds(i))).ToList();

        await new IntegrationEventStore(schema.DataSource).WriteAsync(rows);

        Assert.Equal(count, await schema.ScalarAsync<long>("SELECT count(*) FROM integration_events"));
        var first = rows[0];
        Assert.Equal($"S0|Doji|0.85|chan|pattern_detected|PATTERN_PUBLISHED|TickStockPL|daily|2024-10-30 14:56:30.123+00",
            await schema.ScalarAsync<string>(
                $"SELECT symbol || '|' || pattern_name || '|' || confidence || '|' || channel || '|' || event_type || '|' || checkpoint || '|' || source_system || '|' || (details->>'tier') || '|' || (\"timestamp\" AT TIME ZONE 'UTC')::text || '+00' FROM integration_events WHERE flow_id = '{first.FlowId}'"));
        if (count > 1)
        {
            Assert.Equal("t|t|t|t|1", await schema.ScalarAsync<string>(
                $"SELECT (symbol IS NULL)::text::char || '|' || (pattern_name IS NULL)::text::char || '|' || (confidence IS NULL)::text::char || '|' || (channel IS NULL)::text::char || '|' || (details->>'uptime_seconds') FROM integration_events WHERE flow_id = '{rows[1].FlowId}'"));
        }
    }
}
