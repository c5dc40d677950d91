using Akka.Actor;
using TickStock.Core.Jobs;
using static TickStock.Actors.Loading.PolygonFetcherMessages;

namespace TickStock.Actors.Loading;

/// <summary>
/// The coordinator's <see cref="PolygonFetcher"/> children and which of them are idle. Used on the
/// coordinator's thread only; the board decides what each idle fetcher gets.
/// </summary>
public sealed class FetcherPool
{
    private readonly List<IActorRef> _all = [];
    private readonly List<IActorRef> _idle = [];

    public FetcherPool(IActorContext context, ISymbolLoader loader, int count)
    {
        ArgumentNullException.ThrowIfNull(context);
        for (var i = 0; i < Math.Max(1, count); i++)
        {
            var fetcher = context.ActorOf(PolygonFetcher.PropsFor(loader), "polygon-fetcher-" + i);
            _all.Add(fetcher);
            _idle.Add(fetcher);
        }
    }

    /// <summary>A fetcher answered: it is free again.</summary>
    public void Release(IActorRef fetcher) => _idle.Add(fetcher);

    /// <summary>Hands the board's next symbols to the idle fetchers.</summary>
    public void Dispatch(JobBoard board)
    {
        ArgumentNullException.ThrowIfNull(board);
        foreach (var assignment in board.TakeAssignments(_idle.Count))
        {
            var fetcher = _idle[^1];
            _idle.RemoveAt(_idle.Count - 1);
            fetcher.Tell(FetchSymbol.For(assignment));
        }
    }

    /// <summary>Every fetcher drops work of a job that ended.</summary>
    public void Cancel(string jobId)
    {
        foreach (var fetcher in _all)
        {
            fetcher.Tell(new CancelFetch(jobId));
        }
    }
}
