using Akka.Actor;
using Akka.Event;
using static TickStock.Actors.Loading.PolygonFetcherMessages;

namespace TickStock.Actors.Loading;

/// <summary>
/// Loads one symbol at a time for the coordinator (its parent). The work is async and piped back
/// to itself, so the actor stays responsive (a cancel arrives while a symbol is in flight).
/// </summary>
public sealed class PolygonFetcher : ReceiveActor
{
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private CancellationTokenSource? _current;
    private string? _currentJob;

    public PolygonFetcher(ISymbolLoader loader)
    {
        ArgumentNullException.ThrowIfNull(loader);
        Receive<FetchSymbol>(command =>
        {
            if (_current is not null)
            {
                // The coordinator sends only to idle fetchers; refuse rather than run two at once.
                Sender.Tell(new SymbolFailed(command.JobId, command.Entry.Symbol, "fetcher busy", FailsJob: false));
                return;
            }

            _current = new CancellationTokenSource();
            _currentJob = command.JobId;
            loader.LoadAsync(command, _current.Token).PipeTo(Self,
                failure: ex => new SymbolFailed(command.JobId, command.Entry.Symbol, "unexpected error: " + ex.GetBaseException().Message, FailsJob: false));
        });
        Receive<CancelFetch>(cancel =>
        {
            if (_currentJob == cancel.JobId)
            {
                _current?.Cancel();
            }
        });
        Receive<SymbolLoaded>(Done);
        Receive<SymbolInterrupted>(interrupted =>
        {
            _log.Warning("Symbol {0} of job {1} interrupted: waiting for {2}", interrupted.Entry.Symbol, interrupted.JobId, interrupted.WaitingFor);
            Done(interrupted);
        });
        Receive<SymbolFailed>(failed =>
        {
            if (failed.Reason != "cancelled")
            {
                _log.Warning("Symbol {0} of job {1} failed: {2}", failed.Symbol, failed.JobId, failed.Reason);
            }

            Done(failed);
        });
    }

    public static Props PropsFor(ISymbolLoader loader) => Props.Create(() => new PolygonFetcher(loader));

    private void Done(object outcome)
    {
        _current?.Dispose();
        _current = null;
        _currentJob = null;
        Context.Parent.Tell(outcome);
    }

    protected override void PostStop()
    {
        _current?.Cancel();
        _current?.Dispose();
        base.PostStop();
    }
}
