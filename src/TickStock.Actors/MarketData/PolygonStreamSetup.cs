using Akka.DependencyInjection;
using Akka.Event;
using Microsoft.Extensions.Logging;
using TickStock.Actors.Configuration;
using TickStock.Actors.Infrastructure;
using TickStock.Actors.Loading;
using TickStock.Actors.Polygon;

namespace TickStock.Actors.MarketData;

/// <summary>Where the polygon source connects and how it back-fills, from the node's options.</summary>
public static class PolygonStreamSetup
{
    /// <summary>
    /// The stream URL: POLYGON_WS_URL; else, with a key, the provider's real-time or delayed cluster (POLYGON_FEED);
    /// else, with POLYGON_BASE_URL (a stub run on its own), that host's <c>/stocks</c>; else the embedded stub's.
    /// </summary>
    public static Func<IDependencyResolver, ILoggingAdapter, ISymbolProgress, PolygonStreamSource> Factory(
        TickStockOptions options, IReadOnlyList<string> universe, Func<CancellationToken, Task<EmbeddedProvider>>? embeddedStub)
    {
        ArgumentNullException.ThrowIfNull(options);
        var polygon = options.Polygon;
        Func<CancellationToken, Task<string>> restBase;
        Func<CancellationToken, Task<Uri>> streamUrl;
        if (polygon.UsesEmbeddedStub && string.IsNullOrWhiteSpace(polygon.WebSocketUrl))
        {
            if (embeddedStub is null) throw new InvalidOperationException("the polygon source needs POLYGON_API_KEY, POLYGON_WS_URL or the embedded stub");
            restBase = async ct => (await embeddedStub(ct).ConfigureAwait(false)).BaseUrl;
            streamUrl = async ct => StreamUrlOf(await restBase(ct).ConfigureAwait(false));
        }
        else
        {
            var rest = string.IsNullOrWhiteSpace(polygon.BaseUrl) ? PolygonSettings.PublicBaseUrl : polygon.BaseUrl.Trim();
            restBase = _ => Task.FromResult(rest);
            var url = !string.IsNullOrWhiteSpace(polygon.WebSocketUrl) || !string.IsNullOrWhiteSpace(polygon.ApiKey)
                ? new Uri(polygon.ProviderWebSocketUrl)
                : StreamUrlOf(rest);
            streamUrl = _ => Task.FromResult(url);
        }

        return (resolver, log, progress) =>
        {
            var redis = resolver.GetService<RedisConnectionProvider>();
            var loggers = resolver.GetService<ILoggerFactory>();
            var embedded = polygon.UsesEmbeddedStub;
            IPolygonRateLimiter limiter = redis is null ? UnlimitedRateLimiter.Instance : RedisTokenBucket.For(redis, polygon.ApiKey, polygon.RatePerMinute, embedded);
            var client = new PolygonClient(PolygonClientSettings.For(polygon, restBase), limiter, loggers?.CreateLogger<PolygonClient>());
            var settings = new PolygonStreamSettings
            {
                Url = streamUrl,
                ApiKey = string.IsNullOrWhiteSpace(polygon.ApiKey) ? "embedded-stub" : polygon.ApiKey,
                Universe = universe,
                BackfillAtStart = options.MarketData.FeedBackfill,
            };
            return new PolygonStreamSource(settings, new PolygonMinuteBackfill(client), log, progress);
        };
    }

    /// <summary><c>http://host:port</c> → <c>ws://host:port/stocks</c> (the stub serves the stream beside its REST API).</summary>
    public static Uri StreamUrlOf(string restBaseUrl)
    {
        var rest = new Uri(restBaseUrl.EndsWith('/') ? restBaseUrl : restBaseUrl + "/");
        var builder = new UriBuilder(rest) { Scheme = rest.Scheme == Uri.UriSchemeHttps ? "wss" : "ws", Path = rest.AbsolutePath.TrimEnd('/') + "/stocks" };
        return builder.Uri;
    }
}
