using System.Text.Json;

namespace TickStock.Core.Feed;

/// <summary>
/// Parses one text message of the provider's stocks stream (polygon-api.md §7: a JSON array of events, possibly mixing
/// types) into status events and validated minute aggregates. Everything else is refused with a <see cref="BadInput"/>:
/// the rest of the frame is still read, so one bad event never hides the good ones beside it. Pure and never throws.
/// </summary>
public static class StreamFrameParser
{
    /// <summary>Largest message read (the official Go client's read limit is 1 MB as well).</summary>
    public const int MaxFrameBytes = 1 << 20;

    private const int MaxSymbolLength = 20;

    /// <summary>Appends what the frame holds to the three lists.</summary>
    /// <param name="isSubscribed">Whether an <c>AM</c> event's symbol was subscribed; others are refused as <see cref="BadFrameKind.NotSubscribed"/>.</param>
    public static void Parse(ReadOnlySpan<byte> utf8, Func<string, bool> isSubscribed, List<StreamStatus> statuses, List<MinuteAggregate> bars, List<BadInput> refused)
    {
        ArgumentNullException.ThrowIfNull(isSubscribed);
        ArgumentNullException.ThrowIfNull(statuses);
        ArgumentNullException.ThrowIfNull(bars);
        ArgumentNullException.ThrowIfNull(refused);
        if (utf8.Length > MaxFrameBytes)
        {
            refused.Add(new BadInput(BadFrameKind.Oversized, $"message of {utf8.Length} bytes exceeds {MaxFrameBytes}"));
            return;
        }

        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = 8 });
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException ex)
        {
            refused.Add(new BadInput(BadFrameKind.MalformedJson, "invalid JSON: " + ex.Message));
            return;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Array)
            {
                refused.Add(new BadInput(BadFrameKind.NotAnArray, $"top level is a JSON {root.ValueKind.ToString().ToLowerInvariant()}, not an array"));
                return;
            }

            foreach (var element in root.EnumerateArray())
            {
                ParseEvent(element, isSubscribed, statuses, bars, refused);
            }
        }
    }

    private static void ParseEvent(JsonElement element, Func<string, bool> isSubscribed, List<StreamStatus> statuses, List<MinuteAggregate> bars, List<BadInput> refused)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty("ev", out var ev) || ev.ValueKind != JsonValueKind.String)
        {
            refused.Add(new BadInput(BadFrameKind.MalformedEvent, element.ValueKind == JsonValueKind.Object ? "event without a string 'ev'" : $"array element is a JSON {element.ValueKind.ToString().ToLowerInvariant()}"));
            return;
        }

        if (ev.ValueEquals("AM"u8))
        {
            if (TryAggregate(element, out var bar, out var problem))
            {
                if (isSubscribed(bar.Symbol)) bars.Add(bar);
                else refused.Add(new BadInput(BadFrameKind.NotSubscribed, $"AM event for {bar.Symbol}, which was not subscribed"));
            }
            else
            {
                refused.Add(new BadInput(BadFrameKind.InvalidBar, problem!));
            }

            return;
        }

        if (ev.ValueEquals("status"u8))
        {
            var status = Text(element, "status");
            if (status is null)
            {
                refused.Add(new BadInput(BadFrameKind.MalformedEvent, "status event without a string 'status'"));
                return;
            }

            statuses.Add(new StreamStatus(status, Text(element, "message") ?? string.Empty));
            return;
        }

        refused.Add(new BadInput(BadFrameKind.UnknownEvent, $"event type '{Excerpt(ev.GetString())}' is not handled"));
    }

    /// <summary>Reads and checks an AM event; the problem names the first field that is wrong.</summary>
    public static bool TryAggregate(JsonElement element, out MinuteAggregate bar, out string? problem)
    {
        bar = default;
        var symbol = Text(element, "sym");
        if (string.IsNullOrWhiteSpace(symbol) || symbol.Length > MaxSymbolLength || symbol.Any(char.IsControl))
        {
            problem = $"AM event without a usable 'sym' ({Excerpt(symbol)})";
            return false;
        }

        symbol = symbol.Trim().ToUpperInvariant();
        if (!Number(element, "o", out var open) || !Number(element, "h", out var high) || !Number(element, "l", out var low) || !Number(element, "c", out var close))
        {
            problem = $"AM event for {symbol}: missing or non-numeric o/h/l/c";
            return false;
        }

        if (!(open > 0) || !(high > 0) || !(low > 0) || !(close > 0))
        {
            problem = $"AM event for {symbol}: a price is not positive";
            return false;
        }

        if (high < low || high < Math.Max(open, close) || low > Math.Min(open, close))
        {
            problem = $"AM event for {symbol}: high {high} and low {low} do not bound open {open} and close {close}";
            return false;
        }

        if (!Number(element, "v", out var volume) || volume < 0)
        {
            problem = $"AM event for {symbol}: volume missing or negative";
            return false;
        }

        if (!Integer(element, "s", out var start) || !Integer(element, "e", out var end) || start <= 0 || end <= start)
        {
            problem = $"AM event for {symbol}: start 's' and end 'e' must be Unix ms with e > s";
            return false;
        }

        bar = new MinuteAggregate(symbol, open, high, low, close, volume, start, end);
        problem = null;
        return true;
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool Number(JsonElement element, string name, out double value)
    {
        value = 0;
        return element.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.Number && e.TryGetDouble(out value) && double.IsFinite(value);
    }

    private static bool Integer(JsonElement element, string name, out long value)
    {
        value = 0;
        if (!element.TryGetProperty(name, out var e) || e.ValueKind != JsonValueKind.Number) return false;
        if (e.TryGetInt64(out value)) return true;
        // 1.7e12 style: still whole milliseconds.
        if (e.TryGetDouble(out var d) && double.IsFinite(d) && d == Math.Floor(d) && Math.Abs(d) < 9e15)
        {
            value = (long)d;
            return true;
        }

        return false;
    }

    private static string Excerpt(string? text) =>
        text is null ? "none" : text.Length <= 24 ? new string(text.Select(c => char.IsControl(c) ? '?' : c).ToArray()) : new string(text[..24].Select(c => char.IsControl(c) ? '?' : c).ToArray()) + "…";
}
