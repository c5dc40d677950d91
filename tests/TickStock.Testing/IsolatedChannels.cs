namespace TickStock.Testing;

/// <summary>
/// Redis channel and key names unique to one test, so a daemon or CLI started by a test never publishes on,
/// listens to or writes the production names on the shared Redis (a developer's running daemon or
/// <c>tickstock monitor</c> would otherwise see test traffic, and a test could pick up theirs).
/// </summary>
public sealed class IsolatedChannels
{
    public IsolatedChannels(string prefix = "t")
    {
        Prefix = $"{prefix}{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 12, 40)];
    }

    /// <summary>The unique part every name below starts with.</summary>
    public string Prefix { get; }

    public string Patterns => $"{Prefix}.events.patterns";
    public string HealthStatus => $"{Prefix}.health.status";
    public string HealthCheck => $"{Prefix}.health.check";
    public string HeartbeatKey => $"{Prefix}:producer:heartbeat";
    public string LegacyHeartbeatKey => $"{Prefix}pl:heartbeat";
    public string Ticks => $"{Prefix}.data.raw";
    public string JobChannel => $"{Prefix}.jobs.data_load";
    public string JobControlChannel => $"{Prefix}.jobs.control";
    public string JobStatusPrefix => $"{Prefix}.jobs.status:";
    public string BacktestJobs => $"{Prefix}.jobs.backtest";
    public string BacktestCancel => $"{Prefix}.jobs.cancel";
    public string BacktestProgress => $"{Prefix}.events.backtesting.progress";
    public string BacktestResults => $"{Prefix}.events.backtesting.results";
    public string BacktestLedgerKey => $"{Prefix}:backtest:jobs";

    /// <summary>The short environment variables (README) that point a child process at these names.</summary>
    public Dictionary<string, string?> Environment() => new()
    {
        ["TICKSTOCK_PATTERNS_CHANNEL"] = Patterns,
        ["TICKSTOCK_HEALTH_CHANNEL"] = HealthStatus,
        ["TICKSTOCK_HEALTH_CHECK_CHANNEL"] = HealthCheck,
        ["TICKSTOCK_HEARTBEAT_KEY"] = HeartbeatKey,
        ["TICKSTOCK_LEGACY_HEARTBEAT_KEY"] = LegacyHeartbeatKey,
        ["TICKSTOCK_TICK_CHANNEL"] = Ticks,
        ["TICKSTOCK_JOBS_CHANNEL"] = JobChannel,
        ["TICKSTOCK_JOBS_CONTROL_CHANNEL"] = JobControlChannel,
        ["TICKSTOCK_JOBS_STATUS_PREFIX"] = JobStatusPrefix,
        ["TICKSTOCK_BACKTEST_CHANNEL"] = BacktestJobs,
        ["TICKSTOCK_BACKTEST_CANCEL_CHANNEL"] = BacktestCancel,
        ["TICKSTOCK_BACKTEST_PROGRESS_CHANNEL"] = BacktestProgress,
        ["TICKSTOCK_BACKTEST_RESULTS_CHANNEL"] = BacktestResults,
        ["TICKSTOCK_BACKTEST_LEDGER_KEY"] = BacktestLedgerKey,
        // Any free port: the default 127.0.0.1:9110 would collide between daemons of parallel tests.
        ["TICKSTOCK_HTTP"] = "127.0.0.1:0",
    };

    /// <summary><see cref="Environment()"/> plus <paramref name="more"/> (which wins).</summary>
    public Dictionary<string, string?> Environment(IReadOnlyDictionary<string, string?> more)
    {
        var env = Environment();
        foreach (var (key, value) in more) env[key] = value;
        return env;
    }
}
