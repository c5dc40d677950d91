using Akka.Actor;
using TickStock.Actors.Configuration;
using TickStock.Actors.Publishing;
using TickStock.Core.Contracts;
using static TickStock.Actors.Publishing.PipelineCommands;

namespace TickStock.Actors.Tests.Publishing;

/// <summary>The pipeline end to end against real Redis and PostgreSQL (contract §2, §3).</summary>
public class PatternPipelineTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Every_event_arrives_once_in_the_exact_shape_after_its_row_and_forms_a_four_checkpoint_flow()
    {
        await using var rig = await PipelineRig.StartAsync();
        await using var consumer = await rig.StartConsumerAsync();
        string[] tiers = [PatternTier.Intraday, PatternTier.Daily, PatternTier.Combo, PatternTier.Test];
        var events = Enumerable.Range(0, 400).Select(i => PipelineRig.Event(i, tiers[i % 4])).ToList();

        foreach (var e in events) rig.Logger.Tell(new PatternCommands.PatternDetected(e));

        Assert.True(await PipelineRig.EventuallyAsync(() => Task.FromResult(consumer.Received.Count == events.Count), Patience),
            $"received {consumer.Received.Count} of {events.Count}; problems: {string.Join("; ", consumer.Problems.Take(3))}");
        Assert.Empty(consumer.Problems);
        Assert.All(events, e => Assert.Equal(1, consumer.Received[e.FlowId]));
        // Mirrors: one per daily/intraday/combo event, none for the test tier.
        Assert.Equal(100, consumer.PerChannel.GetValueOrDefault(rig.PatternChannel + ".daily"));
        Assert.Equal(100, consumer.PerChannel.GetValueOrDefault(rig.PatternChannel + ".intraday"));
        Assert.Equal(100, consumer.PerChannel.GetValueOrDefault(rig.PatternChannel + ".combo"));
        Assert.Equal(0, consumer.PerChannel.GetValueOrDefault(rig.PatternChannel + ".test"));

        Assert.True(await PipelineRig.EventuallyAsync(async () =>
            await rig.Schema.ScalarAsync<long>("SELECT count(*) FROM pattern_flow_analysis WHERE checkpoints_logged = 4") == events.Count, Patience));
        Assert.Equal(events.Count, await rig.Schema.ScalarAsync<long>(
            "SELECT count(*) FROM pattern_flow_analysis WHERE flow_path = ARRAY['PATTERN_PUBLISHED','EVENT_RECEIVED','EVENT_PARSED','WEBSOCKET_DELIVERED']::varchar[]"));
        // The row carries what was published: symbol, pattern, 2-decimal confidence, tier + detection time in details.
        var sample = events[7];
        Assert.Equal(
            $"{sample.Symbol}|{sample.Pattern}|{IntegrationRow.RoundConfidence(sample.Confidence)}|{sample.Tier}|{rig.PatternChannel}|TickStockPL|pattern_detected",
            await rig.Schema.ScalarAsync<string>(
                $"SELECT symbol || '|' || pattern_name || '|' || confidence || '|' || (details->>'tier') || '|' || channel || '|' || source_system || '|' || event_type FROM integration_events WHERE flow_id = '{sample.FlowId}' AND checkpoint = 'PATTERN_PUBLISHED'"));
        Assert.Equal(events.Count, rig.Stats.PatternsPublished);
    }

    [Fact]
    public async Task Invalid_events_are_rejected_with_a_count_and_nothing_is_written_or_published()
    {
        await using var rig = await PipelineRig.StartAsync();
        await using var consumer = await rig.StartConsumerAsync(logCheckpoints: false);
        var good = PipelineRig.Event(1);

        rig.Logger.Tell(new PatternCommands.PatternDetected(good with { Symbol = new string('X', 21) }));
        rig.Logger.Tell(new PatternCommands.PatternDetected(good with { FlowId = Guid.NewGuid(), Confidence = 1.5 }));
        rig.Logger.Tell(new PatternCommands.PatternDetected(good with { FlowId = Guid.NewGuid(), Tier = "weekly" }));
        rig.Logger.Tell(new PatternCommands.PatternDetected(good));

        Assert.True(await PipelineRig.EventuallyAsync(() => Task.FromResult(consumer.Received.ContainsKey(good.FlowId)), Patience));
        Assert.Equal(3, rig.Stats.PatternsRejected);
        Assert.Single(consumer.Received);
        Assert.Equal(1, await rig.RowsAsync("PATTERN_PUBLISHED"));
    }

    [Fact]
    public async Task Redis_going_down_mid_stream_loses_nothing_and_publishes_the_backlog_when_it_returns()
    {
        await using var rig = await PipelineRig.StartAsync();
        await using var consumer = await rig.StartConsumerAsync(logCheckpoints: false);
        var events = Enumerable.Range(0, 600).Select(i => PipelineRig.Event(i)).ToList();

        foreach (var e in events.Take(200)) rig.Logger.Tell(new PatternCommands.PatternDetected(e));
        Assert.True(await PipelineRig.EventuallyAsync(() => Task.FromResult(consumer.Received.Count >= 100), Patience));
        rig.RedisProxy.Cut();
        foreach (var e in events.Skip(200)) rig.Logger.Tell(new PatternCommands.PatternDetected(e));
        Assert.True(await PipelineRig.EventuallyAsync(() => Task.FromResult(rig.Stats.RedisDown), Patience), "the publisher never noticed Redis was down");
        // Audit rows keep being committed while Redis is away.
        Assert.True(await PipelineRig.EventuallyAsync(async () => await rig.RowsAsync("PATTERN_PUBLISHED") == events.Count, Patience));
        Assert.True(consumer.Received.Count < events.Count);

        rig.RedisProxy.Restore();

        Assert.True(await PipelineRig.EventuallyAsync(() => Task.FromResult(consumer.Received.Count == events.Count), TimeSpan.FromSeconds(45)),
            $"received {consumer.Received.Count} of {events.Count} after Redis returned");
        Assert.Empty(consumer.Problems);
        Assert.False(rig.Stats.RedisDown);
        Assert.Equal(0, rig.Stats.PatternsExpired);
    }

    [Fact]
    public async Task PostgreSQL_going_down_mid_stream_keeps_publishing_and_every_row_is_inserted_with_its_original_time_later()
    {
        await using var rig = await PipelineRig.StartAsync();
        await using var consumer = await rig.StartConsumerAsync(logCheckpoints: false);
        var events = Enumerable.Range(0, 600).Select(i => PipelineRig.Event(i)).ToList();

        foreach (var e in events.Take(200)) rig.Logger.Tell(new PatternCommands.PatternDetected(e));
        Assert.True(await PipelineRig.EventuallyAsync(() => Task.FromResult(consumer.Received.Count == 200), Patience));
        rig.PostgresProxy.Cut();
        var cutAt = DateTimeOffset.UtcNow;
        foreach (var e in events.Skip(200)) rig.Logger.Tell(new PatternCommands.PatternDetected(e));

        // Delivery beats audit: every event is published while the database is unreachable.
        Assert.True(await PipelineRig.EventuallyAsync(() => Task.FromResult(consumer.Received.Count == events.Count), Patience),
            $"received {consumer.Received.Count} of {events.Count} while PostgreSQL was down");
        Assert.True(rig.Stats.PostgresDown);
        Assert.True(rig.Stats.RowsSpilled >= 400, $"spilled {rig.Stats.RowsSpilled}");
        Assert.True(File.Exists(rig.SpillPath) || File.Exists(rig.SpillPath + ".draining"));
        // The depth operators see (ctl pipeline spill_rows, tickstock_audit_spill_rows) is the file's own line count.
        Assert.True(await PipelineRig.EventuallyAsync(() => Task.FromResult(rig.Stats.SpillRowsHeld == SpillLines(rig.SpillPath)), Patience),
            $"held {rig.Stats.SpillRowsHeld}, file has {SpillLines(rig.SpillPath)}");
        Assert.True(rig.Stats.SpillRowsHeld > 0);
        var restoredAt = DateTimeOffset.UtcNow;
        await Task.Delay(300);

        rig.PostgresProxy.Restore();

        Assert.True(await PipelineRig.EventuallyAsync(async () => await rig.RowsAsync("PATTERN_PUBLISHED") == events.Count, TimeSpan.FromSeconds(45)));
        Assert.True(await PipelineRig.EventuallyAsync(() => Task.FromResult(!rig.Stats.PostgresDown), Patience));
        Assert.False(File.Exists(rig.SpillPath) || File.Exists(rig.SpillPath + ".draining"));
        Assert.Equal(0, rig.Stats.SpillRowsHeld);
        // Spilled rows keep the time they were made (during the outage), not the time of insertion.
        var lastSpilled = events[^1].FlowId;
        var rowTime = await rig.Schema.ScalarAsync<DateTime>($"SELECT \"timestamp\" FROM integration_events WHERE flow_id = '{lastSpilled}'");
        Assert.InRange(new DateTimeOffset(rowTime, TimeSpan.Zero), cutAt.AddSeconds(-1), restoredAt);
        Assert.Equal(events.Count, await rig.Schema.ScalarAsync<long>("SELECT count(*) FROM integration_events WHERE checkpoint = 'PATTERN_PUBLISHED'"));
    }

    [Fact]
    public async Task Rows_committed_without_waiting_for_the_WAL_flush_are_let_go_once_PostgreSQL_reports_them_flushed()
    {
        await using var rig = await PipelineRig.StartAsync();
        await using var consumer = await rig.StartConsumerAsync(logCheckpoints: false);
        var events = Enumerable.Range(0, 50).Select(i => PipelineRig.Event(i)).ToList();

        foreach (var e in events) rig.Logger.Tell(new PatternCommands.PatternDetected(e));

        Assert.True(await PipelineRig.EventuallyAsync(() => Task.FromResult(consumer.Received.Count == events.Count), Patience));
        Assert.Equal(events.Count, await rig.RowsAsync("PATTERN_PUBLISHED"));
        // The last batch's own answer cannot show its flush yet; the actor's later check does.
        Assert.True(await PipelineRig.EventuallyAsync(() => Task.FromResult(rig.Stats.UnflushedRows == 0), Patience),
            $"{rig.Stats.UnflushedRows} rows still waiting for their flush");
        Assert.False(rig.Stats.PostgresDown);
    }

    [Fact]
    public async Task Rows_a_PostgreSQL_crash_takes_away_before_their_WAL_flush_are_inserted_again_once_each()
    {
        // The store reports a WAL that never flushes, so every row stays at risk; the test then
        // removes those rows, as a crash of the server would, and takes the server away. Batches
        // are capped at the INSERT's size: a bigger one goes through COPY and a flushed commit.
        await using var rig = await PipelineRig.StartAsync(s => s.MaxBatch = IntegrationEventStore.MaxInsertBatch, store => new NeverFlushingStore(store));
        await using var consumer = await rig.StartConsumerAsync(logCheckpoints: false);
        var events = Enumerable.Range(0, 300).Select(i => PipelineRig.Event(i)).ToList();

        foreach (var e in events.Take(200)) rig.Logger.Tell(new PatternCommands.PatternDetected(e));
        Assert.True(await PipelineRig.EventuallyAsync(() => Task.FromResult(consumer.Received.Count == 200 && rig.Stats.UnflushedRows == 200), Patience),
            $"received {consumer.Received.Count}, unflushed {rig.Stats.UnflushedRows}");
        Assert.Equal(200, await rig.Schema.ExecuteAsync("DELETE FROM integration_events WHERE checkpoint = 'PATTERN_PUBLISHED'"));
        rig.PostgresProxy.Cut();
        foreach (var e in events.Skip(200)) rig.Logger.Tell(new PatternCommands.PatternDetected(e));

        Assert.True(await PipelineRig.EventuallyAsync(() => Task.FromResult(consumer.Received.Count == events.Count), Patience));
        // The failure turned the rows at risk into spilled rows.
        Assert.True(await PipelineRig.EventuallyAsync(() => Task.FromResult(rig.Stats.PostgresDown && rig.Stats.UnflushedRows == 0), Patience));
        rig.PostgresProxy.Restore();

        Assert.True(await PipelineRig.EventuallyAsync(async () => await rig.RowsAsync("PATTERN_PUBLISHED") == events.Count, TimeSpan.FromSeconds(45)),
            $"{await rig.RowsAsync("PATTERN_PUBLISHED")} of {events.Count} rows");
        Assert.True(await PipelineRig.EventuallyAsync(() => Task.FromResult(!rig.Stats.PostgresDown), Patience));
        Assert.Equal(events.Count, await rig.Schema.ScalarAsync<long>("SELECT count(*) FROM integration_events WHERE checkpoint = 'PATTERN_PUBLISHED'"));
    }

    [Fact]
    public async Task A_graceful_stop_inserts_again_the_rows_still_waiting_for_their_flush_that_a_server_restart_took()
    {
        NeverFlushingStore? store = null;
        await using var rig = await PipelineRig.StartAsync(s => s.MaxBatch = IntegrationEventStore.MaxInsertBatch, inner => store = new NeverFlushingStore(inner));
        await using var consumer = await rig.StartConsumerAsync(logCheckpoints: false);
        var events = Enumerable.Range(0, 100).Select(i => PipelineRig.Event(i)).ToList();
        foreach (var e in events) rig.Logger.Tell(new PatternCommands.PatternDetected(e));
        Assert.True(await PipelineRig.EventuallyAsync(() => Task.FromResult(consumer.Received.Count == 100 && rig.Stats.UnflushedRows == 100), Patience));
        // Lost by a crash and restart the logger did not notice (no write happened in between):
        // the server now reports another start time.
        Assert.Equal(100, await rig.Schema.ExecuteAsync("DELETE FROM integration_events WHERE checkpoint = 'PATTERN_PUBLISHED'"));
        store!.Restarted = true;

        await rig.Logger.Ask<FlushCompleted>(Flush.Instance, TimeSpan.FromSeconds(20));

        Assert.Equal(100, await rig.Schema.ScalarAsync<long>("SELECT count(*) FROM integration_events WHERE checkpoint = 'PATTERN_PUBLISHED'"));
        Assert.Equal("PRODUCER_STOPPED", await rig.Schema.ScalarAsync<string>("SELECT checkpoint FROM integration_events ORDER BY \"timestamp\" DESC, id DESC LIMIT 1"));
        Assert.Equal(0, rig.Stats.UnflushedRows);
        // In batches no bigger than the pipeline's (100 rows, 64 per batch).
        Assert.Equal(100, store.RowsOfferedAgain);
        Assert.Equal(IntegrationEventStore.MaxInsertBatch, store.LargestInsertAgain);
    }

    [Fact]
    public async Task A_graceful_stop_makes_rows_committed_in_the_same_server_life_durable_with_its_own_flushed_commit_without_writing_them_again()
    {
        NeverFlushingStore? store = null;
        await using var rig = await PipelineRig.StartAsync(s => s.MaxBatch = IntegrationEventStore.MaxInsertBatch, inner => store = new NeverFlushingStore(inner));
        await using var consumer = await rig.StartConsumerAsync(logCheckpoints: false);
        var events = Enumerable.Range(0, 150).Select(i => PipelineRig.Event(i)).ToList();
        foreach (var e in events) rig.Logger.Tell(new PatternCommands.PatternDetected(e));
        Assert.True(await PipelineRig.EventuallyAsync(() => Task.FromResult(consumer.Received.Count == 150 && rig.Stats.UnflushedRows == 150), Patience));
        // The server reports its real flush position again only once PRODUCER_STOPPED is written.
        store!.FlushHiddenUntilStopRow = true;

        await rig.Logger.Ask<FlushCompleted>(Flush.Instance, TimeSpan.FromSeconds(20));

        Assert.Equal(0, store.RowsOfferedAgain);
        Assert.Equal(150, await rig.Schema.ScalarAsync<long>("SELECT count(*) FROM integration_events WHERE checkpoint = 'PATTERN_PUBLISHED'"));
        Assert.Equal("PRODUCER_STOPPED", await rig.Schema.ScalarAsync<string>("SELECT checkpoint FROM integration_events ORDER BY id DESC LIMIT 1"));
        Assert.Equal(0, rig.Stats.UnflushedRows);
    }

    [Fact]
    public async Task A_stop_while_PostgreSQL_is_unreachable_leaves_PRODUCER_STOPPED_in_the_spill_file_for_the_next_start()
    {
        await using var rig = await PipelineRig.StartAsync();
        await using var consumer = await rig.StartConsumerAsync(logCheckpoints: false);
        foreach (var e in Enumerable.Range(0, 20).Select(i => PipelineRig.Event(i))) rig.Logger.Tell(new PatternCommands.PatternDetected(e));
        Assert.True(await PipelineRig.EventuallyAsync(() => Task.FromResult(consumer.Received.Count == 20), Patience));
        rig.PostgresProxy.Cut();

        await rig.Logger.Ask<FlushCompleted>(Flush.Instance, TimeSpan.FromSeconds(20));

        var spilled = string.Concat(new[] { rig.SpillPath, rig.SpillPath + ".draining" }.Where(File.Exists).Select(File.ReadAllText));
        Assert.Contains("\"checkpoint\":\"PRODUCER_STOPPED\"", spilled, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_synchronous_audit_commits_nothing_waits_for_a_flush_and_every_row_is_there()
    {
        await using var rig = await PipelineRig.StartAsync(s => s.AuditCommit = AuditCommitMode.Synchronous);
        await using var consumer = await rig.StartConsumerAsync(logCheckpoints: false);
        var events = Enumerable.Range(0, 40).Select(i => PipelineRig.Event(i)).ToList();

        foreach (var e in events) rig.Logger.Tell(new PatternCommands.PatternDetected(e));

        Assert.True(await PipelineRig.EventuallyAsync(() => Task.FromResult(consumer.Received.Count == events.Count), Patience));
        Assert.Equal(events.Count, await rig.RowsAsync("PATTERN_PUBLISHED"));
        Assert.Equal(0, rig.Stats.UnflushedRows);
    }

    /// <summary>
    /// The real store, except that the server's WAL never reaches the rows' commits; it can also
    /// report a restarted server (another start time), or the real flush position once a
    /// PRODUCER_STOPPED row is written. Counts the rows offered again through InsertMissingAsync.
    /// </summary>
    private sealed class NeverFlushingStore(IIntegrationEventStore inner) : IIntegrationEventStore
    {
        private int _rowsOfferedAgain;
        private int _largestInsertAgain;
        private volatile bool _stopRowWritten;

        public volatile bool Restarted;

        public volatile bool FlushHiddenUntilStopRow;

        public int RowsOfferedAgain => Volatile.Read(ref _rowsOfferedAgain);

        public int LargestInsertAgain => Volatile.Read(ref _largestInsertAgain);

        public async Task WriteAsync(IReadOnlyList<IntegrationRow> rows, CancellationToken ct = default)
        {
            await inner.WriteAsync(rows, ct);
            if (rows.Any(r => r.Checkpoint == "PRODUCER_STOPPED")) _stopRowWritten = true;
        }

        public async Task<DeferredCommit?> WriteDeferredAsync(IReadOnlyList<IntegrationRow> rows, CancellationToken ct = default) =>
            await inner.WriteDeferredAsync(rows, ct) is { } commit ? commit with { Flushed = Nothing(commit.Flushed) } : null;

        public async Task<WalPoint> FlushedAsync(CancellationToken ct = default)
        {
            var real = await inner.FlushedAsync(ct);
            if (Restarted) return new WalPoint(real.Lsn, real.ServerStartedUtc.AddSeconds(1));
            return FlushHiddenUntilStopRow && _stopRowWritten ? real : Nothing(real);
        }

        public Task<int> InsertMissingAsync(IReadOnlyList<IntegrationRow> rows, CancellationToken ct = default)
        {
            Interlocked.Add(ref _rowsOfferedAgain, rows.Count);
            var largest = Volatile.Read(ref _largestInsertAgain);
            while (rows.Count > largest && Interlocked.CompareExchange(ref _largestInsertAgain, rows.Count, largest) != largest) largest = Volatile.Read(ref _largestInsertAgain);
            return inner.InsertMissingAsync(rows, ct);
        }

        private static WalPoint Nothing(WalPoint real) => real with { Lsn = default };
    }

    [Fact]
    public async Task Events_that_expire_while_Redis_is_down_are_dropped_with_a_PATTERN_EXPIRED_row()
    {
        await using var rig = await PipelineRig.StartAsync();
        await using var consumer = await rig.StartConsumerAsync(logCheckpoints: false);
        rig.RedisProxy.Cut();
        var shortLived = Enumerable.Range(0, 20).Select(i => PipelineRig.Event(i, lifetime: TimeSpan.FromMilliseconds(300))).ToList();
        var longLived = Enumerable.Range(100, 5).Select(i => PipelineRig.Event(i)).ToList();

        foreach (var e in shortLived.Concat(longLived)) rig.Logger.Tell(new PatternCommands.PatternDetected(e));
        Assert.True(await PipelineRig.EventuallyAsync(async () => await rig.RowsAsync("PATTERN_PUBLISHED") == 25, Patience));
        await Task.Delay(600);
        rig.RedisProxy.Restore();

        Assert.True(await PipelineRig.EventuallyAsync(() => Task.FromResult(consumer.Received.Count == 5), TimeSpan.FromSeconds(45)));
        Assert.All(longLived, e => Assert.True(consumer.Received.ContainsKey(e.FlowId)));
        Assert.All(shortLived, e => Assert.False(consumer.Received.ContainsKey(e.FlowId)));
        Assert.True(await PipelineRig.EventuallyAsync(async () => await rig.RowsAsync("PATTERN_EXPIRED") == 20, Patience));
        Assert.Equal(20, rig.Stats.PatternsExpired);
        Assert.Equal("expired before Redis could be reached", await rig.Schema.ScalarAsync<string>(
            $"SELECT details->>'reason' FROM integration_events WHERE checkpoint = 'PATTERN_EXPIRED' AND flow_id = '{shortLived[0].FlowId}' AND channel IS NULL"));
    }

    [Fact]
    public async Task Flush_publishes_everything_buffered_and_writes_PRODUCER_STOPPED_last()
    {
        await using var rig = await PipelineRig.StartAsync();
        await using var consumer = await rig.StartConsumerAsync(logCheckpoints: false);
        var events = Enumerable.Range(0, 300).Select(i => PipelineRig.Event(i)).ToList();

        foreach (var e in events) rig.Logger.Tell(new PatternCommands.PatternDetected(e));
        var result = await rig.Logger.Ask<FlushCompleted>(Flush.Instance, TimeSpan.FromSeconds(20));

        Assert.Equal(0, result.UnpublishedEvents);
        Assert.True(await PipelineRig.EventuallyAsync(() => Task.FromResult(consumer.Received.Count == events.Count), Patience));
        Assert.Equal("PRODUCER_STOPPED", await rig.Schema.ScalarAsync<string>("SELECT checkpoint FROM integration_events ORDER BY \"timestamp\" DESC, id DESC LIMIT 1"));
        Assert.Equal(300L, await rig.Schema.ScalarAsync<long>("SELECT (details->>'patterns_published')::bigint FROM integration_events WHERE checkpoint = 'PRODUCER_STOPPED'"));
    }

    private static long SpillLines(string path) =>
        new[] { path, path + ".draining" }.Where(File.Exists).Sum(f => (long)File.ReadAllLines(f).Length);
}
