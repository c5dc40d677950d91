using System.Text;
using System.Text.Json;
using TickStock.Core.Market;

namespace TickStock.Core.Polygon;

/// <summary>A parsed provider body, or why it could not be read (e.g. an nginx HTML error page).</summary>
public sealed record PolygonParseResult<T>(T? Value, string? Error)
    where T : class
{
    public bool Succeeded => Value is not null;
}

/// <summary>The fields a client needs from any error body (JSON) or a note that it was not JSON.</summary>
public sealed record PolygonErrorInfo(string? Status, string? RequestId, string Text, bool IsJson);

/// <summary>
/// Pure parsing of the provider's wire bodies. Never throws on bad bodies: gateway errors arrive as
/// HTML, throttled ones as JSON with <c>error</c>, and both must turn into messages, not crashes.
/// </summary>
public static class PolygonResponseParser
{
    private static readonly JsonSerializerOptions Options = new()
    {
        // Exact, case-sensitive names: "t" (start) and "T" (ticker) are different fields.
        PropertyNameCaseInsensitive = false,
        MaxDepth = 16,
    };

    /// <summary>An aggregates page with every row in full (ticker, VWAP, trades).</summary>
    public static PolygonParseResult<PolygonAggregatesResponse> ParseAggregates(ReadOnlySpan<byte> utf8Body)
    {
        var sink = default(AggregateListSink);
        var envelope = PolygonAggregatesReader.Read(utf8Body, ref sink, out var hasResults, out var error);
        return envelope is null
            ? new(null, error)
            : new(new PolygonAggregatesResponse(envelope) { Results = hasResults ? sink.Rows : null }, null);
    }

    public static PolygonParseResult<PolygonAggregatesResponse> ParseAggregates(string body) => ParseAggregates(Encoding.UTF8.GetBytes(body ?? string.Empty));

    /// <summary>
    /// An aggregates page for a loader: the envelope, with the rows as <see cref="OhlcvBar"/>s in
    /// <paramref name="bars"/> (cleared first, so one list serves every page of a fetch). No object
    /// per row. On an error <paramref name="bars"/> may hold part of the page and must be ignored.
    /// </summary>
    public static PolygonParseResult<PolygonAggregatesEnvelope> ParseAggregateBars(ReadOnlySpan<byte> utf8Body, List<OhlcvBar> bars)
    {
        ArgumentNullException.ThrowIfNull(bars);
        bars.Clear();
        var sink = new OhlcvBarSink(bars);
        var envelope = PolygonAggregatesReader.Read(utf8Body, ref sink, out _, out var error);
        return new(envelope, error);
    }

    public static async Task<PolygonParseResult<PolygonAggregatesResponse>> ParseAggregatesAsync(Stream body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        using var buffer = await PooledBody.ReadAsync(body, cancellationToken).ConfigureAwait(false);
        return buffer.Error is { } tooLarge ? new(null, "aggregates body " + tooLarge) : ParseAggregates(buffer.Span);
    }

    public static PolygonParseResult<PolygonTickersPage> ParseTickersPage(ReadOnlySpan<byte> utf8Body) => Parse<PolygonTickersPage>(utf8Body, "tickers");

    /// <summary>Parses <c>/v1/marketstatus/upcoming</c>: a bare array.</summary>
    public static PolygonParseResult<IReadOnlyList<PolygonMarketHoliday>> ParseUpcomingHolidays(ReadOnlySpan<byte> utf8Body)
    {
        try
        {
            var list = JsonSerializer.Deserialize<List<PolygonMarketHoliday>>(utf8Body, Options);
            return list is null ? new(null, "market status body is JSON null") : new(list, null);
        }
        catch (JsonException ex)
        {
            return new(null, "market status body is not the expected JSON array: " + ex.Message);
        }
    }

    /// <summary>
    /// Describes an error response body for logs and job messages. JSON bodies give their
    /// <c>error</c> or <c>message</c>; anything else (HTML from nginx) gives its title or a prefix.
    /// </summary>
    public static PolygonErrorInfo DescribeError(int httpStatus, string? body)
    {
        body ??= string.Empty;
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object)
            {
                var root = doc.RootElement;
                var text = Str(root, "error") ?? Str(root, "message") ?? $"HTTP {httpStatus}";
                return new PolygonErrorInfo(Str(root, "status"), Str(root, "request_id"), text, IsJson: true);
            }
        }
        catch (JsonException)
        {
            // Not JSON: fall through to the HTML/text description.
        }

        var title = HtmlTitle(body);
        var summary = title ?? (body.Length > 120 ? body[..120] : body).ReplaceLineEndings(" ").Trim();
        return new PolygonErrorInfo(null, null, summary.Length == 0 ? $"HTTP {httpStatus}" : $"HTTP {httpStatus}: {summary}", IsJson: false);
    }

    private static PolygonParseResult<T> Parse<T>(ReadOnlySpan<byte> utf8Body, string what)
        where T : class
    {
        try
        {
            var value = JsonSerializer.Deserialize<T>(utf8Body, Options);
            return value is null ? new(null, what + " body is JSON null") : new(value, null);
        }
        catch (JsonException ex)
        {
            return new(null, what + " body is not the expected JSON: " + ex.Message);
        }
    }

    private static string? Str(JsonElement root, string name) =>
        root.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;

    private static string? HtmlTitle(string body)
    {
        var start = body.IndexOf("<title>", StringComparison.OrdinalIgnoreCase);
        if (start < 0)
        {
            return null;
        }

        start += "<title>".Length;
        var end = body.IndexOf("</title>", start, StringComparison.OrdinalIgnoreCase);
        return end < 0 ? null : body[start..end].Trim();
    }
}
