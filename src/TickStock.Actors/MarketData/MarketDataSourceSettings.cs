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

    /// <summary>Commands in flight to the shard region at once.</summary>
    public int Parallelism { get; init; } = 16;

    /// <summary>
    /// Builds the settings from the typed options (TICKSTOCK_MARKET_DATA, TICKSTOCK_SYNTHETIC_SYMBOLS,
    /// TICKSTOCK_MARKET_SPEED, TICKSTOCK_REPLAY_PATH are mapped onto <see cref="MarketDataSettings"/>, and checked when bound).
    /// </summary>
    public static MarketDataSourceSettings From(TickStockOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        MarketDataSettings market = options.MarketData;
        return new MarketDataSourceSettings
        {
            Source = market.Source,
            SyntheticSymbols = ResolveSymbols(market.SyntheticSymbols, options.DataDirectory),
            SyntheticPace = market.SyntheticPace,
            Speed = market.Speed,
            ReplayPath = string.IsNullOrWhiteSpace(market.ReplayPath) ? null : market.ReplayPath.Trim(),
            TickChannel = market.TickChannel,
        };
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
