using System.Collections;
using Microsoft.Extensions.Configuration;
using TickStock.Actors.Configuration;
using TickStock.Daemon.Configuration;

namespace TickStock.Daemon.Tests.Configuration;

public class ConfigurationLayeringTests
{
    private static TickStockOptions Bind(IDictionary environment, Dictionary<string, string?>? appsettings = null) =>
        TickStockConfiguration.Bind(new ConfigurationBuilder()
            .AddInMemoryCollection(appsettings ?? [])
            .AddTickStockEnvironment(environment)
            .Build());

    [Fact]
    public void Defaults_match_the_architecture_table()
    {
        var options = Bind(new Hashtable());

        Assert.Equal("localhost:6379", options.Redis.Configuration);
        Assert.Equal("Host=localhost;Port=5432;Database=tickstock;Username=app_readwrite", options.Postgres.ConnectionString);
        Assert.Equal("data", options.DataDirectory);
        Assert.Null(options.Polygon.ApiKey);
        Assert.True(options.Polygon.UsesEmbeddedStub);
        Assert.Equal(5, options.Polygon.RatePerMinute);
        Assert.Equal(TimeSpan.FromSeconds(60), options.Polygon.RequestTimeout);
        Assert.Equal(MarketDataSource.Synthetic, options.MarketData.Source);
        Assert.Equal("50", options.MarketData.SyntheticSymbols);
        Assert.Equal(60, options.MarketData.Speed);
        Assert.Equal(SyntheticPace.Live, options.MarketData.SyntheticPace);
        Assert.Null(options.MarketData.ReplayPath);
        Assert.Null(options.Now);
        Assert.Equal(["symbols", "jobs", "feed", "backtest"], options.Cluster.EffectiveRoles);
        Assert.Empty(options.Cluster.SeedNodes);
        Assert.Equal("127.0.0.1", options.Cluster.Hostname);
        Assert.Null(options.Cluster.PublicHostname);
        Assert.False(options.Cluster.Tls.Enabled);
        // The production names (contract §1–4), when nothing overrides them.
        var channels = options.Pipeline.Channels;
        Assert.Equal(("tickstock.events.patterns", "tickstock.health.status", "tickstock.health.check", "tickstock:producer:heartbeat", "tickstockpl:heartbeat"),
            (channels.Patterns, channels.HealthStatus, channels.HealthCheck, channels.HeartbeatKey, channels.LegacyHeartbeatKey));
        Assert.Equal("tickstock.data.raw", options.MarketData.TickChannel);
    }

