using System.Globalization;
using System.Text;
using System.Text.Json;

namespace TickStock.Core.Jobs;

/// <summary>Wire values of <c>status</c> in the status key (contract §6.1).</summary>
public static class JobStatusValues
{
    public const string Running = "running";
    public const string Completed = "completed";
    public const string CompletedWithErrors = "completed_with_errors";
    public const string Failed = "failed";

    /// <summary>Written by the consumer only; we read it as a cancel request.</summary>
    public const string Cancelling = "cancelling";

    public static bool IsTerminal(string status) => status is Completed or CompletedWithErrors or Failed;
}

/// <summary>
/// The <c>tickstock.jobs.status:{job_id}</c> document (contract §6.1). Timestamps are host-local
/// wall-clock times without offset, as the consumer compares them with its local <c>now()</c>;
/// the caller converts (see <see cref="JobStatusClock"/>) so this type never reads the host zone.
/// </summary>
public sealed record JobStatusDocument
{
    public required string JobId { get; init; }
    public required string JobType { get; init; }
    public required string Status { get; init; }
    public string? Message { get; init; }
    public string? CurrentSymbol { get; init; }
    public int TotalSymbols { get; init; }
    public int ProcessedSymbols { get; init; }
    public IReadOnlyList<string> SuccessfulSymbols { get; init; } = [];
    public IReadOnlyList<string> FailedSymbols { get; init; } = [];

    /// <summary>Reason per failed symbol.</summary>
    public IReadOnlyDictionary<string, string> Errors { get; init; } = new Dictionary<string, string>();
    public string? ErrorMessage { get; init; }
    public required DateTime StartedAt { get; init; }

    /// <summary>Only serialized when <see cref="Status"/> is terminal (a null crashes the consumer).</summary>
    public DateTime? CompletedAt { get; init; }

    /// <summary>Rows written per table, e.g. <c>ohlcv_1min</c>.</summary>
    public IReadOnlyDictionary<string, long> Rows { get; init; } = new Dictionary<string, long>();

    /// <summary>Set on a job that ended <c>failed</c> because it was cancelled.</summary>
    public bool Cancelled { get; init; }

    /// <summary>Echoed from the consumer's first status, when it carried one.</summary>
    public string? SubmittedAt { get; init; }

    /// <summary>Echoed from the consumer's first status, when it carried one.</summary>
    public string? Description { get; init; }

    /// <summary>
    /// Percent 0..100 (unlike backtests' fraction): processed / total; 100 once completed. A job
    /// that failed or was cancelled reports the share it actually processed.
    /// </summary>
    public int Progress
    {
        get
        {
            if (Status is JobStatusValues.Completed or JobStatusValues.CompletedWithErrors)
            {
                return 100;
            }

            if (TotalSymbols <= 0)
            {
                return 0;
            }

            return Math.Clamp((int)Math.Floor(100.0 * ProcessedSymbols / TotalSymbols), 0, 100);
        }
    }
}

/// <summary>Formats local times as the consumer expects: ISO-8601, seconds, no offset.</summary>
public sealed class JobStatusClock(TimeZoneInfo hostZone, TimeProvider? time = null)
{
    public const string Format = "yyyy-MM-dd'T'HH:mm:ss";

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>The host-local wall-clock time now (the caller passes the host zone in).</summary>
    public DateTime Now() => ToHostLocal(_time.GetUtcNow());

    public DateTime ToHostLocal(DateTimeOffset instant) =>
        DateTime.SpecifyKind(TimeZoneInfo.ConvertTime(instant, hostZone).DateTime, DateTimeKind.Unspecified);

    public static string FormatLocal(DateTime local) => local.ToString(Format, CultureInfo.InvariantCulture);
}

