using Akka.Actor;
using Akka.Event;
using TickStock.Core.Contracts;
using static TickStock.Actors.Publishing.PipelineCommands;

namespace TickStock.Actors.Publishing;

/// <summary>
/// The IntegrationLogger's last act at a graceful stop: stop the spill actor (taking the rows it
/// could not write anywhere), drain the Publisher (or give up on Redis), then write the
/// PRODUCER_STOPPED row. Runs off the actor: everything it needs of the actor's state
/// is passed in.
/// </summary>
internal sealed class ProducerStopRecorder(IIntegrationEventStore store, SpillFile spill, IActorRef spillActor, IActorRef publisher, ProducerStats stats,
    TimeProvider clock, ILoggingAdapter log, string node, int maxBatch)
{
    /// <summary>
    /// Rows committed without waiting for their WAL flush (<paramref name="unflushed"/>) are made
    /// durable without writing them again where that is safe: the PRODUCER_STOPPED commit waits for
    /// the flush, and the WAL is flushed in order, so it makes every earlier commit of the same life
    /// of the server durable too. Only rows a restart may have taken (committed in an earlier life,
    /// or held by the spill actor) are inserted where missing, in batches of at most
    /// <c>maxBatch</c> rows. Re-inserting every held row instead — one statement, however many rows
    /// a busy minute left waiting — once outlasted the 30 s command timeout at the end of a
    /// 50,000-event bench run while a checkpoint held back the flush. If the database is down or
    /// fails now, the rows at risk and PRODUCER_STOPPED go to the spill file, which the next start
    /// inserts where missing.
    /// </summary>
    public async Task<FlushCompleted> RecordAsync(UnflushedRows unflushed, bool databaseDown)
    {
        ArgumentNullException.ThrowIfNull(unflushed);
        var uncertain = new List<IntegrationRow>();
        try
        {
            uncertain.AddRange((await spillActor.Ask<AuditSpillCommands.Stopped>(AuditSpillCommands.Stop.Instance, TimeSpan.FromSeconds(5)).ConfigureAwait(false)).HeldRows);
        }
        catch (AskTimeoutException)
        {
            log.Warning("The spill actor did not finish in time; rows it still holds are not recorded");
        }

        int unpublished;
        try
        {
            unpublished = (await publisher.Ask<FlushCompleted>(Flush.Instance, TimeSpan.FromSeconds(5)).ConfigureAwait(false)).UnpublishedEvents;
        }
        catch (AskTimeoutException)
        {
            unpublished = -1;
        }

        var stopped = IntegrationRow.System("system_shutdown", "PRODUCER_STOPPED", StopDetails(unpublished), clock.GetUtcNow());
#pragma warning disable CA1031 // best effort at exit: say so, never hang the shutdown
        if (!databaseDown)
        {
            try
            {
                if (!unflushed.IsEmpty)
                {
                    unflushed.Release(await store.FlushedAsync().ConfigureAwait(false), out var lost);
                    if (lost is not null) uncertain.AddRange(lost);
                }

                await InsertMissingAsync(uncertain).ConfigureAwait(false);
                uncertain.Clear();
                await store.WriteAsync([stopped]).ConfigureAwait(false);
                if (!unflushed.IsEmpty) await CheckFlushedByStopAsync(unflushed, uncertain).ConfigureAwait(false);
                return new FlushCompleted(unpublished);
            }
            catch (Exception ex)
            {
                log.Warning("Could not record PRODUCER_STOPPED in PostgreSQL ({0}); it goes to {1}", ex.Message, spill.Path);
            }
        }

        try
        {
            await spill.AppendAsync([.. uncertain, .. unflushed.TakeAll(), stopped]).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            log.Warning("Could not record PRODUCER_STOPPED in {0} either: {1}", spill.Path, ex.Message);
        }
#pragma warning restore CA1031

        return new FlushCompleted(unpublished);
    }

    /// <summary>
    /// After PRODUCER_STOPPED's flushed commit the server's flush position covers every earlier
    /// commit of its life. Rows it still does not cover were committed in a life that ended during
    /// the stop: inserted where missing (after PRODUCER_STOPPED in id order, though their timestamps
    /// still put them before it).
    /// </summary>
    private async Task CheckFlushedByStopAsync(UnflushedRows unflushed, List<IntegrationRow> uncertain)
    {
        unflushed.Release(await store.FlushedAsync().ConfigureAwait(false), out var lost);
        if (lost is not null) uncertain.AddRange(lost);
        uncertain.AddRange(unflushed.TakeAll());
        if (uncertain.Count == 0) return;
        log.Warning("{0} audit rows were not reported flushed after PRODUCER_STOPPED's flushed commit (did PostgreSQL restart during the stop?); inserting them where missing", uncertain.Count);
        await InsertMissingAsync(uncertain).ConfigureAwait(false);
        uncertain.Clear();
    }

    private async Task InsertMissingAsync(List<IntegrationRow> rows)
    {
        foreach (var batch in rows.Chunk(Math.Max(1, maxBatch))) await store.InsertMissingAsync(batch).ConfigureAwait(false);
    }

    private string StopDetails(int unpublished) => WireFormat.Object(w =>
    {
        // Which cluster node stopped (its remoting address), as PRODUCER_STARTED names it.
        w.WriteString("node", node);
        w.WriteNumber("patterns_detected", stats.PatternsDetected);
        w.WriteNumber("patterns_published", stats.PatternsPublished);
        w.WriteNumber("patterns_expired", stats.PatternsExpired);
        w.WriteNumber("rows_spilled", stats.RowsSpilled);
        w.WriteNumber("unpublished_at_stop", unpublished);
        w.WriteNumber("uptime_seconds", stats.UptimeSeconds);
    });
}