    [Fact]
    public void Short_environment_variables_override_appsettings()
    {
        var environment = new Hashtable
        {
            ["TICKSTOCK_REDIS"] = "redis.internal:6380",
            ["TICKSTOCK_PG"] = "Host=db;Port=5433;Database=tickstock;Username=app_readwrite",
            ["TICKSTOCK_DATA_DIR"] = "/srv/tickstock",
            ["TICKSTOCK_STATE_DIR"] = "/var/lib/tickstock",
            ["POLYGON_API_KEY"] = "k3y",
            ["POLYGON_BASE_URL"] = "http://127.0.0.1:9999",
            ["POLYGON_RATE_PER_MIN"] = "100",
            ["TICKSTOCK_MARKET_DATA"] = "none",
            ["TICKSTOCK_SYNTHETIC_SYMBOLS"] = "AAPL,MSFT",
            ["TICKSTOCK_MARKET_SPEED"] = "2.5",
            ["TICKSTOCK_SYNTHETIC_PACE"] = "Fast",
            ["TICKSTOCK_REPLAY_PATH"] = "/srv/replay",
            ["TICKSTOCK_NOW"] = "2024-10-30T20:00:00Z",
            ["TICKSTOCK_AKKA_PORT"] = "4053",
            ["TICKSTOCK_JOBS_CHANNEL"] = "t.jobs",
            ["TICKSTOCK_JOBS_CONTROL_CHANNEL"] = "t.control",
            ["TICKSTOCK_JOBS_STATUS_PREFIX"] = "t.status:",
            ["TICKSTOCK_INTRADAY_CAP_YEARS"] = "2",
            ["POLYGON_PLAN_HISTORY_YEARS"] = "5",
            ["TICKSTOCK_TICK_CHANNEL"] = "t.ticks",
            ["TICKSTOCK_PATTERNS_CHANNEL"] = "t.patterns",
            ["TICKSTOCK_HEALTH_CHANNEL"] = "t.health",
            ["TICKSTOCK_HEALTH_CHECK_CHANNEL"] = "t.health.check",
            ["TICKSTOCK_HEARTBEAT_KEY"] = "t:heartbeat",
            ["TICKSTOCK_LEGACY_HEARTBEAT_KEY"] = "tpl:heartbeat",
            ["TICKSTOCK_SEED_NODES"] = "akka.tcp://tickstock@a:4053, akka.tcp://tickstock@b:4053",
            ["TICKSTOCK_AKKA_HOST"] = "0.0.0.0",
            ["TICKSTOCK_AKKA_PUBLIC_HOST"] = "node-a.internal",
            ["TICKSTOCK_ROLES"] = "jobs",
        };
        var appsettings = new Dictionary<string, string?>
        {
            ["TickStock:Redis:Configuration"] = "from-appsettings:1",
            ["TickStock:Polygon:RatePerMinute"] = "7",
            ["TickStock:Polygon:RequestTimeout"] = "00:00:05",
            ["TickStock:Cluster:SymbolShards"] = "30",
        };

        var options = Bind(environment, appsettings);

        Assert.Equal("redis.internal:6380", options.Redis.Configuration);
        Assert.Equal("Host=db;Port=5433;Database=tickstock;Username=app_readwrite", options.Postgres.ConnectionString);
        Assert.Equal("/srv/tickstock", options.DataDirectory);
        Assert.Equal("/var/lib/tickstock", options.StateDirectory);
        Assert.Equal("k3y", options.Polygon.ApiKey);
        Assert.False(options.Polygon.UsesEmbeddedStub);
        Assert.Equal("http://127.0.0.1:9999", options.Polygon.BaseUrl);
        Assert.Equal(100, options.Polygon.RatePerMinute);
        Assert.Equal(5, options.Polygon.PlanHistoryYears);
        Assert.Equal(TimeSpan.FromSeconds(5), options.Polygon.RequestTimeout);
        Assert.Equal(MarketDataSource.None, options.MarketData.Source);
        Assert.Equal("AAPL,MSFT", options.MarketData.SyntheticSymbols);
        Assert.Equal(2.5, options.MarketData.Speed);
        Assert.Equal(SyntheticPace.Fast, options.MarketData.SyntheticPace);
        Assert.Equal("/srv/replay", options.MarketData.ReplayPath);
        Assert.Equal(new DateTimeOffset(2024, 10, 30, 20, 0, 0, TimeSpan.Zero), options.Now);
        Assert.Equal(("t.jobs", "t.control", "t.status:", 2.0), (options.Jobs.DataLoadChannel, options.Jobs.ControlChannel, options.Jobs.StatusKeyPrefix, options.Jobs.IntradayCapYears));
        var channels = options.Pipeline.Channels;
        Assert.Equal(("t.patterns", "t.health", "t.health.check", "t:heartbeat", "tpl:heartbeat"),
            (channels.Patterns, channels.HealthStatus, channels.HealthCheck, channels.HeartbeatKey, channels.LegacyHeartbeatKey));
        Assert.Equal("t.ticks", options.MarketData.TickChannel);
        Assert.Equal("t.ticks", TickStock.Actors.MarketData.MarketDataSourceSettings.From(options).TickChannel);
        Assert.Equal(4053, options.Cluster.Port);
        Assert.Equal(30, options.Cluster.SymbolShards); // appsettings value survives where no variable is set
        Assert.Equal(("0.0.0.0", "node-a.internal"), (options.Cluster.Hostname, options.Cluster.PublicHostname));
        Assert.Equal(["jobs"], options.Cluster.EffectiveRoles);
        Assert.Equal(["akka.tcp://tickstock@a:4053", "akka.tcp://tickstock@b:4053"], options.Cluster.SeedNodes);
    }

