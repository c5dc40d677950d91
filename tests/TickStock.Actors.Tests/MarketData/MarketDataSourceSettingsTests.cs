using TickStock.Actors.Configuration;
using TickStock.Actors.MarketData;

namespace TickStock.Actors.Tests.MarketData;

/// <summary>The source settings come from the typed options only (no direct environment reads; values are checked when bound: ConfigurationLayeringTests).</summary>
public class MarketDataSourceSettingsTests
{
    [Fact]
    public void Speed_and_replay_path_come_from_MarketDataSettings()
    {
        var options = new TickStockOptions
        {
            MarketData = new MarketDataSettings { Source = MarketDataSource.Replay, SyntheticSymbols = "aapl,msft", Speed = 2.5, ReplayPath = " /srv/replay " },
        };

        var settings = MarketDataSourceSettings.From(options);

        Assert.Equal(MarketDataSource.Replay, settings.Source);
        Assert.Equal(2.5, settings.Speed);
        Assert.Equal("/srv/replay", settings.ReplayPath);
        Assert.Equal(["AAPL", "MSFT"], settings.SyntheticSymbols);
    }

    [Fact]
    public void Defaults_are_60_and_no_replay_path()
    {
        var settings = MarketDataSourceSettings.From(new TickStockOptions { MarketData = new MarketDataSettings { SyntheticSymbols = "X" } });
        Assert.Equal(60, settings.Speed);
        Assert.Null(settings.ReplayPath);
    }

    [Fact]
    public void The_feed_universe_is_a_universe_file_by_name_or_type_else_a_comma_list_else_the_synthetic_symbols()
    {
        string data = Directory.CreateTempSubdirectory("feed-universe").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(data, "universes"));
            File.WriteAllLines(Path.Combine(data, "universes", "sp_500.csv"), ["symbol,name,sector", "AAPL,Apple,Tech", "MSFT,Microsoft,Tech"]);

            Assert.Equal(["AAPL", "MSFT"], MarketDataSourceSettings.ResolveFeedUniverse("sp_500.csv", data, ["X"]));
            Assert.Equal(["AAPL", "MSFT"], MarketDataSourceSettings.ResolveFeedUniverse("sp500", data, ["X"]));
            Assert.Equal(["NVDA", "TSLA"], MarketDataSourceSettings.ResolveFeedUniverse("nvda, tsla,NVDA", data, ["X"]));
            Assert.Equal(["X"], MarketDataSourceSettings.ResolveFeedUniverse(" ", data, ["X"]));
            Assert.Throws<FileNotFoundException>(() => MarketDataSourceSettings.ResolveFeedUniverse("nasdaq_100.csv", data, ["X"]));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
