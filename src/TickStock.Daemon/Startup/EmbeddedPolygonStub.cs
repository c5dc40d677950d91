using TickStock.Actors.Configuration;
using TickStock.Actors.Loading;
using TickStock.PolygonStub;

namespace TickStock.Daemon.Startup;

/// <summary>
/// The local Polygon-compatible stub run inside the daemon when no POLYGON_API_KEY (or
/// POLYGON_BASE_URL) is set: loopback only, a free port, synthetic bars up to TICKSTOCK_NOW. The
/// loading module starts it with the actor system, logs where it listens, and stops it in
/// coordinated shutdown.
/// </summary>
public static class EmbeddedPolygonStub
{
    /// <summary>
    /// Starts the stub once, on the first call (the loading module and the polygon market-data source share it: its
    /// REST bars back-fill the stream's gaps). With TICKSTOCK_NOW and the polygon source, the stub's market starts at
    /// that instant and runs at TICKSTOCK_MARKET_SPEED × real time, so the stream has minutes to send at any hour.
    /// </summary>
    public static Func<CancellationToken, Task<EmbeddedProvider>> Starter(TickStockOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var started = new Lazy<Task<EmbeddedProvider>>(() => StartAsync(options), LazyThreadSafetyMode.ExecutionAndPublication);
        return ct => started.Value.WaitAsync(ct);
    }

    private static async Task<EmbeddedProvider> StartAsync(TickStockOptions options)
    {
        var stubOptions = new PolygonStubOptions
            {
            Host = "127.0.0.1",
            Port = 0,
            Now = options.Now,
            ClockSpeed = options.Now is not null && options.MarketData.Source == MarketDataSource.Polygon ? options.MarketData.Speed : null,
        };
        var server = await PolygonStubServer.StartAsync(stubOptions, CancellationToken.None).ConfigureAwait(false);
        return new EmbeddedProvider(server.BaseUrl, server);
    }
}
