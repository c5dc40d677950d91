using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;

namespace TickStock.PolygonStub;

/// <summary>
/// The provider's stocks WebSocket (polygon-api.md §7) over the stub's synthetic market: <c>connected</c>, then
/// <c>auth</c> → <c>auth_success</c>/<c>auth_failed</c>, <c>subscribe</c> to <c>AM.&lt;symbol&gt;</c> → <c>success</c>, then at
/// every minute boundary of the stub's clock one <c>AM</c> event per subscribed symbol that traded in that minute: the
/// same bar the REST aggregates serve for it. One connection per key: a second one with the same key is accepted and
/// the older one is sent <c>max_connections</c> and closed, as the provider does. Faults: <see cref="PolygonStubStreamFaults"/>.
/// </summary>
internal sealed class StreamEndpoint(PolygonStubOptions options, MarketData data, PolygonStubStats stats)
{
    internal const string MaxConnectionsText =
        "Maximum number of websocket connections exceeded. You have reached the connection limit for your account. Please contact support at https://polygon.io/contact to increase your limit.";

    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>The server stops: every stream connection ends now rather than holding the shutdown up.</summary>
    public void Stop() => _stopping.Cancel();
    private readonly List<StreamSession> _authenticated = [];

    public async Task AcceptAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        stats.StreamConnected();
        var session = new StreamSession(socket, options, data, this);
        try
        {
            using var ended = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
            await session.RunAsync(ended.Token).ConfigureAwait(false);
        }
        finally
        {
            lock (_gate) _authenticated.Remove(session);
        }
    }

    /// <summary>A session authenticated with <paramref name="key"/>: older sessions of that key are evicted.</summary>
    internal void Authenticated(string key, StreamSession session)
    {
        List<StreamSession> older;
        lock (_gate)
        {
            older = _authenticated.Where(s => s.Key == key).ToList();
            _authenticated.RemoveAll(older.Contains);
            _authenticated.Add(session);
        }

        foreach (var evicted in older)
        {
            stats.StreamEvicted();
            evicted.Evict(MaxConnectionsText);
        }
    }
}
