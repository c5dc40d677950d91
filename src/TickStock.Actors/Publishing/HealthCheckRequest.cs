using System.Text.Json;

namespace TickStock.Actors.Publishing;

/// <summary>
/// Validates a message from <c>tickstock.health.check</c> (contract §1: {type:"health_check",
/// timestamp, source}). Anything else — too big, not JSON, not an object, another type — is
/// reported with a reason so it can be logged, counted and ignored.
/// </summary>
public static class HealthCheckRequest
{
    public static string? Problem(ReadOnlySpan<byte> payload, int maxBytes)
    {
        if (payload.Length > maxBytes) return $"message of {payload.Length} bytes exceeds the {maxBytes}-byte limit";
        try
        {
            var reader = new Utf8JsonReader(payload, new JsonReaderOptions { MaxDepth = 16 });
            using var document = JsonDocument.ParseValue(ref reader);
            if (document.RootElement.ValueKind != JsonValueKind.Object) return "not a JSON object";
            if (!document.RootElement.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
            {
                return "no \"type\" field";
            }

            return type.GetString() == "health_check" ? null : $"type '{Truncate(type.GetString())}' is not health_check";
        }
        catch (JsonException ex)
        {
            return "malformed JSON: " + ex.Message.Split('.')[0];
        }
    }

    /// <summary>The kind of a <see cref="Problem"/> (its fixed part), to count refusals per reason without the varying details.</summary>
    public static string Kind(string problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return problem.StartsWith("message of ", StringComparison.Ordinal) ? "oversized"
            : problem.StartsWith("malformed JSON", StringComparison.Ordinal) ? "malformed JSON"
            : problem.StartsWith("type '", StringComparison.Ordinal) ? "not a health_check"
            : problem;
    }

    /// <summary>The kind as a metric label: a fixed set, whatever the message said.</summary>
    public static string Label(string problem) => Kind(problem) switch
    {
        "oversized" => "oversized",
        "malformed JSON" => "malformed_json",
        "not a health_check" => "not_a_health_check",
        _ => "invalid",
    };

    private static string Truncate(string? text) => text is null ? "" : text.Length <= 40 ? text : text[..40] + "…";
}
