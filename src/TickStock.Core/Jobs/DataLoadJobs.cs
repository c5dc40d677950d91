using TickStock.Core.Universe;

namespace TickStock.Core.Jobs;

/// <summary>Provider timespans a job may ask for.</summary>
public enum LoadTimespan
{
    Minute,
    Hour,
    Day,
}

/// <summary>The tables a job writes.</summary>
[Flags]
public enum LoadTargets
{
    None = 0,
    Symbols = 1,
    Minute = 2,
    Hourly = 4,
    Daily = 8,
    Weekly = 16,
    Monthly = 32,
    AllOhlcv = Minute | Hourly | Daily | Weekly | Monthly,
}

/// <summary>Wire names of the job types (contract §6).</summary>
public static class DataLoadJobTypes
{
    public const string CsvUniverseLoad = "csv_universe_load";
    public const string HistoricalLoad = "historical_load";
    public const string MultiTimeframeLoad = "multi_timeframe_load";
    public const string UniverseSeed = "universe_seed";
}

/// <summary>
/// A validated data-load job. Optional consumer fields are carried so the status key can echo
/// them (<c>submitted_at</c>, <c>description</c>).
/// </summary>
public abstract record DataLoadJob(string JobId, double Years, string? RequestedBy, string? Timestamp, string? SubmittedAt, string? Description)
{
    /// <summary>The wire <c>job_type</c>.</summary>
    public abstract string JobType { get; }

    /// <summary>The tables this job writes (the symbols table is always upserted before bars).</summary>
    public abstract LoadTargets Targets { get; }

    /// <summary>Tables implied by a set of timespans: day → daily+weekly+monthly; hour → hourly; minute → 1min+hourly.</summary>
    public static LoadTargets TargetsOf(IEnumerable<LoadTimespan> timespans)
    {
        ArgumentNullException.ThrowIfNull(timespans);
        var targets = LoadTargets.Symbols;
        foreach (var t in timespans)
        {
            targets |= t switch
            {
                LoadTimespan.Day => LoadTargets.Daily | LoadTargets.Weekly | LoadTargets.Monthly,
                LoadTimespan.Hour => LoadTargets.Hourly,
                LoadTimespan.Minute => LoadTargets.Minute | LoadTargets.Hourly,
                _ => LoadTargets.None,
            };
        }

        return targets;
    }
}

/// <summary>Symbols named in a job message: the valid ones and the invalid ones (which fail individually).</summary>
public sealed record JobSymbols(IReadOnlyList<string> Valid, IReadOnlyList<InvalidSymbol> Invalid)
{
    public int Total => Valid.Count + Invalid.Count;
}

/// <summary><c>csv_universe_load</c>: a universe file from the universes folder.</summary>
public sealed record CsvUniverseLoadJob(
    string JobId, double Years, string? RequestedBy, string? Timestamp, string? SubmittedAt, string? Description,
    string CsvFile, string? UniverseType, bool IncludeOhlcv)
    : DataLoadJob(JobId, Years, RequestedBy, Timestamp, SubmittedAt, Description)
{
    public override string JobType => DataLoadJobTypes.CsvUniverseLoad;
    public override LoadTargets Targets => IncludeOhlcv ? LoadTargets.Symbols | LoadTargets.AllOhlcv : LoadTargets.Symbols;
}

/// <summary><c>universe_seed</c>: a universe named by type; <see cref="CandidateFiles"/> in preference order.</summary>
public sealed record UniverseSeedJob(
    string JobId, double Years, string? RequestedBy, string? Timestamp, string? SubmittedAt, string? Description,
    string UniverseType, IReadOnlyList<string> CandidateFiles, bool IncludeOhlcv, bool Refresh)
    : DataLoadJob(JobId, Years, RequestedBy, Timestamp, SubmittedAt, Description)
{
    public override string JobType => DataLoadJobTypes.UniverseSeed;
    public override LoadTargets Targets => IncludeOhlcv ? LoadTargets.Symbols | LoadTargets.AllOhlcv : LoadTargets.Symbols;
}

/// <summary><c>historical_load</c>: listed symbols, one timespan.</summary>
public sealed record HistoricalLoadJob(
    string JobId, double Years, string? RequestedBy, string? Timestamp, string? SubmittedAt, string? Description,
    JobSymbols Symbols, LoadTimespan Timespan)
    : DataLoadJob(JobId, Years, RequestedBy, Timestamp, SubmittedAt, Description)
{
    public override string JobType => DataLoadJobTypes.HistoricalLoad;
    public override LoadTargets Targets => TargetsOf([Timespan]);
}

/// <summary><c>multi_timeframe_load</c>: listed symbols, the union of several timespans.</summary>
public sealed record MultiTimeframeLoadJob(
    string JobId, double Years, string? RequestedBy, string? Timestamp, string? SubmittedAt, string? Description,
    JobSymbols Symbols, IReadOnlyList<LoadTimespan> Timeframes)
    : DataLoadJob(JobId, Years, RequestedBy, Timestamp, SubmittedAt, Description)
{
    public override string JobType => DataLoadJobTypes.MultiTimeframeLoad;
    public override LoadTargets Targets => TargetsOf(Timeframes);
}

/// <summary>
/// Result of parsing a job message: a job, or a failure whose <see cref="JobId"/> is set when the
/// message carried a usable one (then the job gets status <c>failed</c>; otherwise log and drop).
/// </summary>
public sealed record JobParseResult(DataLoadJob? Job, string? JobId, string? JobType, string? ErrorMessage)
{
    public bool Succeeded => Job is not null;

    public static JobParseResult Success(DataLoadJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return new(job, job.JobId, job.JobType, null);
    }

    public static JobParseResult Failure(string? jobId, string? jobType, string error) => new(null, jobId, jobType, error);
}
