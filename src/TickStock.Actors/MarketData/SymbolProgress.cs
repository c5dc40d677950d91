using Akka.Actor;
using TickStock.Actors.Symbols;

namespace TickStock.Actors.MarketData;

/// <summary>What a symbol's SymbolActor already holds, for the live source's start back-fill.</summary>
public interface ISymbolProgress
{
    /// <summary>Start (Unix ms) of the latest bar the symbol's SymbolActor processed; null when it holds none.</summary>
    Task<long?> LastMinuteAsync(string symbol, TimeSpan timeout, CancellationToken cancellationToken);
}

/// <summary>
/// Asks the SymbolActor through the shard region (<see cref="SymbolQueries.GetStatus"/>), wherever it runs. A symbol
/// without an actor gets one, which is what its first live bar would do a moment later anyway; the source asks only
/// when a regular-session bar has arrived and with a bounded number of questions in flight.
/// </summary>
public sealed class ShardedSymbolProgress(IActorRef region) : ISymbolProgress
{
    public async Task<long?> LastMinuteAsync(string symbol, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var status = await region.Ask<SymbolQueries.SymbolStatus>(new SymbolQueries.GetStatus(symbol), timeout, cancellationToken).ConfigureAwait(false);
        return status.LastBarTime?.ToUnixTimeMilliseconds();
    }
}
