namespace TickStock.Actors.Symbols;

/// <summary>Anything addressed to one ticker's SymbolActor; the shard region routes on <see cref="Symbol"/>.</summary>
public interface IWithSymbol
{
    string Symbol { get; }
}

/// <summary>Queries a SymbolActor answers.</summary>
public static class SymbolQueries
{
    /// <summary>Asks a SymbolActor what it holds; answered with <see cref="SymbolStatus"/>.</summary>
    public sealed record GetStatus(string Symbol) : IWithSymbol;

    public sealed record SymbolStatus(string Symbol, long BarsSeen, DateTimeOffset StartedAt);
}
