using System.Globalization;
using System.Text.Json;
using TickStock.Core.Detectors;
using TickStock.Core.Jobs;
using TickStock.Core.Universe;

namespace TickStock.Core.Backtesting;

/// <summary>A validated <c>backtest_job</c> (contract §5): who asked, which symbols, and the request the engine runs.</summary>
/// <param name="JobId">The consumer's id (a string without ':', at most 200 characters).</param>
/// <param name="UserId">The consumer's user, for the log only.</param>
/// <param name="Symbols">1 … <see cref="BacktestJobParser.MaxSymbols"/> valid symbols, upper case, without duplicates, in the given order.</param>
/// <param name="Request">Range, patterns and parameters, already validated.</param>
/// <param name="IncludeTrades">The result also carries the trade list and the equity series (spec: <c>include_trades</c>).</param>
public sealed record BacktestJob(string JobId, string? UserId, IReadOnlyList<string> Symbols, BacktestRequest Request, bool IncludeTrades);

/// <summary>A parsed job, or why there is none; <see cref="JobId"/> is set whenever the message named a usable id.</summary>
public sealed record BacktestJobParse(BacktestJob? Job, string? JobId, JobRejectReason Reason, string? Error)
{
    public bool Succeeded => Job is not null;

    internal static BacktestJobParse Fail(string? jobId, JobRejectReason reason, string error) => new(null, jobId, reason, error);
}

/// <summary>
/// Parses and validates <c>tickstock.jobs.backtest</c> messages (contract §5, §7). Never throws on bad input: a
/// message that is too big, not JSON, not a backtest job, or asks for something out of range gives a failure with
/// one clear sentence, and the job's id when it had a usable one (so the job can be answered <c>failed</c>).
/// </summary>
public static class BacktestJobParser
{
    /// <summary>Symbols per job at most (contract §5).</summary>
    public const int MaxSymbols = 50;

    /// <summary>Longest range, in years (contract §5: ranges ≤ 5 years).</summary>
    public const int MaxRangeYears = 5;

