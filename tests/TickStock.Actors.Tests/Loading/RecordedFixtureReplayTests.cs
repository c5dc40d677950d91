using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using TickStock.Actors.Polygon;
using TickStock.Core.Market;

namespace TickStock.Actors.Tests.Loading;

/// <summary>
/// The real provider responses recorded in <c>../shared/fixtures/polygon</c> (copied to
/// <c>Loading/TestData</c> with their provenance README) are served byte-for-byte by a tiny local
/// HTTP server and fetched through the real <see cref="PolygonClient"/> (RestSharp, retries, paging).
/// The expected bars are written out by hand from the fixture files, not re-parsed from them.
/// </summary>
public sealed class RecordedFixtureReplayTests
{
    private static readonly OhlcvBar[] Aapl2005 =
    [
        Bar("2005-04-01T05:00:00Z", 1112331600000, 1.5032m, 1.5064m, 1.4489m, 1.4604m, 642646396),
        Bar("2005-04-04T04:00:00Z", 1112587200000, 1.4639m, 1.4754m, 1.4343m, 1.4675m, 578172308),
    ];

    // 2023-01-02 (New Year's Day observed) and the weekend are absent; EST → t at 05:00Z.
    private static readonly OhlcvBar[] Aapl2023Asc =
    [
        Bar("2023-01-03T05:00:00Z", 1672722000000, 130.28m, 130.9m, 124.17m, 125.07m, 112117471),
        Bar("2023-01-04T05:00:00Z", 1672808400000, 126.89m, 128.6557m, 125.08m, 126.36m, 89100633),
        Bar("2023-01-05T05:00:00Z", 1672894800000, 127.13m, 127.77m, 124.76m, 125.02m, 80716808),
        Bar("2023-01-06T05:00:00Z", 1672981200000, 126.01m, 130.29m, 124.89m, 129.62m, 87754715),
        Bar("2023-01-09T05:00:00Z", 1673240400000, 130.465m, 133.41m, 129.89m, 130.15m, 70790813),
        Bar("2023-01-10T05:00:00Z", 1673326800000, 130.26m, 131.2636m, 128.12m, 130.73m, 63896155),
    ];

    public static TheoryData<string, bool> Fixtures => new()
    {
        { "aggs_AAPL_1_day_2005-04-01_2005-04-04.client-python.json", false },
        { "aggs_AAPL_1_day_2005-04-01_2005-04-04.client-python.json", true },
        { "aggs_AAPL_1_day_2023-01-01_2023-01-10_asc.openbb-vcr.json", false },
        { "aggs_AAPL_1_day_2023-01-01_2023-01-10_asc.openbb-vcr.json", true },
        { "aggs_AAPL_1_day_2023-01-01_2023-01-10_desc.openbb-vcr.json", false },
        { "aggs_AAPL_1_day_2023-01-01_2023-01-10_desc.openbb-vcr.json", true },
    };

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task Recorded_aggregates_body_served_byte_for_byte_parses_to_the_recorded_bars(string file, bool gzip)
    {
        var body = await File.ReadAllBytesAsync(Path.Combine(TestDataDirectory(), file), TestContext.Current.CancellationToken);
        var (from, to, expected) = file switch
        {
            _ when file.Contains("2005-04-01", StringComparison.Ordinal) => (new DateOnly(2005, 4, 1), new DateOnly(2005, 4, 4), Aapl2005),
            _ when file.Contains("_desc", StringComparison.Ordinal) => (new DateOnly(2023, 1, 1), new DateOnly(2023, 1, 10), Aapl2023Asc.Reverse().ToArray()),
            _ => (new DateOnly(2023, 1, 1), new DateOnly(2023, 1, 10), Aapl2023Asc),
        };

        await using var server = FixtureServer.Start(body, gzip);
        using var client = new PolygonClient(
            new PolygonClientSettings { BaseUrl = _ => Task.FromResult(server.BaseUrl), ApiKey = "fixture-key", BaseDelay = TimeSpan.FromMilliseconds(10) },
            UnlimitedRateLimiter.Instance);

        var bars = new List<OhlcvBar>();
        await foreach (var bar in client.GetAggregatesAsync("AAPL", "day", from, to, TestContext.Current.CancellationToken))
        {
            bars.Add(bar);
        }

        // The client passes bars on in wire order (the desc recording stays newest first) and
        // makes exactly one call: the recorded bodies carry no next_url.
        Assert.Equal(expected, bars);
        Assert.Equal(1, client.Calls);
        var request = Assert.Single(server.Requests);
        Assert.Equal($"/v2/aggs/ticker/AAPL/range/1/day/{from:yyyy-MM-dd}/{to:yyyy-MM-dd}", request.Path);
        Assert.Equal("adjusted=true&sort=asc&limit=50000", request.Query);
        Assert.Equal("Bearer fixture-key", request.Authorization);
        Assert.DoesNotContain("fixture-key", request.Path + request.Query, StringComparison.Ordinal);
        Assert.Equal(body.Length, server.BytesServed);
    }

