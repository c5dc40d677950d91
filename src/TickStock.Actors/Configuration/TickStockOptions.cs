using System.Globalization;

namespace TickStock.Actors.Configuration;

/// <summary>
/// Typed settings of a TickStock node, bound from the <c>TickStock</c> configuration section
/// (appsettings.json, then the short environment variables listed in README, which win).
/// </summary>
public sealed class TickStockOptions
{
    public const string Section = "TickStock";

    public RedisSettings Redis { get; set; } = new();
    public PostgresSettings Postgres { get; set; } = new();
    public PolygonSettings Polygon { get; set; } = new();
    public MarketDataSettings MarketData { get; set; } = new();
    public NodeClusterSettings Cluster { get; set; } = new();
    public PipelineSettings Pipeline { get; set; } = new();
    public ManagementSettings Management { get; set; } = new();

    /// <summary>Folder holding <c>universes/</c> (TICKSTOCK_DATA_DIR).</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>
    /// The node's one state directory (TICKSTOCK_STATE_DIR): the spill file lives here. An absolute
    /// default, so a daemon started from another folder finds (and replays) what it left; the local
    /// scripts put it under the git-ignored <c>.local/state</c>.
    /// </summary>
    public string StateDirectory { get; set; } = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "tickstock");

    /// <summary>A path of the node's state: relative ones are inside <see cref="StateDirectory"/>.</summary>
    public string StatePath(string path) => Path.GetFullPath(Path.Combine(StateDirectory, path));

    /// <summary>Historical data-load jobs: channels, status keys, intraday cap (contract §6).</summary>
    public JobSettings Jobs { get; set; } = new();

    /// <summary>Backtest jobs (contract §5).</summary>
    public BacktestSettings Backtest { get; set; } = new();

    /// <summary>
    /// Instant used as "now" by the loader window and the embedded stub (TICKSTOCK_NOW, ISO-8601; a
    /// value without offset is UTC); null = the clock. Parsed once, by <see cref="ParseNow"/>.
    /// </summary>
    public DateTimeOffset? Now { get; set; }

    /// <summary>Parses a TICKSTOCK_NOW value; null when it is not an ISO-8601 instant.</summary>
    public static DateTimeOffset? ParseNow(string? text) => TickStock.Core.Calendar.IsoInstant.TryParse(text);
}

/// <summary>The node's HTTP management endpoint (/healthz, /readyz, /metrics).</summary>
public sealed class ManagementSettings
{
    public const string DefaultHttp = "127.0.0.1:9110";

    /// <summary><c>host:port</c> the endpoint listens on; <c>off</c> disables it; port 0 = any free port (TICKSTOCK_HTTP).</summary>
    public string Http { get; set; } = DefaultHttp;

    /// <summary>Bearer token of state-changing calls, required with a non-loopback binding (TICKSTOCK_CTL_TOKEN). Never logged.</summary>
    public string? Token { get; set; }
}

/// <summary>Names and bounds of the data-load jobs (contract §6). Tests rename the channels and keys to isolate themselves.</summary>
public sealed class JobSettings
{
    public const string DefaultDataLoadChannel = "tickstock.jobs.data_load";
    public const string DefaultControlChannel = "tickstock.jobs.control";
    public const string DefaultStatusKeyPrefix = "tickstock.jobs.status:";

    /// <summary>Channel of job messages (TICKSTOCK_JOBS_CHANNEL).</summary>
    public string DataLoadChannel { get; set; } = DefaultDataLoadChannel;

    /// <summary>Channel of cancel requests (TICKSTOCK_JOBS_CONTROL_CHANNEL).</summary>
    public string ControlChannel { get; set; } = DefaultControlChannel;

    /// <summary>Prefix of the status keys, followed by the job id (TICKSTOCK_JOBS_STATUS_PREFIX).</summary>
    public string StatusKeyPrefix { get; set; } = DefaultStatusKeyPrefix;

