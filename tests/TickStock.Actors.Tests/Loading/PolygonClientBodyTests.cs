using System.Net;
using System.Net.Sockets;
using System.Text;
using TickStock.Actors.Polygon;
using TickStock.Core.Market;

namespace TickStock.Actors.Tests.Loading;

/// <summary>
/// The client reads bodies itself (into a pooled buffer, not RestSharp's copies): a body that breaks
/// off is a retryable network error, and error bodies are still described from what was read.
/// </summary>
public sealed class PolygonClientBodyTests
{
    private const string Page = """{"ticker":"AAPL","queryCount":1,"resultsCount":1,"adjusted":true,"results":[{"v":1.12117471e+08,"vw":125.725,"o":130.28,"c":125.07,"h":130.9,"l":124.17,"t":1672722000000,"n":1021065}],"status":"OK","request_id":"r","count":1}""";

    [Fact]
    public async Task A_body_that_breaks_off_is_retried_and_the_next_whole_one_is_read()
    {
        var body = Encoding.UTF8.GetBytes(Page);
        await using var server = RawHttpServer.Start(
            // Promises the whole page, sends 40 bytes, then closes the connection.
            Response(200, "application/json", body, declaredLength: body.Length, sent: 40),
            Response(200, "application/json", body, declaredLength: body.Length, sent: body.Length));
        using var client = Client(server.BaseUrl);

        var bars = await ReadAll(client);

        Assert.Equal([new OhlcvBar(DateTimeOffset.FromUnixTimeMilliseconds(1672722000000), 130.28m, 130.9m, 124.17m, 125.07m, 112117471)], bars);
        Assert.Equal(2, client.Calls);
    }

    [Fact]
    public async Task Html_error_bodies_and_bodies_that_keep_breaking_off_give_clear_messages()
    {
        var html = Encoding.UTF8.GetBytes("<html><head><title>400 Bad Request</title></head><body>nginx/1.19.2</body></html>");
        await using (var server = RawHttpServer.Start(Response(400, "text/html", html, html.Length, html.Length)))
        {
            using var client = Client(server.BaseUrl);
            var failure = await Assert.ThrowsAsync<PolygonException>(() => ReadAll(client));
            Assert.Equal(PolygonFailureKind.BadRequest, failure.Kind);
            Assert.EndsWith("HTTP 400: 400 Bad Request", failure.Message, StringComparison.Ordinal);
        }

        var body = Encoding.UTF8.GetBytes(Page);
        var broken = Response(200, "application/json", body, body.Length, 10);
        await using (var server = RawHttpServer.Start(broken, broken))
        {
            using var client = Client(server.BaseUrl, maxAttempts: 2);
            var failure = await Assert.ThrowsAsync<PolygonException>(() => ReadAll(client));
            Assert.Equal(PolygonFailureKind.GaveUp, failure.Kind);
            Assert.Contains("gave up after 2 attempts: network error: reading the body failed", failure.Message, StringComparison.Ordinal);
            Assert.Equal(2, client.Calls);
        }
    }

    private static PolygonClient Client(string baseUrl, int maxAttempts = 6) => new(
        new PolygonClientSettings { BaseUrl = _ => Task.FromResult(baseUrl), ApiKey = "k", MaxAttempts = maxAttempts, BaseDelay = TimeSpan.FromMilliseconds(5) },
        UnlimitedRateLimiter.Instance);

    private static async Task<List<OhlcvBar>> ReadAll(PolygonClient client)
    {
        var bars = new List<OhlcvBar>();
        await foreach (var bar in client.GetAggregatesAsync("AAPL", "day", new DateOnly(2023, 1, 3), new DateOnly(2023, 1, 3), TestContext.Current.CancellationToken))
        {
            bars.Add(bar);
        }

        return bars;
    }

    private static byte[] Response(int status, string contentType, byte[] body, int declaredLength, int sent)
    {
        var head = Encoding.ASCII.GetBytes($"HTTP/1.1 {status} X\r\nContent-Type: {contentType}\r\nContent-Length: {declaredLength}\r\nConnection: close\r\n\r\n");
        return [.. head, .. body.AsSpan(0, sent)];
    }

    /// <summary>A loopback TCP server answering the n-th connection with the n-th canned bytes, then closing it.</summary>
    private sealed class RawHttpServer : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly Task _loop;

        private RawHttpServer(byte[][] responses)
        {
            _listener.Start();
            BaseUrl = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/";
            _loop = Task.Run(() => ServeAsync(responses));
        }

        public string BaseUrl { get; }

        public static RawHttpServer Start(params byte[][] responses) => new(responses);

        private async Task ServeAsync(byte[][] responses)
        {
            foreach (var response in responses)
            {
                using var socket = await _listener.AcceptSocketAsync().ConfigureAwait(false);
                var request = new byte[8192];
                var read = 0;
                while (!Encoding.ASCII.GetString(request, 0, read).Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    read += await socket.ReceiveAsync(request.AsMemory(read)).ConfigureAwait(false);
                }

                await socket.SendAsync(response).ConfigureAwait(false);
                socket.Shutdown(SocketShutdown.Both);
            }
        }

        public async ValueTask DisposeAsync()
        {
            _listener.Stop();
            try
            {
                await _loop.ConfigureAwait(false);
            }
            catch (SocketException)
            {
                // Stopped while waiting for a connection that was never made.
            }
        }
    }
}
