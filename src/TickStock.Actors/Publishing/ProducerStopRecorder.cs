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
    TimeProvider clock, ILoggingAdapter log, string node)
{
    /// <summary>
    /// Rows still waiting for their flush (<paramref name="unflushed"/>) are first inserted where
    /// missing (a restart may have taken them); the PRODUCER_STOPPED commit waits for the WAL flush,
    /// and the WAL is flushed in order, so it makes them durable too. If the database is down or
    /// fails now, both go to the spill file, which the next start inserts.
    /// </summary>
    public async Task<FlushCompleted> RecordAsync(List<IntegrationRow> unflushed, bool databaseDown)
    {
        try
        {
            unflushed.AddRange((await spillActor.Ask<AuditSpillCommands.Stopped>(AuditSpillCommands.Stop.Instance, TimeSpan.FromSeconds(5)).ConfigureAwait(false)).HeldRows);
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

        var details = WireFormat.Object(w =>
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
        var stopped = IntegrationRow.System("system_shutdown", "PRODUCER_STOPPED", details, clock.GetUtcNow());
#pragma warning disable CA1031 // best effort at exit: say so, never hang the shutdown
        if (!databaseDown)
        {
            try
            {
                if (unflushed.Count > 0) await store.InsertMissingAsync(unflushed).ConfigureAwait(false);
                await store.WriteAsync([stopped]).ConfigureAwait(false);
                return new FlushCompleted(unpublished);
            }
            catch (Exception ex)
            {
                log.Warning("Could not record PRODUCER_STOPPED in PostgreSQL ({0}); it goes to {1}", ex.Message, spill.Path);
            }
        }

        try
        {
            await spill.AppendAsync([.. unflushed, stopped]).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            log.Warning("Could not record PRODUCER_STOPPED in {0} either: {1}", spill.Path, ex.Message);
        }
#pragma warning restore CA1031

        return new FlushCompleted(unpublished);
    }
}
