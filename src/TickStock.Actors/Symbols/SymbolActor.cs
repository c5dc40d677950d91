using Akka.Actor;
using Akka.Event;

namespace TickStock.Actors.Symbols;

/// <summary>
/// One ticker's actor, a Cluster.Sharding entity. The foundation only gives it an identity and a
/// status query so sharding works end to end from day one; bar windows and detectors are added by
/// the detection engine (issue 5) behind the same entity.
/// </summary>
public sealed class SymbolActor : ReceiveActor
{
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly DateTimeOffset _startedAt = DateTimeOffset.UtcNow;
    private readonly string _symbol;
#pragma warning disable CS0649 // assigned once bars arrive (issue 5)
    private readonly long _barsSeen;
#pragma warning restore CS0649

    public SymbolActor(string symbol)
    {
        _symbol = symbol;
        Receive<SymbolQueries.GetStatus>(_ => Sender.Tell(new SymbolQueries.SymbolStatus(_symbol, _barsSeen, _startedAt)));
    }

    protected override void PreStart() => _log.Debug("SymbolActor {0} started", _symbol);

    public static Props PropsFor(string symbol) => Props.Create(() => new SymbolActor(symbol));
}