    [Theory]
    [InlineData("TICKSTOCK_MARKET_DATA", "websocket", "TICKSTOCK_MARKET_DATA='websocket' is not one of synthetic, replay, redis, polygon, none")]
    [InlineData("TICKSTOCK_MARKET_DATA", "3", "TICKSTOCK_MARKET_DATA='3' is not one of")]
    [InlineData("TICKSTOCK_MARKET_DATA", "replay, redis", "TICKSTOCK_MARKET_DATA='replay, redis' is not one of")]
    [InlineData("TICKSTOCK_SYNTHETIC_PACE", "slow", "TICKSTOCK_SYNTHETIC_PACE='slow' is not one of live, fast")]
    [InlineData("POLYGON_RATE_PER_MIN", "0", "POLYGON_RATE_PER_MIN must be a positive number")]
    [InlineData("TICKSTOCK_MARKET_SPEED", "0", "TICKSTOCK_MARKET_SPEED must be a positive number")]
    [InlineData("TICKSTOCK_MARKET_SPEED", "-3", "TICKSTOCK_MARKET_SPEED must be a positive number")]
    [InlineData("TICKSTOCK_MARKET_SPEED", "NaN", "TICKSTOCK_MARKET_SPEED must be a positive number")]
    [InlineData("TICKSTOCK_MARKET_SPEED", "Infinity", "TICKSTOCK_MARKET_SPEED must be a positive number")]
    [InlineData("TICKSTOCK_NOW", "yesterday", "TICKSTOCK_NOW='yesterday'")]
    [InlineData("TICKSTOCK_INTRADAY_CAP_YEARS", "0", "TICKSTOCK_INTRADAY_CAP_YEARS must be a number of years")]
    [InlineData("POLYGON_RATE_PER_MIN", "off", "POLYGON_RATE_PER_MIN: Failed to convert configuration value 'off'")]
    [InlineData("TICKSTOCK_MARKET_SPEED", "fast", "TICKSTOCK_MARKET_SPEED: Failed to convert configuration value 'fast'")]
    [InlineData("TICKSTOCK_AKKA_HOST", "0.0.0.0", "TICKSTOCK_AKKA_HOST=0.0.0.0 binds every interface: set TICKSTOCK_AKKA_PUBLIC_HOST")]
    [InlineData("TICKSTOCK_AKKA_TLS_CERT", "/nonexistent/cluster.pfx", "TICKSTOCK_AKKA_TLS_CERT: '/nonexistent/cluster.pfx' does not exist")]
    [InlineData("TICKSTOCK_AKKA_TLS_PASSWORD_FILE", "/run/secrets/pw", "TICKSTOCK_AKKA_TLS_PASSWORD_FILE is set but TICKSTOCK_AKKA_TLS_CERT is not")]
    [InlineData("POLYGON_FEED", "fastest", "POLYGON_FEED='fastest' is not one of realtime, delayed")]
    [InlineData("POLYGON_WS_URL", "https://socket.massive.com/stocks", "POLYGON_WS_URL='https://socket.massive.com/stocks' is not a ws:// or wss:// URL")]
    [InlineData("TICKSTOCK_ROLES", "symbols,shards", "TICKSTOCK_ROLES: unknown role 'shards'; the roles are symbols, jobs, feed, backtest")]
    public void Unusable_values_are_rejected_with_the_variable_named(string variable, string value, string message)
    {
        var ex = Assert.Throws<OptionsException>(() => Bind(new Hashtable { [variable] = value }));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, null, null, "wss://socket.massive.com/stocks")]
    [InlineData(null, "delayed", null, "wss://delayed.massive.com/stocks")]
    [InlineData(null, "DELAYED", "ws://127.0.0.1:8765/stocks", "ws://127.0.0.1:8765/stocks")]
    public void The_stream_URL_is_POLYGON_WS_URL_else_the_real_time_or_delayed_cluster(string? key, string? feed, string? url, string expected)
    {
        var environment = new Hashtable { ["POLYGON_API_KEY"] = key ?? "k" };
        if (feed is not null) environment["POLYGON_FEED"] = feed;
        if (url is not null) environment["POLYGON_WS_URL"] = url;

        Assert.Equal(expected, Bind(environment).Polygon.ProviderWebSocketUrl);
    }

    [Fact]
    public void The_feed_universe_is_bound_from_TICKSTOCK_FEED_UNIVERSE()
    {
        Assert.Equal("sp_500.csv", Bind(new Hashtable { ["TICKSTOCK_FEED_UNIVERSE"] = "sp_500.csv" }).MarketData.FeedUniverse);
    }

    [Fact]
    public void The_start_back_fill_is_bound_from_TICKSTOCK_FEED_BACKFILL_and_defaults_to_the_session()
    {
        Assert.Equal(Core.Feed.FeedBackfillMode.Gap, Bind(new Hashtable { ["TICKSTOCK_FEED_BACKFILL"] = "gap" }).MarketData.FeedBackfill);
        Assert.Equal(Core.Feed.FeedBackfillMode.Off, Bind(new Hashtable { ["TICKSTOCK_FEED_BACKFILL"] = "off" }).MarketData.FeedBackfill);
        Assert.Equal(Core.Feed.FeedBackfillMode.Session, Bind(new Hashtable()).MarketData.FeedBackfill);
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-00:00:01")]
    public void A_provider_request_timeout_must_be_positive(string value)
    {
        var ex = Assert.Throws<OptionsException>(() => Bind(new Hashtable(), new Dictionary<string, string?> { ["TickStock:Polygon:RequestTimeout"] = value }));
        Assert.Contains("TickStock:Polygon:RequestTimeout must be positive", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("replay", MarketDataSource.Replay)]
    [InlineData(" Redis ", MarketDataSource.Redis)]
    [InlineData("NONE", MarketDataSource.None)]
    public void The_market_data_source_is_bound_by_name_in_any_case(string value, MarketDataSource expected)
    {
        var options = Bind(new Hashtable { ["TICKSTOCK_MARKET_DATA"] = value });
        Assert.Equal(expected, options.MarketData.Source);
        Assert.Equal(value.Trim().ToLowerInvariant(), options.MarketData.Source.Name());
    }

    [Fact]
    public void A_TICKSTOCK_NOW_without_offset_is_UTC_whatever_the_host_zone()
    {
        var options = Bind(new Hashtable { ["TICKSTOCK_NOW"] = "2024-07-05T21:00:00" });
        Assert.Equal(new DateTimeOffset(2024, 7, 5, 21, 0, 0, TimeSpan.Zero), options.Now);
    }

    [Theory]
    [InlineData("synthetic", null, "synthetic, live pace (the session so far at 60 bars/s per symbol, then one bar per symbol per minute)")]
    [InlineData("synthetic", "fast", "synthetic, fast pace (60 bars/s per symbol)")]
    [InlineData("replay", null, "replay at 60× real time")]
    [InlineData("none", null, "none")]
    public void The_start_up_line_says_what_the_market_data_source_will_do(string source, string? pace, string expected)
    {
        var environment = new Hashtable { ["TICKSTOCK_MARKET_DATA"] = source };
        if (pace is not null) environment["TICKSTOCK_SYNTHETIC_PACE"] = pace;
        Assert.Equal(expected, Bind(environment).MarketData.Describe());
    }

    [Theory]
    [InlineData("symbols", new[] { "symbols" })]
    [InlineData(" Feed , symbols,feed", new[] { "feed", "symbols" })]
    [InlineData("jobs,backtest", new[] { "jobs", "backtest" })]
    [InlineData(",", new[] { "symbols", "jobs", "feed", "backtest" })]
    public void TICKSTOCK_ROLES_names_the_node_roles_in_any_case(string value, string[] expected)
    {
        var options = Bind(new Hashtable { ["TICKSTOCK_ROLES"] = value });
        Assert.Equal(expected, options.Cluster.EffectiveRoles);
    }

    [Fact]
    public void A_node_without_a_market_data_source_takes_every_role_but_feed()
    {
        var options = Bind(new Hashtable { ["TICKSTOCK_MARKET_DATA"] = "none" });
        Assert.Equal(["symbols", "jobs", "backtest"], options.Cluster.EffectiveRoles);

        var ex = Assert.Throws<OptionsException>(() => Bind(new Hashtable { ["TICKSTOCK_MARKET_DATA"] = "none", ["TICKSTOCK_ROLES"] = "symbols,feed" }));
        Assert.Contains("TICKSTOCK_ROLES includes feed but TICKSTOCK_MARKET_DATA=none", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Service_descriptions_never_contain_passwords()
    {
        var pg = ServiceEndpoints.DescribePostgres("Host=db.example;Port=5433;Database=tickstock;Username=app_readwrite;Password=hunter2");
        var redis = ServiceEndpoints.DescribeRedis("cache.example:6380,password=hunter2,ssl=false");

        Assert.Equal("db.example:5433 (database tickstock as app_readwrite)", pg);
        Assert.Equal("cache.example:6380", redis);
        Assert.DoesNotContain("hunter2", pg + redis, StringComparison.Ordinal);
    }
}

/// <summary>The daemon's exit code by why its node stopped (README's exit-code table).</summary>
public class NodeExitCodeTests
{
    [Fact]
    public void A_node_the_cluster_removed_exits_10_and_a_requested_stop_0()
    {
        Assert.Equal(10, DaemonHost.ExitCodeFor(TickStock.Actors.Hosting.NodeStopReason.RemovedFromCluster));
        Assert.Equal(0, DaemonHost.ExitCodeFor(TickStock.Actors.Hosting.NodeStopReason.Requested));
    }
}
