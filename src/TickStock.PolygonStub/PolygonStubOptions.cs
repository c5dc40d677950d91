using TickStock.Core.Calendar;

namespace TickStock.PolygonStub;

/// <summary>Settings of the local Polygon-compatible server.</summary>
public sealed record PolygonStubOptions
{
    /// <summary>Interface to bind; loopback by default so the stub is never exposed.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>TCP port; 0 picks a free ephemeral port (see <see cref="PolygonStubServer.BaseUrl"/>).</summary>
    public int Port { get; init; }

    /// <summary>When set, requests must carry this key (Bearer header or <c>apiKey</c> query); null accepts any or none.</summary>
    public string? RequiredApiKey { get; init; }

    /// <summary>Folder with real bars (<c>minute/</c>, <c>daily/</c>; see data/sample/README.md); null → synthetic only.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>Data horizon: no bar ending after this instant is served. Null → the clock.</summary>
    public DateTimeOffset? Now { get; init; }

    /// <summary>Tickers that get the 200 empty body, by prefix (case-sensitive like the provider).</summary>
    public IReadOnlyList<string> UnknownTickerPrefixes { get; init; } = ["NODATA"];

    /// <summary>Tickers that get the 200 empty body, exactly.</summary>
    public IReadOnlyList<string> UnknownTickers { get; init; } = [];

    /// <summary>Tickers listed by grouped daily and <c>/v3/reference/tickers</c> (plus those with files in <see cref="DataDirectory"/>).</summary>
    public IReadOnlyList<string> ListedTickers { get; init; } =
        ["AAPL", "AMZN", "BRK.B", "GOOGL", "JPM", "META", "MSFT", "NVDA", "SPY", "TSLA", "XOM"];

    /// <summary>Answer aggregates with <c>"status":"DELAYED"</c> (as on delayed-data plans).</summary>
    public bool DelayedStatus { get; init; }

    /// <summary>Fault injection; all off by default.</summary>
    public PolygonStubFaults Faults { get; init; } = new();

    /// <summary>
    /// With <see cref="Now"/>: the stub's clock starts there and runs at this multiple of real time, so the stream has
    /// minutes to send at any hour and the REST horizon moves with it. Null: <see cref="Now"/> stays fixed.
    /// </summary>
    public double? ClockSpeed { get; init; }

    /// <summary>The WebSocket stream's fault injection (<c>/stocks</c>); all off by default.</summary>
    public PolygonStubStreamFaults Stream { get; init; } = new();

    /// <summary>Clock used when <see cref="Now"/> is null, and for the rate-limit window.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>
    /// Options with <see cref="Now"/> from <c>TICKSTOCK_NOW</c> (an ISO instant) when that variable
    /// is set; an unparsable value is an error rather than silently using the clock.
    /// </summary>
    public static PolygonStubOptions FromEnvironment(PolygonStubOptions? baseOptions = null)
    {
        var options = baseOptions ?? new PolygonStubOptions();
        var raw = Environment.GetEnvironmentVariable("TICKSTOCK_NOW");
        if (string.IsNullOrWhiteSpace(raw))
        {
            return options;
        }

        return options with { Now = IsoInstant.TryParse(raw) ?? throw new FormatException($"TICKSTOCK_NOW is not an ISO instant: '{raw}'") };
    }

    internal DateTimeOffset CurrentNow() => Now ?? Time.GetUtcNow();

    internal bool IsUnknownTicker(string ticker) =>
        UnknownTickers.Contains(ticker, StringComparer.Ordinal) || UnknownTickerPrefixes.Any(p => ticker.StartsWith(p, StringComparison.Ordinal));
}

/// <summary>Faults of the WebSocket stream, for tests and drills.</summary>
public sealed record PolygonStubStreamFaults
{
    /// <summary>Cut every stream connection (no close frame) this long after it opened; null = never.</summary>
    public TimeSpan? DropEvery { get; init; }

    /// <summary>Stop answering anything, pings included, once a subscription is acknowledged (a connection gone silent).</summary>
    public bool SilentAfterSubscribe { get; init; }

    /// <summary>Frames sent as they are right after each subscription is acknowledged: malformed JSON, unknown events, …</summary>
    public IReadOnlyList<string> InjectFrames { get; init; } = [];

    /// <summary>A minute's AM events per message (the provider batches events into arrays).</summary>
    public int EventsPerFrame { get; init; } = 1000;
}

/// <summary>
/// Fault injection, checked in this order per API request: path rules, the fixed sequence, random
/// 5xx/429, the rate limit, then plan restrictions (403) on aggregates.
/// </summary>
public sealed record PolygonStubFaults
{
    /// <summary>Answer 429 after this many API requests per <see cref="RateLimitWindow"/> (provider free plan: 5 per 60 s). Null = off.</summary>
    public int? RateLimitRequests { get; init; }

    public TimeSpan RateLimitWindow { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Send <c>Retry-After</c> (seconds) with every 429; null sends none (the real API's behaviour is unverified).</summary>
    public int? RetryAfterSeconds { get; init; }

    /// <summary>Status codes for the first API requests, in order (0 or 200 = serve normally), e.g. [429, 502, 0].</summary>
    public IReadOnlyList<int> Sequence { get; init; } = [];

    /// <summary>Fraction (0..1) of API requests answered 429.</summary>
    public double Random429Rate { get; init; }

    /// <summary>Fraction (0..1) of API requests answered with an HTML 502/503/504.</summary>
    public double Random5xxRate { get; init; }

    /// <summary>Seed of the random faults, so a storm is reproducible.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Per-path rules, first match wins.</summary>
    public IReadOnlyList<PathFaultRule> PathRules { get; init; } = [];

    /// <summary>Aggregates requests starting before this date get 403 NOT_AUTHORIZED (the plan's history limit).</summary>
    public DateOnly? PlanHistoryStart { get; init; }

    /// <summary>Aggregates requests ending after today (New York date of Now) get 403 NOT_AUTHORIZED.</summary>
    public bool ForbidFutureDates { get; init; }
}

/// <summary>Answer <paramref name="StatusCode"/> for requests whose path contains <paramref name="PathContains"/>, at most <paramref name="Times"/> times.</summary>
public sealed record PathFaultRule(string PathContains, int StatusCode, int Times = int.MaxValue);