    private static OhlcvBar Bar(string utc, long t, decimal o, decimal h, decimal l, decimal c, long v)
    {
        var start = DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(t, start.ToUnixTimeMilliseconds()); // the hand-written instant is the fixture's `t`
        return new OhlcvBar(start, o, h, l, c, v);
    }

    private static string TestDataDirectory([CallerFilePath] string source = "") =>
        Directory.Exists(Path.Combine(AppContext.BaseDirectory, "Loading", "TestData"))
            ? Path.Combine(AppContext.BaseDirectory, "Loading", "TestData")
            : Path.Combine(Path.GetDirectoryName(source)!, "TestData");

    private sealed record SeenRequest(string Path, string Query, string? Authorization);

    /// <summary>An HttpListener on a free loopback port answering every GET with the same recorded body.</summary>
    private sealed class FixtureServer : IAsyncDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly byte[] _body;
        private readonly bool _gzip;
        private readonly Task _loop;
        private readonly List<SeenRequest> _requests = [];

        private FixtureServer(byte[] body, bool gzip)
        {
            _body = body;
            _gzip = gzip;
            BaseUrl = StartOnFreePort(_listener);
            _loop = Task.Run(ServeAsync);
        }

        public string BaseUrl { get; }

        public long BytesServed { get => Interlocked.Read(ref _bytesServed); private set => Interlocked.Exchange(ref _bytesServed, value); }

        private long _bytesServed;

        public IReadOnlyList<SeenRequest> Requests
        {
            get
            {
                lock (_requests)
                {
                    return [.. _requests];
                }
            }
        }

        public static FixtureServer Start(byte[] body, bool gzip) => new(body, gzip);

        // HttpListener cannot bind port 0, so a free port is probed first; another process can take
        // it before the listener binds. Then the bind fails and a new port is tried, instead of the test failing.
        private static string StartOnFreePort(HttpListener listener)
        {
            for (var attempt = 1; ; attempt++)
            {
                var probe = new TcpListener(IPAddress.Loopback, 0);
                probe.Start();
                var port = ((IPEndPoint)probe.LocalEndpoint).Port;
                probe.Stop();
                var url = $"http://127.0.0.1:{port}/";
                listener.Prefixes.Clear();
                listener.Prefixes.Add(url);
                try
                {
                    listener.Start();
                    return url;
                }
                catch (HttpListenerException) when (attempt < 20)
                {
                    // taken meanwhile: probe again
                }
            }
        }

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync().ConfigureAwait(false);
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }

                var url = context.Request.Url!;
                lock (_requests)
                {
                    _requests.Add(new SeenRequest(url.AbsolutePath, url.Query.TrimStart('?'), context.Request.Headers["Authorization"]));
                }

                var response = context.Response;
                response.StatusCode = 200;
                response.ContentType = "application/json";
                response.Headers["X-Request-Id"] = "recorded";
                var wire = _body;
                if (_gzip)
                {
                    // As recorded: the provider gzips when asked (Accept-Encoding: gzip).
                    using var packed = new MemoryStream();
                    await using (var zip = new GZipStream(packed, CompressionLevel.Optimal, leaveOpen: true))
                    {
                        await zip.WriteAsync(_body).ConfigureAwait(false);
                    }

                    wire = packed.ToArray();
                    response.Headers["Content-Encoding"] = "gzip";
                }

                response.ContentLength64 = wire.Length;
                BytesServed = _body.Length; // before the write: the client may finish reading first
                await response.OutputStream.WriteAsync(wire).ConfigureAwait(false);
                response.Close();
            }
        }

        public async ValueTask DisposeAsync()
        {
            _listener.Stop();
            _listener.Close();
            await _loop.ConfigureAwait(false);
        }
    }
}