    /// <summary>The message's <c>type</c>.</summary>
    public const string MessageType = "backtest_job";

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 32 };

    public static BacktestJobParse Parse(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > DataLoadJobParser.MaxMessageBytes)
        {
            // A usable job_id is still looked for, so the job is answered rather than silently dropped.
            var oversized = DataLoadJobParser.Parse(utf8);
            return BacktestJobParse.Fail(oversized.JobId, JobRejectReason.Oversized, oversized.ErrorMessage ?? "message too large");
        }

        if (utf8.Trim(" \t\r\n"u8).IsEmpty)
        {
            return BacktestJobParse.Fail(null, JobRejectReason.MalformedJson, "empty message");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8.ToArray(), DocumentOptions);
        }
        catch (JsonException ex)
        {
            return BacktestJobParse.Fail(null, JobRejectReason.MalformedJson, "malformed JSON: " + Shorten(ex.Message.Split('\n')[0]));
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return BacktestJobParse.Fail(null, JobRejectReason.NotAnObject, "a backtest job must be a JSON object");
            }

            string? jobId = root.TryGetProperty("job_id", out JsonElement idElement) && idElement.ValueKind is JsonValueKind.String or JsonValueKind.Number
                ? (idElement.ValueKind == JsonValueKind.String ? idElement.GetString() : idElement.GetRawText())
                : null;
            string? idError = jobId is null ? "missing or non-string 'job_id'" : DataLoadJobParser.ValidateJobId(jobId);
            if (idError is not null)
            {
                return BacktestJobParse.Fail(null, JobRejectReason.NoJobId, idError);
            }

            try
            {
                return new BacktestJobParse(ParseJob(root, jobId!), jobId, JobRejectReason.None, null);
            }
            catch (InvalidJobException ex)
            {
                return BacktestJobParse.Fail(jobId, JobRejectReason.InvalidJob, ex.Message);
            }
        }
    }

    private static BacktestJob ParseJob(JsonElement root, string jobId)
    {
        string? type = root.TryGetProperty("type", out JsonElement t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        if (type != MessageType)
        {
            throw new InvalidJobException(type is null ? $"missing 'type' (expected \"{MessageType}\")" : $"unknown type '{Shorten(type)}' (expected \"{MessageType}\")");
        }

        IReadOnlyList<string> symbols = Symbols(root);
        DateOnly start = Date(root, "start_date");
        DateOnly end = Date(root, "end_date");
        if (end < start)
        {
            throw new InvalidJobException($"end_date {end:yyyy-MM-dd} is before start_date {start:yyyy-MM-dd}");
        }

        if (end > start.AddYears(MaxRangeYears))
        {
            throw new InvalidJobException($"the range {start:yyyy-MM-dd} … {end:yyyy-MM-dd} is longer than {MaxRangeYears} years");
        }

        var request = new BacktestRequest { Start = start, End = end, Patterns = Patterns(root), Parameters = Parameters(root) };
        IReadOnlyList<string> problems = request.Validate();
        if (problems.Count > 0)
        {
            throw new InvalidJobException(string.Join("; ", problems));
        }

        bool includeTrades = false;
        if (root.TryGetProperty("include_trades", out JsonElement trades) && trades.ValueKind != JsonValueKind.Null)
        {
            includeTrades = trades.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw new InvalidJobException("include_trades must be true or false"),
            };
        }

        string? userId = root.TryGetProperty("user_id", out JsonElement u) && u.ValueKind is JsonValueKind.String or JsonValueKind.Number
            ? Shorten(u.ValueKind == JsonValueKind.String ? u.GetString()! : u.GetRawText())
            : null;
        return new BacktestJob(jobId, userId, symbols, request, includeTrades);
    }

    private static IReadOnlyList<string> Symbols(JsonElement root)
    {
        if (!root.TryGetProperty("symbols", out JsonElement array) || array.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidJobException("'symbols' must be a list of tickers");
        }

        int count = array.GetArrayLength();
        if (count == 0)
        {
            throw new InvalidJobException("'symbols' is empty");
        }

        if (count > MaxSymbols)
        {
            throw new InvalidJobException($"{count} symbols: a backtest takes at most {MaxSymbols}");
        }

        var symbols = new List<string>(count);
        foreach (JsonElement item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                throw new InvalidJobException($"symbols: {Shorten(item.GetRawText())} is not a string");
            }

            string symbol = SymbolRules.Normalize(item.GetString());
            if (!SymbolRules.IsValid(symbol))
            {
                throw new InvalidJobException($"symbols: '{SymbolRules.ForDisplay(symbol)}' is an {SymbolRules.InvalidReason}");
            }

            if (!symbols.Contains(symbol, StringComparer.Ordinal))
            {
                symbols.Add(symbol);
            }
        }

        return symbols;
    }

    private static DateOnly Date(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out JsonElement element) || element.ValueKind != JsonValueKind.String)
        {
            throw new InvalidJobException($"'{name}' must be a date string YYYY-MM-DD");
        }

        string text = element.GetString()!;
        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly date))
        {
            throw new InvalidJobException($"{name}: '{Shorten(text)}' is not a date YYYY-MM-DD");
        }

        return date;
    }

    private static IReadOnlyList<PatternKind> Patterns(JsonElement root)
    {
        if (!root.TryGetProperty("patterns", out JsonElement array) || array.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (array.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidJobException("'patterns' must be a list of pattern names");
        }

        var kinds = new List<PatternKind>();
        foreach (JsonElement item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || !PatternCatalog.TryResolve(item.GetString()!, out IReadOnlyList<PatternKind> resolved))
            {
                throw new InvalidJobException($"patterns: unknown pattern {Shorten(item.GetRawText())}");
            }

            kinds.AddRange(resolved.Where(k => !kinds.Contains(k)));
        }

        return kinds;
    }

    private static BacktestParameters Parameters(JsonElement root)
    {
        var parameters = new BacktestParameters();
        if (!root.TryGetProperty("parameters", out JsonElement map) || map.ValueKind == JsonValueKind.Null)
        {
            return parameters;
        }

        if (map.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidJobException("'parameters' must be an object");
        }

        foreach (JsonProperty property in map.EnumerateObject())
        {
            if (!BacktestParameters.Names.Contains(property.Name, StringComparer.Ordinal))
            {
                throw new InvalidJobException($"unknown parameter '{Shorten(property.Name)}' (known: {string.Join(", ", BacktestParameters.Names)})");
            }

            string text = property.Value.ValueKind switch
            {
                JsonValueKind.Number => property.Value.GetRawText(),
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                _ => throw new InvalidJobException($"parameters.{property.Name}: {Shorten(property.Value.GetRawText())} is not a number"),
            };

            if (!parameters.TryWith(property.Name, text, out parameters, out string? error))
            {
                throw new InvalidJobException("parameters." + error);
            }
        }

        return parameters;
    }

    private static string Shorten(string text) => text.Length <= 64 ? text : string.Concat(text.AsSpan(0, 64), "…");

    private sealed class InvalidJobException(string message) : Exception(message);
}

/// <summary>
/// A <c>cancel_job</c> message of <c>tickstock.jobs.cancel</c> (contract §1: <c>{type:"cancel_job", job_id, timestamp, source}</c>).
/// </summary>
public static class BacktestCancelParser
{
    public const string MessageType = "cancel_job";

    /// <summary>The job to cancel, or null with the reason the message was refused.</summary>
    public static (string? JobId, JobRejectReason Reason, string? Error) Parse(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > DataLoadJobParser.MaxMessageBytes)
        {
            return (null, JobRejectReason.Oversized, $"message exceeds {DataLoadJobParser.MaxMessageBytes} bytes");
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(utf8.ToArray(), new JsonDocumentOptions { MaxDepth = 32 });
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, JobRejectReason.NotAnObject, "a cancel message must be a JSON object");
            }

            if (!root.TryGetProperty("type", out JsonElement type) || type.ValueKind != JsonValueKind.String || type.GetString() != MessageType)
            {
                return (null, JobRejectReason.UnknownAction, $"not a {MessageType} message");
            }

            string? jobId = root.TryGetProperty("job_id", out JsonElement id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
            string? idError = DataLoadJobParser.ValidateJobId(jobId);
            return idError is null ? (jobId, JobRejectReason.None, null) : (null, JobRejectReason.NoJobId, idError);
        }
        catch (JsonException ex)
        {
            return (null, JobRejectReason.MalformedJson, "malformed JSON: " + ex.Message.Split('\n')[0]);
        }
    }
}
