using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using RestSharp;
using TickStock.Actors.Diagnostics;
using TickStock.Core.Market;
using TickStock.Core.Polygon;
using TickStock.Core.Retry;

namespace TickStock.Actors.Polygon;

/// <summary>Why a provider call failed for good.</summary>
public enum PolygonFailureKind
{
    /// <summary>401: the key is wrong or missing; every other call would fail the same way.</summary>
    Unauthorized,

    /// <summary>403 NOT_AUTHORIZED: the plan does not cover this range or timeframe.</summary>
    NotAuthorized,

    /// <summary>Another 4xx: the request itself is wrong.</summary>
    BadRequest,

    /// <summary>Retries exhausted on network errors, 5xx or 429.</summary>
    GaveUp,
}

/// <summary>A provider call that cannot succeed; the message never contains the API key.</summary>
public sealed class PolygonException(PolygonFailureKind kind, string message) : Exception(message)
{
    public PolygonFailureKind Kind { get; } = kind;
}

/// <summary>Client tuning; defaults follow polygon-api.md §4.</summary>
public sealed record PolygonClientSettings
{
    /// <summary>Resolves the base URL (the embedded stub knows its port only once it listens).</summary>
    public required Func<CancellationToken, Task<string>> BaseUrl { get; init; }

    /// <summary>Sent only as <c>Authorization: Bearer</c>; null sends no credentials (a local stub).</summary>
    public string? ApiKey { get; init; }

    /// <summary>Attempts per request for network errors, 5xx and unreadable bodies.</summary>
    public int MaxAttempts { get; init; } = 6;

    /// <summary>429 answers tolerated per request before giving up.</summary>
    public int Max429 { get; init; } = 30;

    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Wait after a 429 that names no time (the provider's window is a minute).</summary>
    public TimeSpan RateLimitWindow { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Where every answer is recorded for the <c>polygon</c> health component (null: nowhere).</summary>
    public ProviderAnswers? Answers { get; init; }

    /// <summary>Clock of the recorded answers.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Page size: the provider's maximum, so a year of minutes takes ~5 calls.</summary>
    public int Limit { get; init; } = 50_000;

    /// <summary>The settings of the configured provider: its key (none for the embedded stub) and request timeout.</summary>
    public static PolygonClientSettings For(Configuration.PolygonSettings polygon, Func<CancellationToken, Task<string>> baseUrl, ProviderAnswers? answers = null)
    {
        ArgumentNullException.ThrowIfNull(polygon);
        return new PolygonClientSettings
        {
            BaseUrl = baseUrl,
            Answers = answers,
            ApiKey = polygon.UsesEmbeddedStub ? null : polygon.ApiKey,
            RequestTimeout = polygon.RequestTimeout,
        };
    }
}

/// <summary>
/// Polygon aggregates over RestSharp: follows <c>next_url</c> page by page (one page in memory at a
/// time), takes a token from the shared bucket before every call, retries transient failures with
/// exponential back-off and jitter, waits out 429s, and fails clearly on 401/403.
/// </summary>
public sealed class PolygonClient(PolygonClientSettings settings, IPolygonRateLimiter limiter, ILogger<PolygonClient>? log = null) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private RestClient? _client;
    private Uri? _base;

    /// <summary>Calls made (pages, retries included): for tests and the benchmark.</summary>
    public long Calls => Interlocked.Read(ref _calls);

    private long _calls;

    // At most one list per fetch running at once (an abandoned, undisposed fetch just loses its list).
    private readonly ConcurrentBag<List<OhlcvBar>> _barLists = [];

    /// <summary>
    /// Bars of one ticker, ascending, for the whole-day range [from, to] (both inclusive, New York dates).
    /// </summary>
    public async IAsyncEnumerable<OhlcvBar> GetAggregatesAsync(
        string ticker, string timespan, DateOnly from, DateOnly to, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ticker);
        var client = await ClientAsync(cancellationToken).ConfigureAwait(false);
        var path = string.Create(CultureInfo.InvariantCulture,
            $"v2/aggs/ticker/{Uri.EscapeDataString(ticker)}/range/1/{timespan}/{from:yyyy-MM-dd}/{to:yyyy-MM-dd}");
        var request = NewRequest(path);
        request.AddQueryParameter("adjusted", "true");
        request.AddQueryParameter("sort", "asc");
        request.AddQueryParameter("limit", settings.Limit.ToString(CultureInfo.InvariantCulture));
        var what = $"{ticker} {timespan} {from:yyyy-MM-dd}..{to:yyyy-MM-dd}";

        // One list for every page of this fetch: the parser clears and refills it, and a page's
        // bars are all yielded (as copies) before the next page is requested. A full page's list
        // is ~4.4 MB, so lists go back to a pool for the next fetch rather than to the collector.
        var bars = _barLists.TryTake(out var pooled) ? pooled : [];
        try
        {
            while (true)
            {
                var page = await ExecuteAsync(client, request, bars, what, cancellationToken).ConfigureAwait(false);
                foreach (var bar in bars)
                {
                    yield return bar;
                }

                if (string.IsNullOrEmpty(page.NextUrl) || bars.Count == 0)
                {
                    yield break;
                }

                request = NewRequest(NextPage(page.NextUrl).ToString());
            }
        }
        finally
        {
            bars.Clear();
            _barLists.Add(bars);
        }
    }

