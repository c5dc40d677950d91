using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using TickStock.Core.Symbols;

namespace TickStock.Actors.Symbols;

/// <summary>
/// Keeps one store of the reference index's closes filled from the reference index's actor, wherever that actor lives:
/// it subscribes to the reference index's pub/sub topic, adds each update to the store, and asks the reference index's
/// actor (through the symbol shard region) for a <see cref="ReferenceIndexMessages.Snapshot"/> when it starts and
/// whenever the numbering shows it missed updates (<see cref="ReferenceIndexFeed"/>).
/// </summary>
/// <remarks>
/// <c>AddSymbolSharding</c> starts one per node for the store the node's SymbolActors share, so an update costs one
/// delivery and one store write per node, not one per SymbolActor (up to 10,000 of them). A SymbolActor created without
/// a shared store starts one as its child for its private store.
/// </remarks>
public sealed class ReferenceIndexFeedActor : ReceiveActor
{
    /// <summary>Name of the node's feed (<c>/user/reference-index-feed</c>) and of a SymbolActor's child feed.</summary>
    public const string Name = "reference-index-feed";

    private readonly string _referenceIndex;
    private readonly ReferenceIndexCloses _closes;
    private readonly IActorRef _symbolRegion;
    private readonly ReferenceIndexFeed _feed = new();
    private ILoggingAdapter? _log;

    /// <summary>Creates the feed of <paramref name="closes"/>.</summary>
    /// <param name="referenceIndex">The reference index's ticker (its topic and its entity id).</param>
    /// <param name="closes">The store to fill.</param>
    /// <param name="symbolRegion">The symbol shard region (or its proxy) that routes a snapshot request to the reference index's actor.</param>
    public ReferenceIndexFeedActor(string referenceIndex, ReferenceIndexCloses closes, IActorRef symbolRegion)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(referenceIndex);
        ArgumentNullException.ThrowIfNull(closes);
        ArgumentNullException.ThrowIfNull(symbolRegion);
        _referenceIndex = referenceIndex.ToUpperInvariant();
        _closes = closes;
        _symbolRegion = symbolRegion;

        Receive<ReferenceIndexMessages.Closes>(OnCloses);
        Receive<ReferenceIndexMessages.Snapshot>(snapshot =>
        {
            _closes.Add(snapshot.Minutes, snapshot.Daily);
            _feed.OnSnapshot(snapshot.Incarnation, snapshot.Sequence);
        });
        Receive<SubscribeAck>(_ => { });
    }

    /// <summary>Created by the first log line (only a gap writes one).</summary>
    private ILoggingAdapter Log => _log ??= Context.GetLogger();

    /// <summary>Props of a feed filling <paramref name="closes"/> from <paramref name="referenceIndex"/>'s actor.</summary>
    public static Props PropsFor(string referenceIndex, ReferenceIndexCloses closes, IActorRef symbolRegion) =>
        Props.Create(() => new ReferenceIndexFeedActor(referenceIndex, closes, symbolRegion));

    protected override void PreStart()
    {
        // The topic actor watches its subscribers, so a stopped feed needs no unsubscribe.
        DistributedPubSub.Get(Context.System).Mediator.Tell(new Subscribe(ReferenceIndexMessages.Topic(_referenceIndex), Self));
        // Closes published before this subscription took effect (it reaches other nodes by gossip) are in the snapshot.
        RequestSnapshot();
    }

    private void OnCloses(ReferenceIndexMessages.Closes update)
    {
        // A heartbeat carries no closes: only its sequence matters.
        if (update.CarriesCloses)
        {
            _closes.Add(update.Minutes, update.Daily);
        }

        if (_feed.OnBroadcast(update.Incarnation, update.Sequence, update.CarriesCloses))
        {
            Log.Debug("Reference index {0}: missed updates ({1} held, {2} announced); asking for a snapshot", _referenceIndex, _feed.Covered, update.Sequence);
            RequestSnapshot();
        }
    }

    /// <summary>
    /// Asks the reference index's actor, through the shard region (it may live on another node, and is started there if it
    /// is not running), for every close it holds; it answers this actor.
    /// </summary>
    private void RequestSnapshot()
    {
        _symbolRegion.Tell(new ReferenceIndexMessages.SnapshotRequest(_referenceIndex), Self);
        _feed.SnapshotRequested();
    }
}