    /// <summary>Years of minute and hourly history a job loads at most; daily/weekly/monthly cover the whole window (TICKSTOCK_INTRADAY_CAP_YEARS; contract §6.2 default 1).</summary>
    public double IntradayCapYears { get; set; } = 1;
}

/// <summary>Channels and bounds of daemon backtests (contract §1 and §5).</summary>
public sealed class BacktestSettings
{
    public const string DefaultJobChannel = "tickstock.jobs.backtest";
    public const string DefaultCancelChannel = "tickstock.jobs.cancel";
    public const string DefaultProgressChannel = "tickstock.events.backtesting.progress";
    public const string DefaultResultsChannel = "tickstock.events.backtesting.results";

    /// <summary>Channel of <c>backtest_job</c> messages (TICKSTOCK_BACKTEST_CHANNEL).</summary>
    public string JobChannel { get; set; } = DefaultJobChannel;

    /// <summary>Channel of <c>cancel_job</c> messages (TICKSTOCK_BACKTEST_CANCEL_CHANNEL).</summary>
    public string CancelChannel { get; set; } = DefaultCancelChannel;

    /// <summary>Where progress is published (TICKSTOCK_BACKTEST_PROGRESS_CHANNEL).</summary>
    public string ProgressChannel { get; set; } = DefaultProgressChannel;

    /// <summary>Where results are published (TICKSTOCK_BACKTEST_RESULTS_CHANNEL).</summary>
    public string ResultsChannel { get; set; } = DefaultResultsChannel;

    /// <summary>
    /// Redis hash of accepted, unanswered backtests (TICKSTOCK_BACKTEST_LEDGER_KEY): what the singleton's next incarnation
    /// re-runs after a node stop.
    /// </summary>
    public string LedgerKey { get; set; } = DefaultLedgerKey;

    public const string DefaultLedgerKey = "tickstock:backtest:jobs";

    /// <summary>Backtests running at once; a job beyond that is answered <c>failed</c> (busy) rather than queued without bound.</summary>
    public int MaxConcurrentJobs { get; set; } = 4;
}

public sealed class RedisSettings
{
    /// <summary>StackExchange.Redis configuration string (TICKSTOCK_REDIS).</summary>
    public string Configuration { get; set; } = "localhost:6379";
}

public sealed class PostgresSettings
{
    /// <summary>Npgsql connection string (TICKSTOCK_PG). The password comes from here or from PGPASSFILE.</summary>
    public string ConnectionString { get; set; } = "Host=localhost;Port=5432;Database=tickstock;Username=app_readwrite";

    /// <summary>Apply the embedded migrations when the daemon first reaches the database.</summary>
    public bool MigrateOnStart { get; set; } = true;
}

public sealed class PolygonSettings
{
    /// <summary>Provider key (POLYGON_API_KEY); absent → the embedded local stub is used.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Provider base URL (POLYGON_BASE_URL); defaults to the public host when a key is set.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>Token-bucket size per API key for the whole cluster (POLYGON_RATE_PER_MIN).</summary>
    public int RatePerMinute { get; set; } = 5;

    /// <summary>
    /// Years of history the provider plan serves (POLYGON_PLAN_HISTORY_YEARS; free plan ≈ 2). A range
    /// refused with 403 that starts earlier is asked for again from there, and the clip reported.
    /// </summary>
    public double PlanHistoryYears { get; set; } = 2;

    /// <summary>
    /// Longest wait for one provider call (TickStock:Polygon:RequestTimeout, e.g. <c>00:01:00</c>). A provider
    /// that accepts and never answers fails the symbol after 6 such waits plus the back-off between them
    /// (≤ 15.5 s): about 6.3 minutes with the default.
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(60);

    public const string PublicBaseUrl = "https://api.polygon.io";

    /// <summary>The provider's stocks WebSocket (POLYGON_WS_URL); empty = the real-time or delayed cluster (<see cref="Feed"/>) with a key, else the embedded stub's.</summary>
    public string? WebSocketUrl { get; set; }

