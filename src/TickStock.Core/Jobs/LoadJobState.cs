using System.Collections.Immutable;
using System.Globalization;
using TickStock.Core.Loading;
using TickStock.Core.Universe;

namespace TickStock.Core.Jobs;

/// <summary>
/// The progress of one data-load job: pure state, changed only by returning a new value, turned
/// into the §6.1 status document by <see cref="ToDocument"/>. The coordinator does the I/O.
/// </summary>
public sealed record LoadJobState
{
    public required DataLoadJob Job { get; init; }
    public required JobWindow Window { get; init; }
    public required string? Universe { get; init; }
    public required DateTime StartedAt { get; init; }
    public required int TotalSymbols { get; init; }
    public ImmutableQueue<UniverseEntry> Pending { get; init; } = [];
    public ImmutableHashSet<string> InFlight { get; init; } = ImmutableHashSet<string>.Empty;
    public ImmutableList<string> Successful { get; init; } = [];
    public ImmutableList<string> Failed { get; init; } = [];
    public ImmutableSortedDictionary<string, string> Errors { get; init; } = ImmutableSortedDictionary<string, string>.Empty;
    public TableCounts Rows { get; init; } = TableCounts.Zero;
    public long SymbolRows { get; init; }
    public string Status { get; init; } = JobStatusValues.Running;
    public string? Message { get; init; }
    public string? CurrentSymbol { get; init; }
    public string? ErrorMessage { get; init; }
    public bool Cancelled { get; init; }
    public DateTime? CompletedAt { get; init; }
    public string? SubmittedAt { get; init; }
    public string? Description { get; init; }

    public string JobId => Job.JobId;

    public int Processed => Successful.Count + Failed.Count;

    public bool IsTerminal => JobStatusValues.IsTerminal(Status);

    /// <summary>Nothing left to send and nothing in flight.</summary>
    public bool AllSymbolsDone => Pending.IsEmpty && InFlight.IsEmpty;

    /// <summary>A new job: invalid symbols fail at once, the valid ones queue up.</summary>
    public static LoadJobState Start(DataLoadJob job, JobWindow window, string? universe, DateTime startedAt,
        IReadOnlyList<UniverseEntry> valid, IReadOnlyList<InvalidSymbol> invalid, string? submittedAt, string? description)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(valid);
        ArgumentNullException.ThrowIfNull(invalid);
        var state = new LoadJobState
        {
            Job = job,
            Window = window,
            Universe = universe,
            StartedAt = startedAt,
            TotalSymbols = valid.Count + invalid.Count,
            Pending = ImmutableQueue.CreateRange(valid),
            SubmittedAt = submittedAt ?? job.SubmittedAt,
            Description = description ?? job.Description,
            Message = string.Create(CultureInfo.InvariantCulture, $"loading {valid.Count} symbols"),
        };
        foreach (var bad in invalid)
        {
            state = state with { Failed = state.Failed.Add(bad.Symbol), Errors = state.Errors.SetItem(bad.Symbol, bad.Reason) };
        }

        return state;
    }

    /// <summary>Takes the next symbol to fetch, if any.</summary>
    public (LoadJobState State, UniverseEntry? Next) TakeNext()
    {
        if (IsTerminal || Pending.IsEmpty)
        {
            return (this, null);
        }

        var pending = Pending.Dequeue(out var next);
        return (this with { Pending = pending, InFlight = InFlight.Add(next.Symbol), CurrentSymbol = next.Symbol }, next);
    }

    /// <summary>
    /// The symbol's load was interrupted by an outage: it goes back to the front of the queue, to
    /// be fetched again once the dependency is back (writes are upserts, so nothing doubles).
    /// </summary>
    public LoadJobState Requeue(UniverseEntry entry, string message)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return this with
        {
            Pending = ImmutableQueue.CreateRange(Pending.Prepend(entry)),
            InFlight = InFlight.Remove(entry.Symbol),
            Message = message,
        };
    }

    /// <summary>A symbol already finished in an earlier run (resume): counted, not fetched again.</summary>
    public LoadJobState Restored(string symbol, bool succeeded, string? error, TableCounts rows) =>
        succeeded ? Succeeded(symbol, rows) : FailedSymbol(symbol, error ?? "failed");

    public LoadJobState Succeeded(string symbol, TableCounts rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return this with
        {
            InFlight = InFlight.Remove(symbol),
            Successful = Successful.Add(symbol),
            Rows = Rows.Add(rows),
            SymbolRows = SymbolRows + 1,
            CurrentSymbol = symbol,
            Message = string.Create(CultureInfo.InvariantCulture, $"{symbol}: {rows.Bars:N0} bars"),
        };
    }

    public LoadJobState FailedSymbol(string symbol, string reason) => this with
    {
        InFlight = InFlight.Remove(symbol),
        Failed = Failed.Add(symbol),
        Errors = Errors.SetItem(symbol, reason),
        CurrentSymbol = symbol,
        Message = $"{symbol}: failed: {reason}",
    };

    /// <summary>All symbols done: completed, or completed_with_errors when any failed.</summary>
    public LoadJobState Complete(DateTime now) => this with
    {
        Status = Failed.IsEmpty ? JobStatusValues.Completed : JobStatusValues.CompletedWithErrors,
        CompletedAt = now,
        CurrentSymbol = null,
        Message = string.Create(CultureInfo.InvariantCulture,
            $"{Successful.Count} of {TotalSymbols} symbols loaded, {Failed.Count} failed; {Rows.Bars:N0} bars"),
    };

    public LoadJobState Fail(string error, DateTime now) => this with
    {
        Status = JobStatusValues.Failed,
        ErrorMessage = error,
        CompletedAt = now,
        Message = error,
    };

    /// <summary>"cancelled by …" as written in <c>error_message</c>.</summary>
    public static string CancelText(string? requestedBy) =>
        "cancelled by " + (string.IsNullOrWhiteSpace(requestedBy) ? "an unnamed requester" : requestedBy.Trim());

    public LoadJobState Cancel(string? requestedBy, DateTime now)
    {
        var text = CancelText(requestedBy);
        return this with
        {
            Status = JobStatusValues.Failed,
            Cancelled = true,
            ErrorMessage = text,
            Message = text,
            CompletedAt = now,
            Pending = [],
        };
    }

    public JobStatusDocument ToDocument() => new()
    {
        JobId = Job.JobId,
        JobType = Job.JobType,
        Status = Status,
        Message = Message,
        CurrentSymbol = CurrentSymbol,
        TotalSymbols = TotalSymbols,
        ProcessedSymbols = Processed,
        SuccessfulSymbols = Successful,
        FailedSymbols = Failed,
        Errors = Errors,
        ErrorMessage = ErrorMessage,
        StartedAt = StartedAt,
        CompletedAt = IsTerminal ? CompletedAt : null,
        Rows = RowsDictionary(),
        Cancelled = Cancelled,
        SubmittedAt = SubmittedAt,
        Description = Description,
    };

    private Dictionary<string, long> RowsDictionary() => new(StringComparer.Ordinal)
    {
        ["symbols"] = SymbolRows,
        ["ohlcv_1min"] = Rows.Minute,
        ["ohlcv_hourly"] = Rows.Hourly,
        ["ohlcv_daily"] = Rows.Daily,
        ["ohlcv_weekly"] = Rows.Weekly,
        ["ohlcv_monthly"] = Rows.Monthly,
    };
}
