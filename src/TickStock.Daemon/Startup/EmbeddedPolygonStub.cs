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
    public static Func<CancellationToken, Task<EmbeddedProvider>> Starter(TickStockOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return async ct =>
        {
            var stubOptions = new PolygonStubOptions
            {
                Host = "127.0.0.1",
                Port = 0,
                Now = options.Now,
            };
            var server = await PolygonStubServer.StartAsync(stubOptions, ct).ConfigureAwait(false);
            return new EmbeddedProvider(server.BaseUrl, server);
        };
    }
}
