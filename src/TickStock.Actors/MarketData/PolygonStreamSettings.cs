namespace TickStock.Actors.MarketData;

/// <summary>Settings of the provider's WebSocket source; defaults follow polygon-api.md §7 (client-go, NautilusTrader).</summary>
public sealed record PolygonStreamSettings
{
    /// <summary>Resolves the stream URL (the embedded stub knows its port only once it listens).</summary>
    public required Func<CancellationToken, Task<Uri>> Url { get; init; }

    /// <summary>Sent in the <c>auth</c> action; never logged. The embedded stub accepts any.</summary>
    public required string ApiKey { get; init; }

    /// <summary>Symbols subscribed as <c>AM.&lt;symbol&gt;</c>.</summary>
    public required IReadOnlyList<string> Universe { get; init; }

    /// <summary>Feed pre- and after-market bars to the detectors too (default: counted, not fed).</summary>
    public bool ExtendedHours { get; init; }

    /// <summary>Reconnect back-off after a network failure: jittered, doubling from here…</summary>
    public TimeSpan ReconnectMin { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>…up to here.</summary>
    public TimeSpan ReconnectMax { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Back-off after <c>auth_failed</c> or <c>max_connections</c>: a rejected key will not start working in a
    /// second, and reconnecting at once would evict the other process using the key, which would evict us back.
    /// </summary>
    public TimeSpan RefusedMin { get; init; } = TimeSpan.FromMinutes(1);

    public TimeSpan RefusedMax { get; init; } = TimeSpan.FromMinutes(15);

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>From connect to the subscriptions sent: a server that never says auth_success is given up on.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>WebSocket ping interval; a pong must come back within <see cref="PongTimeout"/> or the socket is dropped (a silent connection).</summary>
    public TimeSpan PingInterval { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan PongTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Bytes of received frames waiting for the consumer at most. The socket is read at once into this queue so a slow
    /// pipeline never makes the provider's buffer fill (it would delay, then kill, the connection). At the bound the
    /// connection is closed on our side ("consumer too slow"): what was queued is still delivered, and after the
    /// reconnect the missed minutes are back-filled from REST like after any other drop.
    /// </summary>
    public long MaxQueuedBytes { get; init; } = 64L << 20;

    /// <summary>
    /// What a run back-fills once the first regular-session bar arrives (TICKSTOCK_FEED_BACKFILL): by default each
    /// symbol's minutes of today's session after the last one its SymbolActor holds, the whole session so far for a
    /// symbol without any. Covers a start mid-session and a hand-over of the feed singleton alike.
    /// </summary>
    public TickStock.Core.Feed.FeedBackfillMode BackfillAtStart { get; init; } = TickStock.Core.Feed.FeedBackfillMode.Session;

    /// <summary>SymbolActors asked at once what they hold when a run starts (11,000 symbols: about 350 rounds).</summary>
    public int StatusParallelism { get; init; } = 32;

    /// <summary>How long one SymbolActor may take to answer (a fresh one loads its daily history first).</summary>
    public TimeSpan StatusTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Back-fill REST calls in flight at once (each still takes a token from the shared rate limiter).</summary>
    public int BackfillParallelism { get; init; } = 4;

    /// <summary>Live bars held while their symbols' back-fills run, at most (then the back-fills are given up).</summary>
    public int HoldLimit { get; init; } = 200_000;

    /// <summary>Refused input of each kind logged in full; the rest are counted and reported once a minute.</summary>
    public int RefusedLoggedPerKind { get; init; } = 1;
}
