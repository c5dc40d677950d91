using TickStock.Core.Loading;

namespace TickStock.Actors.Loading;

/// <summary>Settings of the loading module (built from <see cref="Configuration.TickStockOptions"/> by <see cref="LoadingHostingExtensions"/>).</summary>
public sealed record HistoricalLoadingSettings
{
    public string DataLoadChannel { get; init; } = Configuration.JobSettings.DefaultDataLoadChannel;
    public string ControlChannel { get; init; } = Configuration.JobSettings.DefaultControlChannel;
    public string StatusKeyPrefix { get; init; } = Configuration.JobSettings.DefaultStatusKeyPrefix;
    public TimeSpan StatusTtl { get; init; } = TimeSpan.FromSeconds(86400);

    /// <summary>Status is rewritten at least this often while a job runs (contract: ≤ 30 s).</summary>
    public TimeSpan StatusInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Fetchers working in parallel (each one symbol at a time); the token bucket bounds the call rate.</summary>
    public int Fetchers { get; init; } = 4;

    /// <summary>Years of minute/hourly history at most (contract §6.2 default 1).</summary>
    public double IntradayCapYears { get; init; } = JobWindowCalculator.DefaultIntradayCapYears;

    public required string UniversesDirectory { get; init; }

    /// <summary>Pinned "now" (TICKSTOCK_NOW); null = the clock.</summary>
    public DateTimeOffset? Now { get; init; }

    /// <summary>First and longest wait before trying a dependency (PostgreSQL) again while jobs are paused.</summary>
    public TimeSpan RetryMin { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan RetryMax { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Refused messages logged in full per channel and reason; the rest are counted and reported every <see cref="RejectedMessagesReportInterval"/>.</summary>
    public int RejectedMessagesLoggedInFull { get; init; } = 5;

    public TimeSpan RejectedMessagesReportInterval { get; init; } = TimeSpan.FromMinutes(1);
}
