using System.Text;
using System.Text.Json;

namespace TickStock.Core.Jobs;

/// <summary>
/// A message on <c>tickstock.jobs.control</c>: <c>{"job_id", "action": "cancel", "requested_by", "timestamp"}</c>.
/// The daemon parses it, the CLI writes it; both through this type so they cannot drift apart.
/// </summary>
public sealed record JobControlMessage(string JobId, string Action, string? RequestedBy, string? Timestamp)
{
    public const string CancelAction = "cancel";

    public bool IsCancel => string.Equals(Action, CancelAction, StringComparison.OrdinalIgnoreCase);

    public static JobControlMessage Cancel(string jobId, string? requestedBy, string? timestamp) => new(jobId, CancelAction, requestedBy, timestamp);

    /// <summary>Parses a control message; never throws. Only a <c>cancel</c> with a usable job_id is accepted.</summary>
    public static JobControlParseResult Parse(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > DataLoadJobParser.MaxMessageBytes)
        {
            return JobControlParseResult.Fail(JobRejectReason.Oversized, $"message exceeds {DataLoadJobParser.MaxMessageBytes} bytes");
        }

        try
        {
            using var doc = JsonDocument.Parse(utf8.ToArray(), new JsonDocumentOptions { MaxDepth = 32 });
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                return JobControlParseResult.Fail(JobRejectReason.NotAnObject, "a control message must be a JSON object");
            }

            var root = doc.RootElement;
            var jobId = Text(root, "job_id");
            var action = Text(root, "action");
            if (jobId is null || DataLoadJobParser.ValidateJobId(jobId) is not null)
            {
                return JobControlParseResult.Fail(JobRejectReason.NoJobId, "expected {job_id, action:\"cancel\"}: no usable job_id");
            }

            var message = new JobControlMessage(jobId, action ?? string.Empty, Text(root, "requested_by"), Text(root, "timestamp"));
            return message.IsCancel
                ? new JobControlParseResult(message, JobRejectReason.None, null)
                : JobControlParseResult.Fail(JobRejectReason.UnknownAction, "expected {job_id, action:\"cancel\"}: unknown action");
        }
        catch (JsonException)
        {
            return JobControlParseResult.Fail(JobRejectReason.MalformedJson, "malformed JSON");
        }
    }

    /// <summary>The wire form (UTF-8 JSON, fields in the contract's order; absent optional fields omitted).</summary>
    public string Serialize()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("job_id", JobId);
            w.WriteString("action", Action);
            if (RequestedBy is not null)
            {
                w.WriteString("requested_by", RequestedBy);
            }

            if (Timestamp is not null)
            {
                w.WriteString("timestamp", Timestamp);
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
}

/// <summary>Why a message on a job channel was refused (the kinds counted in logs and health).</summary>
public enum JobRejectReason
{
    None,
    Oversized,
    MalformedJson,
    NotAnObject,
    NoJobId,
    UnknownAction,
    InvalidJob,
}

/// <summary>Classifies data-load messages the parser refused.</summary>
public static class JobRejectReasons
{
    /// <summary>The reason as a metric label and log word.</summary>
    public static string Name(JobRejectReason reason) => reason switch
    {
        JobRejectReason.Oversized => "oversized",
        JobRejectReason.MalformedJson => "malformed_json",
        JobRejectReason.NotAnObject => "not_an_object",
        JobRejectReason.NoJobId => "no_job_id",
        JobRejectReason.UnknownAction => "unknown_action",
        JobRejectReason.InvalidJob => "invalid_job",
        _ => "none",
    };

    public static JobRejectReason Of(JobParseResult parsed)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        var error = parsed.ErrorMessage ?? string.Empty;
        if (error.StartsWith("message exceeds", StringComparison.Ordinal))
        {
            return JobRejectReason.Oversized;
        }

        if (error.StartsWith("malformed JSON", StringComparison.Ordinal) || error == "empty message")
        {
            return JobRejectReason.MalformedJson;
        }

        if (error.StartsWith("a job message must be a JSON object", StringComparison.Ordinal))
        {
            return JobRejectReason.NotAnObject;
        }

        return parsed.JobId is null ? JobRejectReason.NoJobId : JobRejectReason.InvalidJob;
    }
}

/// <summary>A parsed control message, or why there is none.</summary>
public sealed record JobControlParseResult(JobControlMessage? Message, JobRejectReason Reason, string? Error)
{
    public static JobControlParseResult Fail(JobRejectReason reason, string error) => new(null, reason, error);
}
