using TickStock.Actors.Configuration;
using TickStock.Actors.Infrastructure;

namespace TickStock.Actors.Backtesting;

/// <summary>What the backtest coordinator and its runs talk to; every member is thread-safe.</summary>
public sealed record BacktestServices(
    RedisConnectionProvider Redis,
    IBacktestBarSource Bars,
    IHistoryLoadRequests History,
    IBacktestPublisher Publisher,
    IBacktestLedger Ledger)
{
    /// <summary>The clock of message timestamps and estimates (tests may pin it).</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>
    /// The actor the coordinator creates (as its child <c>workers</c>) to reach the <see cref="BacktestWorker"/>s: in the
    /// daemon the cluster-aware group router over every backtest node (<see cref="BacktestHostingExtensions.WorkerRouter"/>).
    /// Null: one local worker over <see cref="Bars"/> (a single process without a cluster, e.g. tests).
    /// </summary>
    public Akka.Actor.Props? Workers { get; init; }
}

/// <summary>Settings of daemon backtests (built from <see cref="TickStockOptions"/> by <see cref="BacktestHostingExtensions"/>).</summary>
public sealed record BacktestCoordinatorSettings
{
    public string JobChannel { get; init; } = BacktestSettings.DefaultJobChannel;

    public string CancelChannel { get; init; } = BacktestSettings.DefaultCancelChannel;

    /// <summary>Backtests at once; one more is answered <c>failed</c> ("busy").</summary>
    public int MaxConcurrentJobs { get; init; } = 4;

    /// <summary>Progress is published at least this often (contract: at least every 2 s) and at each symbol.</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the status key of a history-load job is read while the backtest waits for it.</summary>
    public TimeSpan LoadPollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Symbols of one backtest out with the workers at once (across the cluster): enough to keep every worker busy, few
    /// enough that a cancelled or failed job leaves little work behind.
    /// </summary>
    public int DetectParallelism { get; init; } = 16;

    /// <summary>Symbols a node's <see cref="BacktestWorker"/> reads and detects at once, whatever job they are from.</summary>
    public int WorkerParallelism { get; init; } = 2 * Environment.ProcessorCount;

    /// <summary>
    /// How long a symbol sent to a worker may go unanswered before it is sent again (it counts the wait in the worker's
    /// queue: generous, since a symbol takes milliseconds; it bounds the wait for a worker whose node died unnoticed).
    /// </summary>
    public TimeSpan SymbolTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Times a symbol is sent before the job is answered <c>failed</c> for want of an answer.</summary>
    public int MaxSymbolTries { get; init; } = 3;

    /// <summary>
    /// After a member becomes unreachable or is removed, the symbols out with workers are sent again this much later,
    /// by when the router (told of the same event) no longer routes to that node.
    /// </summary>
    public TimeSpan NodeLossResend { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Runs of one job at most: a job found unanswered in the ledger at start-up (its node stopped) is re-run until it
    /// has been started this many times, then answered <c>failed</c> — so a job that kills its node cannot loop forever.
    /// </summary>
    public int MaxAttempts { get; init; } = 2;

    /// <summary>Pinned "now" (TICKSTOCK_NOW) for which sessions are complete; null = the clock.</summary>
    public DateTimeOffset? Now { get; init; }

    /// <summary>Back-off of retries (subscribing, publishing a result while Redis is down).</summary>
    public TimeSpan RetryMin { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan RetryMax { get; init; } = TimeSpan.FromSeconds(15);

    public int RejectedMessagesLoggedInFull { get; init; } = 5;

    public TimeSpan RejectedMessagesReportInterval { get; init; } = TimeSpan.FromMinutes(1);
}