    // ResponseHeadersRead: HttpClient's default (ResponseContentRead) first buffers the whole body
    // in its own growing MemoryStream; with a 50,000-bar page (~5 MB) per fetcher that copy was
    // large-object-heap garbage per call. The body then streams into a pooled buffer (PooledBodyInterceptor).
    private static RestRequest NewRequest(string resource) =>
        new(resource) { CompletionOption = HttpCompletionOption.ResponseHeadersRead };

    /// <summary>
    /// The continuation URL, checked to point at the configured host (the bearer token must never
    /// travel elsewhere) and stripped of any <c>apiKey</c> parameter.
    /// </summary>
    public Uri NextPage(string nextUrl)
    {
        ArgumentNullException.ThrowIfNull(nextUrl);
        if (!Uri.TryCreate(nextUrl, UriKind.Absolute, out var uri))
        {
            uri = new Uri(_base!, nextUrl);
        }

        if (_base is not null && Uri.Compare(uri, _base, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) != 0)
        {
            throw new PolygonException(PolygonFailureKind.BadRequest, $"next_url points at another host ({uri.Host}); refusing to follow it");
        }

        var query = uri.Query.TrimStart('?')
            .Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Where(p => !p.StartsWith("apiKey=", StringComparison.OrdinalIgnoreCase) && !p.Equals("apiKey", StringComparison.OrdinalIgnoreCase));
        return new UriBuilder(uri) { Query = string.Join('&', query) }.Uri;
    }

    private async Task<PolygonAggregatesEnvelope> ExecuteAsync(RestClient client, RestRequest request, List<OhlcvBar> bars, string what, CancellationToken ct)
    {
        var attempts = 0;
        var throttled = 0;
        // Upper-half jitter: fetchers that failed together (a provider outage) do not all come back together.
        var backoff = new Backoff(settings.BaseDelay, settings.MaxDelay, BackoffJitter.UpperHalf);
        var bodies = new PooledBodyInterceptor(settings.RequestTimeout);
        request.Interceptors = [bodies];
        while (true)
        {
            await limiter.AcquireAsync(ct).ConfigureAwait(false);
            Interlocked.Increment(ref _calls);
            var response = await client.ExecuteGetAsync(request, ct).ConfigureAwait(false);
            var (pooled, readError) = bodies.TakeBody();
            using var body = pooled;
            ct.ThrowIfCancellationRequested();
            var status = (int)response.StatusCode;
            PipelineCounters.PolygonRequest(status);

            // RestSharp marks any non-2xx as ResponseStatus.Error; only "no HTTP status" (or a body
            // that broke off) is a network failure.
            if (status == 0 || readError is not null || body is null)
            {
                var reason = readError ?? response.ErrorException?.Message ?? response.ErrorMessage ?? response.ResponseStatus.ToString();
                settings.Answers?.Record(0, reason, settings.Time.GetUtcNow());
                await BackOffOrThrowAsync(++attempts, backoff.Next(), what, "network error: " + reason, ct).ConfigureAwait(false);
                continue;
            }

            if (status == 200)
            {
                settings.Answers?.Record(status, null, settings.Time.GetUtcNow());
                var parsed = body.Error is { } tooLarge
                    ? new PolygonParseResult<PolygonAggregatesEnvelope>(null, "body " + tooLarge)
                    : PolygonResponseParser.ParseAggregateBars(body.Span, bars);
                var envelope = parsed.Value;
                if (envelope is not null && (envelope.IsSuccessStatus || envelope.Status is null))
                {
                    return envelope;
                }

                var problem = parsed.Error ?? $"status {envelope?.Status}: {envelope?.Error ?? envelope?.Message}";
                await BackOffOrThrowAsync(++attempts, backoff.Next(), what, "unreadable 200 body: " + problem, ct).ConfigureAwait(false);
                continue;
            }

            var error = PolygonResponseParser.DescribeError(status, body.ToText());
            settings.Answers?.Record(status, error.Text, settings.Time.GetUtcNow());
            switch (status)
            {
                case 429:
                    if (++throttled > settings.Max429)
                    {
                        throw new PolygonException(PolygonFailureKind.GaveUp, $"{what}: still rate limited (429) after {settings.Max429} waits");
                    }

                    var wait = RetryAfter(response) ?? settings.RateLimitWindow;
                    log?.LogWarning("Polygon rate limit (429) on {What}; waiting {Seconds:0.#}s", what, wait.TotalSeconds);
                    await limiter.DrainAsync(ct).ConfigureAwait(false);
                    await Task.Delay(wait, ct).ConfigureAwait(false);
                    continue;
                case 401:
                    throw new PolygonException(PolygonFailureKind.Unauthorized, $"provider rejected the API key (401): {error.Text}");
                case 403:
                    throw new PolygonException(PolygonFailureKind.NotAuthorized, $"not authorized for {what} (403 {error.Status ?? "NOT_AUTHORIZED"}): {error.Text}");
                case >= 500:
                    await BackOffOrThrowAsync(++attempts, backoff.Next(), what, error.Text.StartsWith("HTTP", StringComparison.Ordinal) ? error.Text : $"HTTP {status}: {error.Text}", ct).ConfigureAwait(false);
                    continue;
                default:
                    throw new PolygonException(PolygonFailureKind.BadRequest, $"{what}: HTTP {status}: {error.Text}");
            }
        }
    }

