using System.Collections;
using Microsoft.Extensions.Configuration;

namespace TickStock.Daemon.Configuration;

/// <summary>
/// The short environment variables that are part of the public interface (README), mapped onto
/// configuration keys. Added last, so they override appsettings*.json.
/// </summary>
public static class ShortEnvironmentVariables
{
    public static readonly IReadOnlyDictionary<string, string> Map = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["TICKSTOCK_REDIS"] = "TickStock:Redis:Configuration",
        ["TICKSTOCK_PG"] = "TickStock:Postgres:ConnectionString",
        ["TICKSTOCK_DATA_DIR"] = "TickStock:DataDirectory",
        ["TICKSTOCK_STATE_DIR"] = "TickStock:StateDirectory",
        ["POLYGON_API_KEY"] = "TickStock:Polygon:ApiKey",
        ["POLYGON_BASE_URL"] = "TickStock:Polygon:BaseUrl",
        ["POLYGON_RATE_PER_MIN"] = "TickStock:Polygon:RatePerMinute",
        ["POLYGON_WS_URL"] = "TickStock:Polygon:WebSocketUrl",
        ["POLYGON_FEED"] = "TickStock:Polygon:Feed",
        ["TICKSTOCK_FEED_UNIVERSE"] = "TickStock:MarketData:FeedUniverse",
        ["TICKSTOCK_FEED_BACKFILL"] = "TickStock:MarketData:FeedBackfill",
        ["POLYGON_PLAN_HISTORY_YEARS"] = "TickStock:Polygon:PlanHistoryYears",
        ["TICKSTOCK_MARKET_DATA"] = "TickStock:MarketData:Source",
        ["TICKSTOCK_SYNTHETIC_SYMBOLS"] = "TickStock:MarketData:SyntheticSymbols",
        ["TICKSTOCK_MARKET_SPEED"] = "TickStock:MarketData:Speed",
        ["TICKSTOCK_SYNTHETIC_PACE"] = "TickStock:MarketData:SyntheticPace",
        ["TICKSTOCK_REPLAY_PATH"] = "TickStock:MarketData:ReplayPath",
        ["TICKSTOCK_TICK_CHANNEL"] = "TickStock:MarketData:TickChannel",
        ["TICKSTOCK_PATTERNS_CHANNEL"] = "TickStock:Pipeline:Channels:Patterns",
        ["TICKSTOCK_HEALTH_CHANNEL"] = "TickStock:Pipeline:Channels:HealthStatus",
        ["TICKSTOCK_HEALTH_CHECK_CHANNEL"] = "TickStock:Pipeline:Channels:HealthCheck",
        ["TICKSTOCK_HEARTBEAT_KEY"] = "TickStock:Pipeline:Channels:HeartbeatKey",
        ["TICKSTOCK_LEGACY_HEARTBEAT_KEY"] = "TickStock:Pipeline:Channels:LegacyHeartbeatKey",
        ["TICKSTOCK_NOW"] = "TickStock:Now",
        ["TICKSTOCK_JOBS_CHANNEL"] = "TickStock:Jobs:DataLoadChannel",
        ["TICKSTOCK_JOBS_CONTROL_CHANNEL"] = "TickStock:Jobs:ControlChannel",
        ["TICKSTOCK_JOBS_STATUS_PREFIX"] = "TickStock:Jobs:StatusKeyPrefix",
        ["TICKSTOCK_INTRADAY_CAP_YEARS"] = "TickStock:Jobs:IntradayCapYears",
        ["TICKSTOCK_BACKTEST_CHANNEL"] = "TickStock:Backtest:JobChannel",
        ["TICKSTOCK_BACKTEST_CANCEL_CHANNEL"] = "TickStock:Backtest:CancelChannel",
        ["TICKSTOCK_BACKTEST_PROGRESS_CHANNEL"] = "TickStock:Backtest:ProgressChannel",
        ["TICKSTOCK_BACKTEST_RESULTS_CHANNEL"] = "TickStock:Backtest:ResultsChannel",
        ["TICKSTOCK_BACKTEST_LEDGER_KEY"] = "TickStock:Backtest:LedgerKey",
        ["TICKSTOCK_BACKTEST_MAX_JOBS"] = "TickStock:Backtest:MaxConcurrentJobs",
        ["TICKSTOCK_AKKA_HOST"] = "TickStock:Cluster:Hostname",
        ["TICKSTOCK_AKKA_PORT"] = "TickStock:Cluster:Port",
        ["TICKSTOCK_AKKA_PUBLIC_HOST"] = "TickStock:Cluster:PublicHostname",
        ["TICKSTOCK_AKKA_TLS_CERT"] = "TickStock:Cluster:Tls:CertificatePath",
        ["TICKSTOCK_AKKA_TLS_PASSWORD_FILE"] = "TickStock:Cluster:Tls:PasswordFile",
        ["TICKSTOCK_HTTP"] = "TickStock:Management:Http",
        ["TICKSTOCK_CTL_TOKEN"] = "TickStock:Management:Token",
    };

    /// <summary>Comma-separated seed node list (TICKSTOCK_SEED_NODES) becomes TickStock:Cluster:SeedNodes:N.</summary>
    public const string SeedNodesVariable = "TICKSTOCK_SEED_NODES";

    /// <summary>Comma-separated roles of the node (TICKSTOCK_ROLES) become TickStock:Cluster:Roles:N.</summary>
    public const string RolesVariable = "TICKSTOCK_ROLES";

    /// <summary>The comma-list variables and the configuration list each one fills.</summary>
    public static readonly IReadOnlyDictionary<string, string> Lists = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [SeedNodesVariable] = "TickStock:Cluster:SeedNodes",
        [RolesVariable] = "TickStock:Cluster:Roles",
    };

    public static IConfigurationBuilder AddTickStockEnvironment(this IConfigurationBuilder builder, IDictionary? environment = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        environment ??= Environment.GetEnvironmentVariables();
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (variable, key) in Map)
        {
            if (environment[variable] is string value && value.Length > 0)
            {
                values[key] = value;
            }
        }

        foreach (var (variable, key) in Lists)
        {
            if (environment[variable] is not string text || text.Length == 0) continue;
            var list = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            for (var i = 0; i < list.Length; i++)
            {
                values[$"{key}:{i}"] = list[i];
            }
        }

        return builder.AddInMemoryCollection(values);
    }
}