/// <summary>Writes and reads the status key's JSON string with the exact field names and order of §6.1.</summary>
public static class JobStatusSerializer
{
    public static string Serialize(JobStatusDocument status)
    {
        ArgumentNullException.ThrowIfNull(status);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("job_id", status.JobId);
            w.WriteString("job_type", status.JobType);
            w.WriteString("status", status.Status);
            w.WriteNumber("progress", status.Progress);
            WriteNullable(w, "message", status.Message);
            WriteNullable(w, "current_symbol", status.CurrentSymbol);
            w.WriteNumber("total_symbols", status.TotalSymbols);
            w.WriteNumber("processed_symbols", status.ProcessedSymbols);
            WriteList(w, "successful_symbols", status.SuccessfulSymbols);
            WriteList(w, "failed_symbols", status.FailedSymbols);
            w.WriteStartObject("errors");
            foreach (var (symbol, reason) in status.Errors)
            {
                w.WriteString(symbol, reason);
            }

            w.WriteEndObject();
            WriteNullable(w, "error_message", status.ErrorMessage);
            w.WriteString("started_at", JobStatusClock.FormatLocal(status.StartedAt));
            if (JobStatusValues.IsTerminal(status.Status))
            {
                w.WriteString("completed_at", JobStatusClock.FormatLocal(status.CompletedAt ?? status.StartedAt));
            }

            w.WriteStartObject("rows");
            foreach (var (table, count) in status.Rows)
            {
                w.WriteNumber(table, count);
            }

            w.WriteEndObject();
            if (status.Cancelled)
            {
                w.WriteBoolean("cancelled", true);
            }

            if (status.SubmittedAt is not null)
            {
                w.WriteString("submitted_at", status.SubmittedAt);
            }

            if (status.Description is not null)
            {
                w.WriteString("description", status.Description);
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>
    /// Reads what we must keep from a status the consumer wrote first (<c>submitted_at</c>,
    /// <c>description</c>) and its <c>status</c> (to notice <c>cancelling</c>). Tolerates anything:
    /// unreadable input gives all nulls.
    /// </summary>
    public static (string? SubmittedAt, string? Description, string? Status) ReadConsumerFields(string? json)
    {
        if (string.IsNullOrWhiteSpace(json) || json.Length > DataLoadJobParser.MaxMessageBytes)
        {
            return (null, null, null);
        }

        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, null, null);
            }

            return (Text(doc.RootElement, "submitted_at"), Text(doc.RootElement, "description"), Text(doc.RootElement, "status"));
        }
        catch (JsonException)
        {
            return (null, null, null);
        }
    }

    /// <summary>
    /// Reads a status key's JSON (ours, or the consumer's first status) for display. Tolerant:
    /// missing or mistyped fields take their defaults (an absent <c>started_at</c> reads as
    /// <see cref="DateTime.MinValue"/>); null when the text is not a JSON object at all.
    /// </summary>
    public static JobStatusDocument? Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json) || json.Length > DataLoadJobParser.MaxMessageBytes)
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            return new JobStatusDocument
            {
                JobId = Text(root, "job_id") ?? string.Empty,
                JobType = Text(root, "job_type") ?? string.Empty,
                Status = Text(root, "status") ?? string.Empty,
                Message = Text(root, "message"),
                CurrentSymbol = Text(root, "current_symbol"),
                TotalSymbols = Int(root, "total_symbols"),
                ProcessedSymbols = Int(root, "processed_symbols"),
                SuccessfulSymbols = Strings(root, "successful_symbols"),
                FailedSymbols = Strings(root, "failed_symbols"),
                Errors = root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object
                    ? errors.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String).ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal)
                    : new Dictionary<string, string>(),
                ErrorMessage = Text(root, "error_message"),
                StartedAt = LocalTime(root, "started_at") ?? DateTime.MinValue,
                CompletedAt = LocalTime(root, "completed_at"),
                Rows = root.TryGetProperty("rows", out var rows) && rows.ValueKind == JsonValueKind.Object
                    ? rows.EnumerateObject().Where(p => p.Value.TryGetInt64(out _)).ToDictionary(p => p.Name, p => p.Value.GetInt64(), StringComparer.Ordinal)
                    : new Dictionary<string, long>(),
                Cancelled = root.TryGetProperty("cancelled", out var c) && c.ValueKind == JsonValueKind.True,
                SubmittedAt = Text(root, "submitted_at"),
                Description = Text(root, "description"),
            };
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;

    // The consumer's hash stores every field as a string: accept "12" as well as 12.
    private static int Int(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var e))
        {
            return 0;
        }

        return e.ValueKind switch
        {
            JsonValueKind.Number when e.TryGetInt32(out var n) => n,
            JsonValueKind.String when int.TryParse(e.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) => n,
            _ => 0,
        };
    }

    private static List<string> Strings(JsonElement root, string name) =>
        root.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.Array
            ? [.. e.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!)]
            : [];

    private static DateTime? LocalTime(JsonElement root, string name) =>
        Text(root, name) is { } text && DateTime.TryParseExact(text, JobStatusClock.Format, CultureInfo.InvariantCulture, DateTimeStyles.None, out var value)
            ? value
            : null;

    private static void WriteNullable(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }

    private static void WriteList(Utf8JsonWriter w, string name, IReadOnlyList<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
    }
}
