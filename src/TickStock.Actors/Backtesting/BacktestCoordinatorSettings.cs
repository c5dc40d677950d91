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

    /// <summary>Symbols read and detected at once per backtest (detection is CPU, the read is I/O).</summary>
    public int DetectParallelism { get; init; } = Math.Max(2, Environment.ProcessorCount);

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
