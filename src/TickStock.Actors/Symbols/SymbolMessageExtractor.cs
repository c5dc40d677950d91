using Akka.Cluster.Sharding;

namespace TickStock.Actors.Symbols;

/// <summary>Routes <see cref="IWithSymbol"/> messages: entity id = upper-case ticker (StartEntity and
/// ShardingEnvelope are handled by Akka itself).</summary>
public sealed class SymbolMessageExtractor(int maxShards) : HashCodeMessageExtractor(maxShards)
{
    public override string? EntityId(object message) => message switch
    {
        IWithSymbol m => m.Symbol.ToUpperInvariant(),
        _ => null,
    };
}
