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
        WriteUnixSeconds(w, "timestamp", publishedAt);
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
        WriteUnixSeconds(w, "timestamp", e.DetectedAt);
        WriteUnixSeconds(w, "expires_at", e.ExpiresAt);
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
        Span<byte> timestamp = stackalloc byte[MaxNumberLength];
        var length = FormatUnixSeconds(e.DetectedAt, 6, timestamp);
        return $"{{\"tier\":\"{e.Tier}\",\"timestamp\":{System.Text.Encoding.ASCII.GetString(timestamp[..length])}}}";
    }

    // The longest "R" form of a double is 24 characters ("-1.7976931348623157E+308"), plus ".0".
    private const int MaxNumberLength = 32;

    /// <summary>
    /// Writes a contract timestamp (unix seconds, contract §2/§4) as a JSON float, rounded to
    /// <paramref name="digits"/> decimals: always with a decimal point, so a whole-second instant is
    /// <c>1732812345.0</c> and never the integer <c>1732812345</c> (Utf8JsonWriter writes whole
    /// doubles without one; a consumer that checks for a float would refuse it).
    /// </summary>
    public static void WriteUnixSeconds(Utf8JsonWriter writer, string name, double seconds, int digits = 6)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Span<byte> text = stackalloc byte[MaxNumberLength];
        var length = FormatUnixSeconds(seconds, digits, text);
        writer.WritePropertyName(name);
        writer.WriteRawValue(text[..length], skipInputValidation: true);
    }

    private static int FormatUnixSeconds(double seconds, int digits, Span<byte> text)
    {
        if (!double.IsFinite(seconds)) throw new ArgumentOutOfRangeException(nameof(seconds), seconds, "a timestamp must be finite");
        if (!Round(seconds, digits).TryFormat(text, out var length, "R", System.Globalization.CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException("a double did not fit its buffer");
        }

        if (text[..length].IndexOfAny((byte)'.', (byte)'E') >= 0) return length;
        text[length] = (byte)'.';
        text[length + 1] = (byte)'0';
        return length + 2;
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
