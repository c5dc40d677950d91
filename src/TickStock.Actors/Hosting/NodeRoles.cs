namespace TickStock.Actors.Hosting;

/// <summary>
/// The cluster roles a TickStock node can take (TICKSTOCK_ROLES, a comma list; default: all of them). Each module that
/// runs on a subset of the nodes names its role from here: the SymbolActor shards live on <see cref="Symbols"/> nodes,
/// the job coordinator singleton on <see cref="Jobs"/>, the market-data feed singleton on <see cref="Feed"/>, the
/// backtest coordinator singleton on <see cref="Backtest"/>. Nodes without a role reach that module through a proxy.
/// </summary>
public static class NodeRoles
{
    /// <summary>Hosts SymbolActor shards (nodes without it run a shard region proxy).</summary>
    public const string Symbols = "symbols";

    /// <summary>May host the JobCoordinator singleton (historical data-load jobs).</summary>
    public const string Jobs = "jobs";

    /// <summary>May host the market-data feed singleton: the one live source of the cluster.</summary>
    public const string Feed = "feed";

    /// <summary>May host the backtest coordinator singleton.</summary>
    public const string Backtest = "backtest";

    /// <summary>Every role, in the order they are documented; a node with no role configured takes all of them.</summary>
    public static IReadOnlyList<string> All { get; } = [Symbols, Jobs, Feed, Backtest];

    /// <summary>Whether <paramref name="role"/> is one of <see cref="All"/> (exact, lower case).</summary>
    public static bool IsKnown(string? role) => role is not null && All.Contains(role, StringComparer.Ordinal);

    /// <summary>
    /// The roles of a comma list such as <c>"symbols, feed"</c>: trimmed, lower-cased, duplicates dropped, empty items
    /// ignored. An empty or blank list means every role. A name that is not a role is a <see cref="FormatException"/>
    /// naming it and the known ones.
    /// </summary>
    public static IReadOnlyList<string> Parse(string? list)
    {
        if (string.IsNullOrWhiteSpace(list)) return All;
        return Normalize(list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    /// <summary>As <see cref="Parse"/> for roles already split (configuration lists); empty means every role.</summary>
    public static IReadOnlyList<string> Normalize(IEnumerable<string> roles)
    {
        ArgumentNullException.ThrowIfNull(roles);
        var result = new List<string>();
        foreach (var raw in roles)
        {
            var role = raw.Trim().ToLowerInvariant();
            if (role.Length == 0) continue;
            if (!IsKnown(role))
            {
                throw new FormatException($"unknown role '{raw.Trim()}'; the roles are {string.Join(", ", All)}");
            }

            if (!result.Contains(role, StringComparer.Ordinal)) result.Add(role);
        }

        return result.Count == 0 ? All : result;
    }
}
