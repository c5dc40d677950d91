using System.Globalization;
using TickStock.Actors.Configuration;
using TickStock.Core.Universe;

namespace TickStock.Actors.MarketData;

/// <summary>Settings of the live market data source (from TickStockOptions.MarketData).</summary>
public sealed record MarketDataSourceSettings
{
    public MarketDataSource Source { get; init; } = MarketDataSource.Synthetic;

    /// <summary>Symbols of the synthetic source.</summary>
    public IReadOnlyList<string> SyntheticSymbols { get; init; } = [];

    /// <summary>Synthetic: live (the default: the session so far quickly, then real time) or fast (every minute at <see cref="Speed"/>).</summary>
    public SyntheticPace SyntheticPace { get; init; } = SyntheticPace.Live;

    /// <summary>
    /// Synthetic: 1-minute bars per second per symbol (the fast pace, and the live pace's catch-up). Replay: multiple of
    /// real time. Positive (checked once, when the configuration is bound).
    /// </summary>
    public double Speed { get; init; } = 60;

    /// <summary>Replay: a CSV file or folder of <c>SYMBOL[_…].csv</c> files; null = stored <c>ohlcv_1min</c>.</summary>
    public string? ReplayPath { get; init; }

    /// <summary>Reference index symbol the synthetic source streams as well (relative strength; SymbolStateOptions.ReferenceIndex).</summary>
    public string? ReferenceIndex { get; init; } = "SPY";

    /// <summary>Redis channel of forwarded ticks (contract §1).</summary>
    public string TickChannel { get; init; } = MarketDataSettings.DefaultTickChannel;

    /// <summary>
    /// Commands in flight to the shard region at once. The feed runs once per cluster, so most of
    /// its Asks cross to another node: the window divided by the round trip caps the cluster's bar
    /// rate (16 in flight capped three loopback nodes at about 1,200 bars/s). Still a bound: a slow
    /// SymbolActor slows the stream instead of queueing without limit.
    /// </summary>
    public int Parallelism { get; init; } = 128;

    /// <summary>
    /// Builds the provider's stream source (<c>polygon</c>) once the actor system runs (the back-fill client needs the
    /// node's Redis for the shared rate limiter); null = the polygon source is not available on this node.
    /// </summary>
    public Func<Akka.DependencyInjection.IDependencyResolver, Akka.Event.ILoggingAdapter, ISymbolProgress, PolygonStreamSource>? PolygonStream { get; init; }

    /// <summary>
    /// Builds the settings from the typed options (TICKSTOCK_MARKET_DATA, TICKSTOCK_SYNTHETIC_SYMBOLS,
    /// TICKSTOCK_MARKET_SPEED, TICKSTOCK_REPLAY_PATH are mapped onto <see cref="MarketDataSettings"/>, and checked when bound).
    /// </summary>
    public static MarketDataSourceSettings From(TickStockOptions options, Func<CancellationToken, Task<Loading.EmbeddedProvider>>? embeddedStub = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        MarketDataSettings market = options.MarketData;
        var synthetic = ResolveSymbols(market.SyntheticSymbols, options.DataDirectory);
        return new MarketDataSourceSettings
        {
            Source = market.Source,
            PolygonStream = market.Source == MarketDataSource.Polygon
                ? PolygonStreamSetup.Factory(options, ResolveFeedUniverse(market.FeedUniverse, options.DataDirectory, synthetic), embeddedStub)
                : null,
            SyntheticSymbols = synthetic,
            SyntheticPace = market.SyntheticPace,
            Speed = market.Speed,
            ReplayPath = string.IsNullOrWhiteSpace(market.ReplayPath) ? null : market.ReplayPath.Trim(),
            TickChannel = market.TickChannel,
        };
    }

    /// <summary>
    /// TICKSTOCK_FEED_UNIVERSE: a file of <c>universes/</c> (by name, with or without <c>.csv</c>, or a universe type such
    /// as <c>sp500</c>), else a comma list of symbols; empty = <paramref name="fallback"/> (the synthetic symbol list).
    /// </summary>
    public static IReadOnlyList<string> ResolveFeedUniverse(string? spec, string dataDirectory, IReadOnlyList<string> fallback)
    {
        ArgumentNullException.ThrowIfNull(fallback);
        if (string.IsNullOrWhiteSpace(spec)) return fallback;
        spec = spec.Trim();
        string folder = Path.Combine(dataDirectory, "universes");
        if (!spec.Contains(',', StringComparison.Ordinal))
        {
            var names = new List<string>();
            if (UniverseFiles.ValidateFileName(spec.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? spec : spec + ".csv") is null)
            {
                names.Add(spec.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? spec : spec + ".csv");
            }

            names.AddRange(UniverseFiles.CandidatesForType(spec));
            foreach (var name in names)
            {
                string file = Path.Combine(folder, name);
                if (!File.Exists(file)) continue;
                using var stream = File.OpenRead(file);
                var parsed = UniverseCsvParser.Parse(stream);
                if (!parsed.Succeeded) throw new InvalidDataException($"TICKSTOCK_FEED_UNIVERSE: {file}: {parsed.Error}");
                return parsed.Symbols.Select(s => s.Symbol).Distinct(StringComparer.Ordinal).ToList();
            }

            if (spec.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
            {
                throw new FileNotFoundException($"TICKSTOCK_FEED_UNIVERSE: no universe file {spec} in {folder}");
            }
        }

        return spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(x => x.ToUpperInvariant()).Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>A count (first N valid symbols of data/universes/sp_500.csv, then SYN000… for the rest) or a comma list.</summary>
    public static IReadOnlyList<string> ResolveSymbols(string? spec, string dataDirectory)
    {
        spec = string.IsNullOrWhiteSpace(spec) ? "50" : spec.Trim();
        if (!int.TryParse(spec, NumberStyles.None, CultureInfo.InvariantCulture, out int count))
        {
            return spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(x => x.ToUpperInvariant()).Distinct(StringComparer.Ordinal).ToList();
        }

        var universe = new List<string>();
        string file = Path.Combine(dataDirectory, "universes", "sp_500.csv");
        if (File.Exists(file))
        {
            using var stream = File.OpenRead(file);
            universe.AddRange(UniverseCsvParser.Parse(stream).Symbols.Select(s => s.Symbol));
        }

        for (int i = universe.Count; i < count; i++) universe.Add($"SYN{i:D3}");
        return universe.Take(count).ToList();
    }
}