    /// <summary>Which cluster of the provider's stream (POLYGON_FEED): <c>realtime</c> (default) or <c>delayed</c> (15-minute delayed plans).</summary>
    public string Feed { get; set; } = "realtime";

    public const string RealTimeWebSocketUrl = "wss://socket.massive.com/stocks";
    public const string DelayedWebSocketUrl = "wss://delayed.massive.com/stocks";

    /// <summary>The stream URL to use when a key is set and <see cref="WebSocketUrl"/> is not.</summary>
    public string ProviderWebSocketUrl => !string.IsNullOrWhiteSpace(WebSocketUrl)
        ? WebSocketUrl.Trim()
        : string.Equals(Feed?.Trim(), "delayed", StringComparison.OrdinalIgnoreCase) ? DelayedWebSocketUrl : RealTimeWebSocketUrl;

    public bool UsesEmbeddedStub => string.IsNullOrWhiteSpace(ApiKey) && string.IsNullOrWhiteSpace(BaseUrl);
}

public sealed class MarketDataSettings
{
    /// <summary>Where live bars come from (TICKSTOCK_MARKET_DATA, by the lower-case name).</summary>
    public MarketDataSource Source { get; set; } = MarketDataSource.Synthetic;

    /// <summary>How many symbols, or a comma list, the synthetic source streams (TICKSTOCK_SYNTHETIC_SYMBOLS).</summary>
    public string SyntheticSymbols { get; set; } = "50";

    /// <summary>
    /// How the synthetic source paces its minutes (TICKSTOCK_SYNTHETIC_PACE): <c>live</c> (the default: the session so
    /// far quickly, then real time) or <c>fast</c> (every minute at <see cref="Speed"/>: demos, benchmarks).
    /// </summary>
    public SyntheticPace SyntheticPace { get; set; } = SyntheticPace.Live;

    /// <summary>
    /// Synthetic: 1-minute bars per second per symbol (the fast pace, and the live pace's catch-up); replay: multiple of
    /// real time (TICKSTOCK_MARKET_SPEED). Must be &gt; 0.
    /// </summary>
    public double Speed { get; set; } = 60;

    /// <summary>Replay: a CSV bar file or a folder of <c>SYMBOL[_…].csv</c> files; empty = stored ohlcv_1min (TICKSTOCK_REPLAY_PATH).</summary>
    public string? ReplayPath { get; set; }

    /// <summary>Redis channel of forwarded ticks for the redis source (contract §1; TICKSTOCK_TICK_CHANNEL).</summary>
    public string TickChannel { get; set; } = DefaultTickChannel;

    public const string DefaultTickChannel = "tickstock.data.raw";

    /// <summary>
    /// Symbols the polygon source subscribes to (TICKSTOCK_FEED_UNIVERSE): a universe file of <c>universes/</c>
    /// (<c>sp_500.csv</c>, or a universe type such as <c>sp500</c>) or a comma list; empty = the synthetic symbol list.
    /// </summary>
    public string? FeedUniverse { get; set; }

    /// <summary>
    /// What the polygon source back-fills from the REST aggregates when it starts or takes over the feed
    /// (TICKSTOCK_FEED_BACKFILL): <c>session</c> (default; each symbol's minutes of today's regular session that its
    /// SymbolActor lacks), <c>gap</c> (only after a minute a SymbolActor holds: a hand-over) or <c>off</c>.
    /// </summary>
    public TickStock.Core.Feed.FeedBackfillMode FeedBackfill { get; set; } = TickStock.Core.Feed.FeedBackfillMode.Session;

    /// <summary>The source and its pace in words, for the start-up log line (what a person will see).</summary>
    public string Describe() => Source switch
    {
        MarketDataSource.Synthetic when SyntheticPace == SyntheticPace.Live =>
            string.Create(CultureInfo.InvariantCulture, $"synthetic, live pace (the session so far at {Speed} bars/s per symbol, then one bar per symbol per minute)"),
        MarketDataSource.Synthetic => string.Create(CultureInfo.InvariantCulture, $"synthetic, fast pace ({Speed} bars/s per symbol)"),
        MarketDataSource.Replay => string.Create(CultureInfo.InvariantCulture, $"replay at {Speed}× real time"),
        MarketDataSource.Polygon => "polygon (the provider's WebSocket minute aggregates)",
        _ => Source.Name(),
    };
}

