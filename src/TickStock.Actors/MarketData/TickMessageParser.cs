using System.Text.Json;
using TickStock.Actors.Symbols;

namespace TickStock.Actors.MarketData;

/// <summary>
/// Parses a <c>tickstock.data.raw</c> message (contract §1: <c>{ticker, price, volume, timestamp, …, tick_volume}</c>).
/// <c>timestamp</c> may be unix seconds (float) or milliseconds, or an ISO 8601 string. Never throws.
/// </summary>
public static class TickMessageParser
{
    /// <summary>Largest message accepted; bigger ones are rejected unread.</summary>
    public const int MaxMessageBytes = 1 << 20;

    public static bool TryParse(ReadOnlySpan<byte> utf8, out SymbolCommands.Tick? tick, out string? error)
    {
        tick = null;
        if (utf8.Length > MaxMessageBytes)
        {
            error = $"message of {utf8.Length} bytes exceeds {MaxMessageBytes}";
            return false;
        }

        try
        {
            var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = 8 });
            using var doc = JsonDocument.ParseValue(ref reader);
            JsonElement root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = "not a JSON object";
                return false;
            }

            string? ticker = root.TryGetProperty("ticker", out JsonElement t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            if (string.IsNullOrWhiteSpace(ticker) || ticker.Length > 20)
            {
                error = "missing or invalid ticker";
                return false;
            }

            if (!TryNumber(root, "price", out double price) || !(price > 0) || !double.IsFinite(price))
            {
                error = "missing or invalid price";
                return false;
            }

            double volume = TryNumber(root, "tick_volume", out double v) || TryNumber(root, "volume", out v) ? v : 0;
            if (!TryTime(root, out long timeMs))
            {
                error = "missing or invalid timestamp";
                return false;
            }

            tick = new SymbolCommands.Tick(ticker.Trim().ToUpperInvariant(), price, double.IsFinite(volume) && volume > 0 ? volume : 0, timeMs);
            error = null;
            return true;
        }
        catch (JsonException ex)
        {
            error = "invalid JSON: " + ex.Message;
            return false;
        }
    }

    private static bool TryNumber(JsonElement root, string name, out double value)
    {
        value = 0;
        if (!root.TryGetProperty(name, out JsonElement e)) return false;
        return e.ValueKind switch
        {
            JsonValueKind.Number => e.TryGetDouble(out value),
            JsonValueKind.String => double.TryParse(e.GetString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out value),
            _ => false,
        };
    }

    private static bool TryTime(JsonElement root, out long timeMs)
    {
        timeMs = 0;
        if (!root.TryGetProperty("timestamp", out JsonElement e)) return false;
        if (e.ValueKind == JsonValueKind.String && DateTimeOffset.TryParse(e.GetString(), System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AssumeUniversal, out DateTimeOffset instant))
        {
            timeMs = instant.ToUnixTimeMilliseconds();
            return true;
        }

        if (!TryNumber(root, "timestamp", out double number) || !double.IsFinite(number) || number <= 0) return false;
        // Seconds until year 5138; anything larger is milliseconds (or nanoseconds/microseconds, scaled down).
        while (number > 1e14) number /= 1000;
        timeMs = number > 1e11 ? (long)number : (long)Math.Round(number * 1000);
        return true;
    }

    /// <summary>A short, safe description of a rejected payload for the log.</summary>
    public static string Describe(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxMessageBytes) return $"message of {utf8.Length} bytes exceeds {MaxMessageBytes}";
        TryParse(utf8, out _, out string? error);
        return error ?? "unreadable";
    }
}
