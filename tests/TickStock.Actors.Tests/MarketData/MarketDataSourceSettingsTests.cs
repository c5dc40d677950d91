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
}
