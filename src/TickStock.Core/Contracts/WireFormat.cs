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
    public static byte[] PatternMessage(PatternEvent e, double publishedAt) => WritePatternMessage(e, publishedAt).ToArray();

    /// <summary>
    /// The same message as <see cref="PatternMessage"/>, written into this thread's reusable buffer
    /// and returned as a view of it: valid only until the next call on this thread, so the caller
    /// copies it (the publish path copies it into pooled memory; nothing is allocated per event).
    /// </summary>
    public static ReadOnlySpan<byte> WritePatternMessage(PatternEvent e, double publishedAt)
    {
        ArgumentNullException.ThrowIfNull(e);
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        var w = t_writer ??= new Utf8JsonWriter(buffer);
        w.Reset(buffer);
        w.WriteStartObject();
        w.WriteString(Names.EventType, Names.PatternDetected);
        w.WriteString(Names.Source, Names.SourceValue);
        WriteUnixSeconds(w, Names.Timestamp, publishedAt);
        w.WriteStartObject(Names.Data);
        w.WriteString(Names.Symbol, e.Symbol);
        w.WriteString(Names.Pattern, e.Pattern);
        w.WriteNumber(Names.Confidence, Round(e.Confidence, 3));
        // Formatted on the stack: the same 36 characters as Guid.ToString("D"), without a string per event.
        Span<char> flowId = stackalloc char[36];
        e.FlowId.TryFormat(flowId, out _, "D");
        w.WriteString(Names.FlowId, flowId);
        w.WriteString(Names.Tier, e.Tier);
        w.WriteString(Names.Source, e.Tier);
        w.WriteNumber(Names.PriceChange, Round(e.PriceChange, 4));
        w.WriteNumber(Names.CurrentPrice, Round(e.CurrentPrice, 4));
        w.WriteNumber(Names.Volume, e.Volume);
        WriteUnixSeconds(w, Names.Timestamp, e.DetectedAt);
        WriteUnixSeconds(w, Names.ExpiresAt, e.ExpiresAt);
        w.WriteString(Names.Timeframe, e.Timeframe);
        w.WriteStartObject(Names.Indicators);
        foreach (var (name, value) in e.Indicators)
        {
            w.WriteNumber(name, Round(value, 6));
        }

        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
        w.Flush();
        return buffer.WrittenSpan;
    }

    /// <summary>The message's fixed property names and values, encoded once instead of per message.</summary>
    private static class Names
    {
        public static readonly JsonEncodedText EventType = JsonEncodedText.Encode("event_type");
        public static readonly JsonEncodedText PatternDetected = JsonEncodedText.Encode("pattern_detected");
        public static readonly JsonEncodedText Source = JsonEncodedText.Encode("source");
        public static readonly JsonEncodedText SourceValue = JsonEncodedText.Encode(WireFormat.Source);
        public static readonly JsonEncodedText Timestamp = JsonEncodedText.Encode("timestamp");
        public static readonly JsonEncodedText Data = JsonEncodedText.Encode("data");
        public static readonly JsonEncodedText Symbol = JsonEncodedText.Encode("symbol");
        public static readonly JsonEncodedText Pattern = JsonEncodedText.Encode("pattern");
        public static readonly JsonEncodedText Confidence = JsonEncodedText.Encode("confidence");
        public static readonly JsonEncodedText FlowId = JsonEncodedText.Encode("flow_id");
        public static readonly JsonEncodedText Tier = JsonEncodedText.Encode("tier");
        public static readonly JsonEncodedText PriceChange = JsonEncodedText.Encode("price_change");
        public static readonly JsonEncodedText CurrentPrice = JsonEncodedText.Encode("current_price");
        public static readonly JsonEncodedText Volume = JsonEncodedText.Encode("volume");
        public static readonly JsonEncodedText ExpiresAt = JsonEncodedText.Encode("expires_at");
        public static readonly JsonEncodedText Timeframe = JsonEncodedText.Encode("timeframe");
        public static readonly JsonEncodedText Indicators = JsonEncodedText.Encode("indicators");
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
        // Assembled on the stack: one string per row, no intermediate ones (a known tier is ≤ 9 characters).
        Span<char> text = stackalloc char[64 + MaxNumberLength];
        var written = 0;
        Append(text, ref written, "{\"tier\":\"");
        Append(text, ref written, e.Tier);
        Append(text, ref written, "\",\"timestamp\":");
        written += System.Text.Encoding.ASCII.GetChars(timestamp[..length], text[written..]);
        text[written++] = '}';
        return new string(text[..written]);

        static void Append(Span<char> text, ref int written, string part)
        {
            part.CopyTo(text[written..]);
            written += part.Length;
        }
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
        writer.WritePropertyName(name);
        WriteUnixSecondsValue(writer, seconds, digits);
    }

    /// <inheritdoc cref="WriteUnixSeconds(Utf8JsonWriter, string, double, int)"/>
    public static void WriteUnixSeconds(Utf8JsonWriter writer, JsonEncodedText name, double seconds, int digits = 6)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WritePropertyName(name);
        WriteUnixSecondsValue(writer, seconds, digits);
    }

    private static void WriteUnixSecondsValue(Utf8JsonWriter writer, double seconds, int digits)
    {
        Span<byte> text = stackalloc byte[MaxNumberLength];
        var length = FormatUnixSeconds(seconds, digits, text);
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