/// <summary>The values of TICKSTOCK_MARKET_DATA; configuration spells them in lower case (<see cref="MarketDataSourceNames.Name"/>).</summary>
public enum MarketDataSource
{
    /// <summary>The built-in deterministic demo market.</summary>
    Synthetic,

    /// <summary>CSV bar files (TICKSTOCK_REPLAY_PATH) or the stored ohlcv_1min rows, in time order.</summary>
    Replay,

    /// <summary>Ticks forwarded on Redis (tickstock.data.raw).</summary>
    Redis,

    /// <summary>The provider's WebSocket stream of minute aggregates (the embedded stub's without POLYGON_API_KEY).</summary>
    Polygon,

    /// <summary>No live data: a loader-only node.</summary>
    None,
}

/// <summary>The values of TICKSTOCK_SYNTHETIC_PACE (configuration spells them in lower case).</summary>
public enum SyntheticPace
{
    /// <summary>The session so far replayed quickly, then one minute bar per symbol per minute: a pace a person can follow.</summary>
    Live,

    /// <summary>Every minute at TICKSTOCK_MARKET_SPEED bars per second per symbol (an hour of bars per second by default).</summary>
    Fast,
}

/// <summary>The configuration spelling of <see cref="MarketDataSource"/> (README, logs, health details).</summary>
public static class MarketDataSourceNames
{
    public static string Name(this MarketDataSource source) => source switch
    {
        MarketDataSource.Synthetic => "synthetic",
        MarketDataSource.Replay => "replay",
        MarketDataSource.Redis => "redis",
        MarketDataSource.Polygon => "polygon",
        MarketDataSource.None => "none",
        _ => throw new ArgumentOutOfRangeException(nameof(source), source, "not a market data source"),
    };
}

public sealed class NodeClusterSettings
{
    /// <summary>
    /// Address remoting binds to (TICKSTOCK_AKKA_HOST). Loopback by default: a single node is reachable by nobody else.
    /// A cluster node binds an address its peers can reach (or 0.0.0.0 with <see cref="PublicHostname"/>).
    /// </summary>
    public string Hostname { get; set; } = "127.0.0.1";

    /// <summary>Address other nodes use to reach this one, when it differs from <see cref="Hostname"/> (TICKSTOCK_AKKA_PUBLIC_HOST: NAT, containers, 0.0.0.0 binds).</summary>
    public string? PublicHostname { get; set; }

    /// <summary>Remoting port (TICKSTOCK_AKKA_PORT); 0 picks a free one (fine for a single self-joining node).</summary>
    public int Port { get; set; }

    /// <summary>Optional TLS of remoting (TICKSTOCK_AKKA_TLS_CERT, TICKSTOCK_AKKA_TLS_PASSWORD_FILE).</summary>
    public RemotingTlsSettings Tls { get; set; } = new();

    /// <summary>Seed node addresses (akka.tcp://tickstock@host:port); empty → join itself.</summary>
    public IList<string> SeedNodes { get; set; } = new List<string>();

    /// <summary>
    /// Roles of this node (TICKSTOCK_ROLES): any of <see cref="Hosting.NodeRoles.All"/>. Empty = all of them, so a single
    /// node runs everything.
    /// </summary>
    public IList<string> Roles { get; set; } = new List<string>();

    /// <summary>The roles this node takes: <see cref="Roles"/> normalized, or every role when none is set. An unknown role is a <see cref="FormatException"/>.</summary>
    public IReadOnlyList<string> EffectiveRoles => Hosting.NodeRoles.Normalize(Roles);

    /// <summary>Whether this node takes <paramref name="role"/> (one of <see cref="Hosting.NodeRoles"/>).</summary>
    public bool HasRole(string role) => EffectiveRoles.Contains(role, StringComparer.Ordinal);

