using TickStock.Actors.Persistence;
using TickStock.Actors.Publishing;
using TickStock.Core.Contracts;
using TickStock.Testing;

namespace TickStock.Actors.Tests.Publishing;

public class IntegrationEventStoreTests
{
    private static readonly DateTimeOffset At = new(2024, 10, 30, 14, 56, 30, 123, TimeSpan.Zero);

    // Small batches go through the prepared INSERT, bigger ones through COPY: both sides of the
    // boundary, with and without waiting for the WAL flush.
    [Theory]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(IntegrationEventStore.MaxInsertBatch, false)]
    [InlineData(IntegrationEventStore.MaxInsertBatch + 1, false)]
    [InlineData(2500, false)]
    [InlineData(1, true)]
    [InlineData(IntegrationEventStore.MaxInsertBatch, true)]
    [InlineData(IntegrationEventStore.MaxInsertBatch + 1, true)]
    [InlineData(2500, true)]
    public async Task Every_column_is_stored_exactly_including_nulls_and_original_timestamps(int count, bool deferred)
    {
        await using var schema = await ScratchSchema.CreateAsync("store");
        await new SchemaMigrator(schema.DataSource).MigrateAsync();
        var rows = Rows(count);

        var store = new IntegrationEventStore(schema.DataSource);
        if (deferred)
        {
            // INSERT- and COPY-sized batches alike commit without waiting and report where their commit is.
            var commit = (await store.WriteDeferredAsync(rows)).GetValueOrDefault();
            Assert.NotEqual(default, commit.Commit.Lsn);
            Assert.Equal(commit.Commit.ServerStartedUtc, commit.Flushed.ServerStartedUtc);
        }
        else
        {
            await store.WriteAsync(rows);
        }

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

    // The prepared INSERT and the COPY in its own transaction.
    [Theory]
    [InlineData(3)]
    [InlineData(IntegrationEventStore.MaxInsertBatch + 100)]
    public async Task A_deferred_commit_is_visible_at_once_durable_once_the_flush_passes_it_and_leaves_the_session_as_it_was(int count)
    {
        await using var schema = await ScratchSchema.CreateAsync("store");
        await new SchemaMigrator(schema.DataSource).MigrateAsync();
        var store = new IntegrationEventStore(schema.DataSource);
        var rows = Rows(count);

        var commit = (await store.WriteDeferredAsync(rows)).GetValueOrDefault();

        Assert.Equal(count, await schema.ScalarAsync<long>("SELECT count(*) FROM integration_events"));
        Assert.Equal(commit.Commit.ServerStartedUtc, commit.Flushed.ServerStartedUtc);
        Assert.NotEqual(default, commit.Commit.Lsn);
        // The server's WAL writer flushes within a few wal_writer_delay (200 ms by default).
        var flushed = await store.FlushedAsync();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!flushed.Covers(commit.Commit) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
            flushed = await store.FlushedAsync();
        }

        Assert.True(flushed.Covers(commit.Commit), $"flushed {flushed.Lsn}, commit {commit.Commit.Lsn}");
        // synchronous_commit was changed for that one transaction only: the pooled session still waits.
        await using var connection = await schema.DataSource.OpenConnectionAsync();
        await using var show = new Npgsql.NpgsqlCommand("SHOW synchronous_commit", connection);
        Assert.Equal("on", (string?)await show.ExecuteScalarAsync());
    }

    [Fact]
    public async Task InsertMissing_inserts_only_the_rows_not_already_there()
    {
        await using var schema = await ScratchSchema.CreateAsync("store");
        await new SchemaMigrator(schema.DataSource).MigrateAsync();
        var store = new IntegrationEventStore(schema.DataSource);
        var rows = Rows(10);
        await store.WriteAsync(rows.Take(6).ToList());
        // Same flow_id and checkpoint but another time: a different row (a repeated heartbeat, say).
        var sameFlowLater = rows[0] with { Timestamp = rows[0].Timestamp.AddSeconds(1) };

        var inserted = await store.InsertMissingAsync([.. rows, sameFlowLater]);

        Assert.Equal(5, inserted);
        Assert.Equal(11, await schema.ScalarAsync<long>("SELECT count(*) FROM integration_events"));
        Assert.Equal(0, await store.InsertMissingAsync(rows));
    }

    private static List<IntegrationRow> Rows(int count) =>
        Enumerable.Range(0, count).Select(i => i % 2 == 0
            ? IntegrationRow.Published(PatternEvent.Create($"S{i}", "Doji", 0.845, PatternTier.Daily, "daily", 10, 1, 5, At), "chan", At.AddMilliseconds(i))
            : IntegrationRow.System("heartbeat", "PRODUCER_ALIVE", """{"uptime_seconds":1}""", At.AddMilliseconds(i))).ToList();
}