    private async Task BackOffOrThrowAsync(int attempt, TimeSpan delay, string what, string reason, CancellationToken ct)
    {
        if (attempt >= settings.MaxAttempts)
        {
            throw new PolygonException(PolygonFailureKind.GaveUp, $"{what}: gave up after {attempt} attempts: {reason}");
        }

        log?.LogWarning("Polygon call {What} failed ({Reason}); retry {Attempt} in {Delay:0}ms", what, reason, attempt, delay.TotalMilliseconds);
        await Task.Delay(delay, ct).ConfigureAwait(false);
    }

    private static TimeSpan? RetryAfter(RestResponse response)
    {
        string? Header(string name) => response.Headers?.FirstOrDefault(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase))?.Value?.ToString();

        if (Header("Retry-After") is { } retryAfter)
        {
            if (double.TryParse(retryAfter, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
            {
                return TimeSpan.FromSeconds(Math.Min(seconds, 300));
            }

            if (DateTimeOffset.TryParse(retryAfter, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            {
                var delta = at - DateTimeOffset.UtcNow;
                return delta <= TimeSpan.Zero ? TimeSpan.Zero : TimeSpan.FromSeconds(Math.Min(delta.TotalSeconds, 300));
            }
        }

        if (Header("X-RateLimit-Reset") is { } reset && long.TryParse(reset, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            // Epoch seconds (or ms) of the reset, or a number of seconds to wait.
            var now = DateTimeOffset.UtcNow;
            var at = value > 100_000_000_000 ? DateTimeOffset.FromUnixTimeMilliseconds(value) : value > 1_000_000_000 ? DateTimeOffset.FromUnixTimeSeconds(value) : now.AddSeconds(value);
            var delta = at - now;
            return delta <= TimeSpan.Zero ? TimeSpan.Zero : TimeSpan.FromSeconds(Math.Min(delta.TotalSeconds, 300));
        }

        return null;
    }

    private async Task<RestClient> ClientAsync(CancellationToken ct)
    {
        if (_client is { } existing)
        {
            return existing;
        }

        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_client is null)
            {
                var baseUrl = await settings.BaseUrl(ct).ConfigureAwait(false);
                _base = new Uri(baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/");
                var client = new RestClient(new RestClientOptions(_base)
                {
                    Timeout = settings.RequestTimeout,
                    ThrowOnAnyError = false,
                    UserAgent = "TickStockPL",
                    AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
                });
                if (!string.IsNullOrEmpty(settings.ApiKey))
                {
                    client.AddDefaultHeader(KnownHeaders.Authorization, "Bearer " + settings.ApiKey);
                }

                _client = client;
            }

            return _client;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        _client?.Dispose();
        _gate.Dispose();
    }
}