    /// <summary>Shard count for symbol sharding: ~10× the largest expected node count.</summary>
    public int SymbolShards { get; set; } = 100;

    /// <summary>Idle time after which a SymbolActor is passivated.</summary>
    public TimeSpan SymbolIdleTimeout { get; set; } = TimeSpan.FromMinutes(30);
}

/// <summary>
/// TLS of the cluster's remoting. On when <see cref="CertificatePath"/> is set: every node presents the cluster's
/// certificate and accepts only a peer presenting the same one (mutual TLS, pinned by thumbprint).
/// </summary>
public sealed class RemotingTlsSettings
{
    /// <summary>PKCS#12 file (.pfx/.p12) with the cluster certificate and its private key (TICKSTOCK_AKKA_TLS_CERT).</summary>
    public string? CertificatePath { get; set; }

    /// <summary>File holding the certificate's password (TICKSTOCK_AKKA_TLS_PASSWORD_FILE); the password itself is never configured nor logged.</summary>
    public string? PasswordFile { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(CertificatePath);
}

/// <summary>Pattern pipeline: batching, buffers, heartbeats, health (contract §2–4).</summary>
public sealed class PipelineSettings
{
    public Publishing.ChannelNames Channels { get; set; } = new();

    /// <summary>Most rows per COPY / events per pipelined publish. Batches form naturally while one is in flight, so latency stays at one round trip at low rates.</summary>
    public int MaxBatch { get; set; } = 2000;

    /// <summary>COPY batches written concurrently (each batch's events still wait for their own commit).</summary>
    public int MaxWritesInFlight { get; set; } = 2;

    /// <summary>
    /// How an audit row's commit waits for the disk before its event is published. Deferred (the
    /// default): the row is committed and visible first, as the contract requires, without waiting
    /// for PostgreSQL's WAL flush; the producer keeps it until the server reports it flushed and
    /// inserts it again if a crash took it away. Synchronous: every batch waits for its flush.
    /// </summary>
    public AuditCommitMode AuditCommit { get; set; } = AuditCommitMode.Deferred;

    /// <summary>While rows wait for their WAL flush and no write reports one, how often to ask the server (its WAL writer flushes every wal_writer_delay, 200 ms by default).</summary>
    public TimeSpan AuditFlushCheckInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Events kept while Redis is down (oldest dropped with a PATTERN_EXPIRED row beyond this).</summary>
    public int RedisBufferCapacity { get; set; } = 100_000;

    /// <summary>Integration rows kept in memory while the spill file itself cannot be written.</summary>
    public int SpillMemoryCapacity { get; set; } = 100_000;

    /// <summary>Append-only file for audit rows while PostgreSQL is down; relative to the state directory (TickStockOptions.StateDirectory).</summary>
    public string SpillPath { get; set; } = "spill/integration_events.jsonl";

    /// <summary>
    /// Bound of the spill file (with the file being drained). At the bound an append is refused: the
    /// rows then wait in memory (up to <see cref="SpillMemoryCapacity"/>, beyond it the oldest are
    /// dropped with an error line), events keep flowing, and PostgreSQL is retried on the back-off.
    /// </summary>
    public long SpillMaxBytes { get; set; } = 1L << 30;

    public TimeSpan RedisHeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);
    public TimeSpan DatabaseHeartbeatInterval { get; set; } = TimeSpan.FromSeconds(30);
    public TimeSpan HealthInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>First and longest wait between reconnect/drain attempts.</summary>
    public TimeSpan RetryMin { get; set; } = TimeSpan.FromMilliseconds(250);
    public TimeSpan RetryMax { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Messages larger than this on subscribed channels are ignored (contract §7).</summary>
    public int MaxInboundMessageBytes { get; set; } = 1024 * 1024;
}

/// <summary>See <see cref="PipelineSettings.AuditCommit"/>.</summary>
public enum AuditCommitMode
{
    Deferred,
    Synchronous,
}
