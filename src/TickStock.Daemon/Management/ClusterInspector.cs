using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using TickStock.Actors.Configuration;
using TickStock.Actors.Symbols;
using TickStock.Core.Universe;

namespace TickStock.Daemon.Management;

/// <summary>
/// What <c>tickstock ctl</c> asks the cluster through this node: shard statistics of every SymbolActor region, where
/// one symbol's actor lives and what it holds, and the membership changes an operator may request. Asks from
/// outside the actor system (the HTTP handlers), each bounded by <see cref="AskTimeout"/>.
/// </summary>
internal sealed class ClusterInspector(ActorSystem system, NodeClusterSettings settings)
{
    /// <summary>How long one question to the cluster may take; below the CLI's own 10 s request timeout.</summary>
    public static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);

    private readonly SymbolMessageExtractor _extractor = new(settings.SymbolShards);

    private IActorRef Region => ClusterSharding.Get(system).ShardRegion(SymbolHostingExtensions.SymbolShardTypeName);

    /// <summary>
    /// Shard and entity counts of every symbol region in the cluster, from the regions themselves (the coordinator
    /// asks each one). Works from a node without the <c>symbols</c> role: its proxy forwards the question.
    /// </summary>
    public async Task<ShardsView> ShardsAsync(CancellationToken ct)
    {
        var stats = await ShardsRawAsync(ct).ConfigureAwait(false);
        var regions = stats.Regions
            .Select(r => new RegionView(r.Key.ToString(), r.Value.Stats.Count, r.Value.Stats.Values.Sum(), r.Value.Failed.Count))
            .OrderBy(r => r.Address, StringComparer.Ordinal)
            .ToList();
        return new ShardsView(regions);
    }

    /// <summary>
    /// Where <paramref name="symbol"/>'s SymbolActor runs and its state summary. The region that holds the symbol's
    /// shard is found from the cluster's statistics, the entity in that region's state, and the actor asked at its
    /// path: nothing here goes through the region's routing, so asking never starts an actor that was not running.
    /// </summary>
    public async Task<SymbolLookup> LocateAsync(string symbol, CancellationToken ct)
    {
        var entityId = SymbolRules.Normalize(symbol);
        if (!SymbolRules.IsValid(entityId)) return new SymbolLookup.Invalid(SymbolRules.InvalidReason);

        var shardId = _extractor.ShardId(entityId, new SymbolQueries.GetStatus(entityId));
        var shards = await ShardsRawAsync(ct).ConfigureAwait(false);
        var owner = shards.Regions.FirstOrDefault(r => r.Value.Stats.ContainsKey(shardId)).Key;
        if (owner is null) return new SymbolLookup.NotRunning($"no node runs {entityId}'s SymbolActor (its shard {shardId} is not allocated)");

        var region = system.ActorSelection(new RootActorPath(owner) / "system" / "sharding" / SymbolHostingExtensions.SymbolShardTypeName);
        var state = await region.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, AskTimeout, ct).ConfigureAwait(false);
        if (!state.Shards.Any(s => s.ShardId == shardId && s.EntityIds.Contains(entityId)))
        {
            return new SymbolLookup.NotRunning($"no node runs {entityId}'s SymbolActor (shard {shardId} lives on {owner}, without it)");
        }

        // The entity is the shard's child named by its id (symbols need no escaping: ^[A-Z][A-Z0-9.\-]*$).
        var entity = system.ActorSelection(new RootActorPath(owner) / "system" / "sharding" / SymbolHostingExtensions.SymbolShardTypeName / shardId / entityId);
        try
        {
            var status = await entity.Ask<SymbolQueries.SymbolStatus>(new SymbolQueries.GetStatus(entityId), AskTimeout, ct).ConfigureAwait(false);
            return new SymbolLookup.Found(owner.ToString(), status);
        }
        catch (AskTimeoutException)
        {
            // Passivated or handed off between the region's answer and this question.
            return new SymbolLookup.NotRunning($"{entityId}'s SymbolActor on {owner} did not answer within {AskTimeout.TotalSeconds:0} s (stopped or moving)");
        }
    }

    /// <summary>The member with address <paramref name="text"/> (as <c>cluster show</c> prints it), null when none.</summary>
    public Member? FindMember(string text)
    {
        Address address;
        try
        {
            address = Address.Parse(text);
        }
        catch (UriFormatException)
        {
            return null;
        }

        return Cluster.Get(system).State.Members.FirstOrDefault(m => m.Address.Equals(address));
    }

    /// <summary>Asks <paramref name="member"/> to leave gracefully: shards and singletons move off it, then it shuts down.</summary>
    public void Leave(Member member) => Cluster.Get(system).Leave(member.Address);

    /// <summary>Marks <paramref name="member"/> down: for a node that is gone and will not leave by itself.</summary>
    public void Down(Member member) => Cluster.Get(system).Down(member.Address);

    public Address SelfAddress => Cluster.Get(system).SelfAddress;

    private Task<ClusterShardingStats> ShardsRawAsync(CancellationToken ct) =>
        Region.Ask<ClusterShardingStats>(new GetClusterShardingStats(AskTimeout), AskTimeout + TimeSpan.FromSeconds(1), ct);
}

/// <summary>One symbol region: its node, shards it hosts, entities in them and shards that did not answer.</summary>
internal sealed record RegionView(string Address, int Shards, int Entities, int FailedShards);

internal sealed record ShardsView(IReadOnlyList<RegionView> Regions)
{
    public long TotalEntities => Regions.Sum(r => (long)r.Entities);
}

/// <summary>The answer of <see cref="ClusterInspector.LocateAsync"/>.</summary>
internal abstract record SymbolLookup
{
    public sealed record Found(string Address, SymbolQueries.SymbolStatus Status) : SymbolLookup;

    public sealed record NotRunning(string Reason) : SymbolLookup;

    public sealed record Invalid(string Reason) : SymbolLookup;
}
