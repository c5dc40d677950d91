using System.Buffers;
using System.Text.Json;

namespace TickStock.Core.Contracts;

/// <summary>
/// Writes the exact JSON shapes of the contract with Utf8JsonWriter: fixed field order, invariant
/// numbers, no reflection, one buffer per message. Kept hand-written (not attribute-driven) because
/// the shape is a contract, not a by-product of a C# type.
/// </summary>
public static class WireFormat
{
    public const string Source = "TickStockPL";

    [ThreadStatic] private static ArrayBufferWriter<byte>? t_buffer;
    [ThreadStatic] private static Utf8JsonWriter? t_writer;

    /// <summary>Contract §2 pattern message, <paramref name="publishedAt"/> as the top-level timestamp.</summary>
    public static byte[] PatternMessage(PatternEvent e, double publishedAt)
    {
        ArgumentNullException.ThrowIfNull(e);
        // One event per call on the publish path: the buffer and writer are reused per thread, so
        // the only allocation is the returned array.
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        var w = t_writer ??= new Utf8JsonWriter(buffer);
        w.Reset(buffer);
        w.WriteStartObject();
        w.WriteString("event_type", "pattern_detected");
        w.WriteString("source", Source);
        w.WriteNumber("timestamp", Round(publishedAt, 6));
        w.WriteStartObject("data");
        w.WriteString("symbol", e.Symbol);
        w.WriteString("pattern", e.Pattern);
        w.WriteNumber("confidence", Round(e.Confidence, 3));
        w.WriteString("flow_id", e.FlowId.ToString("D"));
        w.WriteString("tier", e.Tier);
        w.WriteString("source", e.Tier);
        w.WriteNumber("price_change", Round(e.PriceChange, 4));
        w.WriteNumber("current_price", Round(e.CurrentPrice, 4));
        w.WriteNumber("volume", e.Volume);
        w.WriteNumber("timestamp", Round(e.DetectedAt, 6));
        w.WriteNumber("expires_at", Round(e.ExpiresAt, 6));
        w.WriteString("timeframe", e.Timeframe);
        w.WriteStartObject("indicators");
        foreach (var (name, value) in e.Indicators)
        {
            w.WriteNumber(name, Round(value, 6));
        }

        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
        w.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// details of a PATTERN_PUBLISHED row: {"tier":…, "timestamp": unix float}. Formatted directly
    /// (one per event on the hot path): the tier is one of the known names, so nothing needs escaping.
    /// </summary>
    public static string PublishedRowDetails(PatternEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (!PatternTier.IsKnown(e.Tier)) throw new ArgumentException($"unknown tier '{e.Tier}'", nameof(e));
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{{\"tier\":\"{e.Tier}\",\"timestamp\":{Round(e.DetectedAt, 6):R}}}");
    }

    /// <summary>Writes one JSON object through <paramref name="body"/> and returns it as a string.</summary>
    public static string Object(Action<Utf8JsonWriter> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Rounds for the wire; also maps -0 to 0 so no "-0" ever appears.</summary>
    public static double Round(double value, int digits)
    {
        var rounded = Math.Round(value, digits, MidpointRounding.AwayFromZero);
        return rounded == 0 ? 0 : rounded;
    }
}
