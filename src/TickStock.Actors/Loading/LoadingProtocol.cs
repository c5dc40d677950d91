using TickStock.Core.Jobs;
using TickStock.Core.Universe;

namespace TickStock.Actors.Loading;

/// <summary>
/// Messages the <see cref="JobCoordinator"/> receives from outside and from its own piped work
/// (all local to the node hosting the coordinator singleton).
/// </summary>
public static class JobCoordinatorMessages
{
    /// <summary>A raw message from a subscribed job channel (data-load or control).</summary>
    public sealed record JobChannelMessage(string Channel, byte[] Payload);

    /// <summary>The job channels are subscribed and the store said which jobs to resume.</summary>
    public sealed record Ready(ChannelSubscriptions Subscriptions, IReadOnlyList<LoadJobState> Resumed, IReadOnlyList<string> Abandoned);

    /// <summary>A job's symbols are resolved and it is recorded in the store: it can run.</summary>
    public sealed record JobPrepared(LoadJobState State);

    /// <summary>
    /// A job cannot run (unknown file, empty universe …): it ends <c>failed</c> with <paramref name="Error"/>,
    /// keeping the consumer's fields. <paramref name="WasPrepared"/>: the board holds it as being prepared.
    /// </summary>
    public sealed record JobRejected(string JobId, string? JobType, string Error, string? SubmittedAt, string? Description, bool WasPrepared);

    /// <summary>Preparing a job needs a dependency that is down (PostgreSQL): the job waits and is prepared again later.</summary>
    public sealed record JobWaiting(DataLoadJob Job, string RawMessage, string WaitingFor);

    /// <summary>The consumer set the job's status key to <c>cancelling</c> (contract §6.1): a cancel request.</summary>
    public sealed record CancelRequestedInStatus(string JobId);
}

/// <summary>Messages between the coordinator and its <see cref="PolygonFetcher"/> children.</summary>
public static class PolygonFetcherMessages
{
    /// <summary>Coordinator → fetcher: load one symbol.</summary>
    /// <remarks><see cref="SkipIfComplete"/>: a <c>universe_seed</c> with <c>refresh: false</c> — a symbol whose stored rows already cover the window is not fetched.</remarks>
    public sealed record FetchSymbol(string JobId, UniverseEntry Entry, LoadTargets Targets, Core.Loading.JobWindow Window, string? Universe, bool SkipIfComplete = false)
    {
        public static FetchSymbol For(SymbolAssignment assignment)
        {
            ArgumentNullException.ThrowIfNull(assignment);
            return new(assignment.JobId, assignment.Entry, assignment.Targets, assignment.Window, assignment.Universe, assignment.SkipIfComplete);
        }
    }

    /// <summary>Coordinator → fetchers: stop work on a job.</summary>
    public sealed record CancelFetch(string JobId);

    /// <summary>Fetcher → coordinator: the symbol's rows are committed.</summary>
    public sealed record SymbolLoaded(string JobId, string Symbol, TableCounts Rows);

    /// <summary>Fetcher → coordinator: the symbol failed; <see cref="FailsJob"/> when no other symbol can succeed (bad key).</summary>
    public sealed record SymbolFailed(string JobId, string Symbol, string Reason, bool FailsJob);

    /// <summary>
    /// Fetcher → coordinator: a dependency (PostgreSQL) failed under the symbol; it is not the
    /// symbol's fault. The symbol is fetched again once the dependency is back.
    /// </summary>
    public sealed record SymbolInterrupted(string JobId, UniverseEntry Entry, string WaitingFor);
}
