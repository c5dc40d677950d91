using System.Globalization;
using System.Text;
using System.Text.Json;
using TickStock.Core.Universe;

namespace TickStock.Core.Jobs;

/// <summary>
/// Parses and validates <c>tickstock.jobs.data_load</c> messages (contract §6, §7). Never throws on
/// bad input: every problem becomes a <see cref="JobParseResult"/> failure with a clear message and,
/// when the message had a usable <c>job_id</c>, that id.
/// </summary>
public static class DataLoadJobParser
{
    /// <summary>Messages above this size are rejected unparsed (contract §7: 1 MiB).</summary>
    public const int MaxMessageBytes = 1024 * 1024;

    /// <summary>More symbols than this in one message is rejected.</summary>
    public const int MaxSymbolsPerJob = 10_000;

    private const int MaxJobIdLength = 200;
    private const double DefaultYears = 1;
    private static readonly LoadTimespan[] DefaultTimeframes = [LoadTimespan.Hour, LoadTimespan.Day];
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 32 };

    /// <summary>Parses a message received as text.</summary>
    public static JobParseResult Parse(string? message)
    {
        if (message is null)
        {
            return JobParseResult.Failure(null, null, "empty message");
        }

        // Char count bounds the UTF-8 size from below: no need to encode a huge string to reject it.
        if (message.Length > MaxMessageBytes)
        {
            return Oversized(Encoding.UTF8.GetBytes(message));
        }

        return Parse(Encoding.UTF8.GetBytes(message));
    }

    /// <summary>Parses a message received as UTF-8 bytes.</summary>
    public static JobParseResult Parse(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxMessageBytes)
        {
            return Oversized(utf8);
        }

        if (utf8.IsEmpty || utf8.Trim(" \t\r\n"u8).IsEmpty)
        {
            return JobParseResult.Failure(null, null, "empty message");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8.ToArray(), DocumentOptions);
        }
        catch (JsonException ex)
        {
            return JobParseResult.Failure(null, null, "malformed JSON: " + FirstLine(ex.Message));
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return JobParseResult.Failure(null, null, "a job message must be a JSON object");
            }

            return ParseObject(document.RootElement);
        }
    }

    /// <summary>
    /// Validates a <c>job_id</c>: a non-empty string without ':' (it becomes part of a Redis key),
    /// at most 200 characters, no control characters. Returns null when valid, else the reason.
    /// </summary>
    public static string? ValidateJobId(string? jobId)
    {
        if (string.IsNullOrWhiteSpace(jobId))
        {
            return "job_id is missing or empty";
        }

        if (jobId.Contains(':', StringComparison.Ordinal))
        {
            return "job_id must not contain ':'";
        }

        if (jobId.Length > MaxJobIdLength)
        {
            return $"job_id is longer than {MaxJobIdLength} characters";
        }

        return jobId.Any(char.IsControl) ? "job_id contains control characters" : null;
    }

    private static JobParseResult ParseObject(JsonElement root)
    {
        string? jobId = null;
        string? idError;
        if (!root.TryGetProperty("job_id", out var idElement))
        {
            idError = "missing required field 'job_id'";
        }
        else
        {
            jobId = ScalarText(idElement);
            idError = jobId is null ? "job_id must be a string" : ValidateJobId(jobId);
        }

        var usableId = idError is null ? jobId : null;
        var jobType = root.TryGetProperty("job_type", out var typeElement) && typeElement.ValueKind == JsonValueKind.String
            ? typeElement.GetString()
            : null;

        if (idError is not null)
        {
            return JobParseResult.Failure(null, jobType, idError);
        }

        try
        {
            return ParseTyped(root, usableId!, jobType);
        }
        catch (JobValidationException ex)
        {
            return JobParseResult.Failure(usableId, jobType, ex.Message);
        }
    }

    private static JobParseResult ParseTyped(JsonElement root, string jobId, string? jobType)
    {
        if (jobType is null)
        {
            throw new JobValidationException(root.TryGetProperty("job_type", out _) ? "job_type must be a string" : "missing required field 'job_type'");
        }

        var years = ReadYears(root);
        var requestedBy = OptionalText(root, "requested_by");
        var timestamp = OptionalText(root, "timestamp");
        var submittedAt = OptionalText(root, "submitted_at");
        var description = OptionalText(root, "description");

        DataLoadJob job = jobType switch
        {
            DataLoadJobTypes.CsvUniverseLoad => new CsvUniverseLoadJob(
                jobId, years, requestedBy, timestamp, submittedAt, description,
                ReadCsvFile(root), OptionalText(root, "universe_type"), ReadBool(root, "include_ohlcv", true)),
            DataLoadJobTypes.UniverseSeed => ReadUniverseSeed(root, jobId, years, requestedBy, timestamp, submittedAt, description),
            DataLoadJobTypes.HistoricalLoad => new HistoricalLoadJob(
                jobId, years, requestedBy, timestamp, submittedAt, description,
                ReadSymbols(root), root.TryGetProperty("timespan", out var ts) && ts.ValueKind != JsonValueKind.Null ? ReadTimespan(ts, "timespan") : LoadTimespan.Day),
            DataLoadJobTypes.MultiTimeframeLoad => new MultiTimeframeLoadJob(
                jobId, years, requestedBy, timestamp, submittedAt, description,
                ReadSymbols(root), ReadTimeframes(root)),
            _ => throw new JobValidationException($"unknown job_type '{Shorten(jobType)}' (expected csv_universe_load, historical_load, multi_timeframe_load or universe_seed)"),
        };
        return JobParseResult.Success(job);
    }

    private static UniverseSeedJob ReadUniverseSeed(JsonElement root, string jobId, double years, string? requestedBy, string? timestamp, string? submittedAt, string? description)
    {
        var universeType = OptionalText(root, "universe_type") ?? throw new JobValidationException("missing required field 'universe_type'");
        IReadOnlyList<string> candidates;
        if (OptionalText(root, "csv_file") is { } csvFile)
        {
            // A CUSTOM seed may name its file; it obeys the same confinement as csv_universe_load.
            candidates = [CheckedFileName(csvFile)];
        }
        else
        {
            candidates = UniverseFiles.CandidatesForType(universeType);
            if (candidates.Count == 0)
            {
                throw new JobValidationException($"unknown universe_type '{Shorten(universeType)}'");
            }
        }

        return new UniverseSeedJob(jobId, years, requestedBy, timestamp, submittedAt, description,
            universeType.Trim(), candidates, ReadBool(root, "include_ohlcv", true), ReadBool(root, "refresh", false));
    }

    private static string ReadCsvFile(JsonElement root)
    {
        if (!root.TryGetProperty("csv_file", out var element) || element.ValueKind == JsonValueKind.Null)
        {
            throw new JobValidationException("missing required field 'csv_file'");
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            throw new JobValidationException("csv_file must be a string");
        }

        return CheckedFileName(element.GetString()!);
    }

    private static string CheckedFileName(string csvFile)
    {
        var error = UniverseFiles.ValidateFileName(csvFile);
        return error is null ? csvFile : throw new JobValidationException($"{error}: '{Shorten(csvFile)}'");
    }

    private static double ReadYears(JsonElement root)
    {
        if (!root.TryGetProperty("years", out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return DefaultYears;
        }

        double years;
        switch (element.ValueKind)
        {
            case JsonValueKind.Number when element.TryGetDouble(out years):
                break;
            case JsonValueKind.String when double.TryParse(element.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out years):
                break;
            default:
                throw new JobValidationException("years must be a number");
        }

        if (!double.IsFinite(years) || years <= 0 || years > 30)
        {
            throw new JobValidationException(string.Create(CultureInfo.InvariantCulture, $"years must satisfy 0 < years <= 30 (got {years})"));
        }

        return years;
    }

    private static bool ReadBool(JsonElement root, string name, bool defaultValue)
    {
        if (!root.TryGetProperty(name, out var element))
        {
            return defaultValue;
        }

        return element.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Null => defaultValue,
            JsonValueKind.String when bool.TryParse(element.GetString()?.Trim(), out var b) => b,
            _ => throw new JobValidationException($"{name} must be true or false"),
        };
    }

    private static JobSymbols ReadSymbols(JsonElement root)
    {
        if (!root.TryGetProperty("symbols", out var element) || element.ValueKind == JsonValueKind.Null)
        {
            throw new JobValidationException("missing required field 'symbols'");
        }

        IEnumerable<string?> raw = element.ValueKind switch
        {
            JsonValueKind.Array => element.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : throw new JobValidationException("symbols must be a list of strings")),
            // Lenient: a comma-separated string is read as a list.
            JsonValueKind.String => element.GetString()!.Split(','),
            _ => throw new JobValidationException("symbols must be a list of strings"),
        };

        var valid = new List<string>();
        var invalid = new List<InvalidSymbol>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in raw)
        {
            var symbol = SymbolRules.Normalize(item);
            if (symbol.Length == 0 || !seen.Add(symbol))
            {
                continue;
            }

            if (seen.Count > MaxSymbolsPerJob)
            {
                throw new JobValidationException($"more than {MaxSymbolsPerJob} symbols in one job");
            }

            if (SymbolRules.IsValid(symbol))
            {
                valid.Add(symbol);
            }
            else
            {
                invalid.Add(new InvalidSymbol(SymbolRules.ForDisplay(symbol), SymbolRules.InvalidReason));
            }
        }

        if (seen.Count == 0)
        {
            throw new JobValidationException("symbols is empty");
        }

        return new JobSymbols(valid, invalid);
    }

    private static IReadOnlyList<LoadTimespan> ReadTimeframes(JsonElement root)
    {
        if (!root.TryGetProperty("timeframes", out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return DefaultTimeframes;
        }

        if (element.ValueKind != JsonValueKind.Array)
        {
            throw new JobValidationException("timeframes must be a list such as [\"hour\",\"day\"]");
        }

        var list = new List<LoadTimespan>();
        foreach (var item in element.EnumerateArray())
        {
            var t = ReadTimespan(item, "timeframes item");
            if (!list.Contains(t))
            {
                list.Add(t);
            }
        }

        return list.Count == 0 ? throw new JobValidationException("timeframes is empty") : list;
    }

    private static LoadTimespan ReadTimespan(JsonElement element, string what)
    {
        var text = element.ValueKind == JsonValueKind.String ? element.GetString()!.Trim().ToLowerInvariant() : null;
        return text switch
        {
            "minute" or "1min" or "min" or "1m" => LoadTimespan.Minute,
            "hour" or "hourly" or "1h" or "60min" => LoadTimespan.Hour,
            "day" or "daily" or "1d" => LoadTimespan.Day,
            _ => throw new JobValidationException($"{what} must be one of minute, hour, day (got {Shorten(element.GetRawText())})"),
        };
    }

    private static string? OptionalText(JsonElement root, string name) =>
        root.TryGetProperty(name, out var element) ? ScalarText(element) is { Length: > 0 } s ? s : null : null;

    private static string? ScalarText(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.GetRawText(),
        _ => null,
    };

    /// <summary>An oversized message is not parsed, but a top-level job_id is looked for with the
    /// forward-only reader so the job can still be failed rather than silently dropped.</summary>
    private static JobParseResult Oversized(ReadOnlySpan<byte> utf8)
    {
        var error = $"message exceeds the {MaxMessageBytes}-byte limit ({utf8.Length} bytes)";
        string? jobId = null;
        try
        {
            var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = 32 });
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("job_id"u8))
                {
                    reader.Read();
                    var candidate = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                    jobId = ValidateJobId(candidate) is null ? candidate : null;
                    break;
                }

                if (reader.CurrentDepth >= 1 && reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            // Nothing usable: the message is dropped and logged by the caller.
        }

        return JobParseResult.Failure(jobId, null, error);
    }

    private static string Shorten(string text) => text.Length <= 64 ? text : string.Concat(text.AsSpan(0, 64), "…");

    private static string FirstLine(string text)
    {
        var i = text.IndexOf('\n', StringComparison.Ordinal);
        return Shorten(i < 0 ? text : text[..i]);
    }

    private sealed class JobValidationException(string message) : Exception(message);
}
