using System.Text.Json;
using TickStock.Core.Market;

namespace TickStock.Core.Polygon;

/// <summary>One <c>results[]</c> row as read, before a sink decides what to keep of it.</summary>
internal struct AggregateRow
{
    public string? Ticker;
    public decimal Volume;
    public decimal? Vwap;
    public decimal Open;
    public decimal High;
    public decimal Low;
    public decimal Close;
    public long StartUnixMs;
    public long? Trades;
    public bool Otc;

    public readonly OhlcvBar ToBar() =>
        OhlcvBar.FromUnixMs(StartUnixMs, Open, High, Low, Close, (long)Math.Round(Volume, MidpointRounding.AwayFromZero));
}

/// <summary>Where the reader puts rows; a struct so the JIT specialises the row loop per sink.</summary>
internal interface IAggregateRowSink
{
    /// <summary>The <c>results</c> array starts: forget rows from an earlier page.</summary>
    void Reset();

    /// <summary><c>resultsCount</c> came first (the wire order): room for that many rows.</summary>
    void Reserve(int count);

    void Add(in AggregateRow row);
}

/// <summary>Keeps whole rows (ticker, VWAP, trades): tests, tools and grouped daily.</summary>
internal struct AggregateListSink : IAggregateRowSink
{
    public List<PolygonAggregate>? Rows;

    public void Reset() => Rows = [];

    public readonly void Reserve(int count) => Rows?.EnsureCapacity(count);

    public readonly void Add(in AggregateRow row) => Rows!.Add(new PolygonAggregate
    {
        Ticker = row.Ticker,
        Volume = row.Volume,
        Vwap = row.Vwap,
        Open = row.Open,
        High = row.High,
        Low = row.Low,
        Close = row.Close,
        StartUnixMs = row.StartUnixMs,
        Trades = row.Trades,
        Otc = row.Otc,
    });
}

/// <summary>Keeps only the bar (88 bytes, no object per row) in a caller's reusable list.</summary>
internal readonly struct OhlcvBarSink(List<OhlcvBar> bars) : IAggregateRowSink
{
    public void Reset() => bars.Clear();

    public void Reserve(int count) => bars.EnsureCapacity(count);

    public void Add(in AggregateRow row) => bars.Add(row.ToBar());
}

/// <summary>
/// A hand-written reader for the aggregates envelope. It replaces reflection-based
/// deserialisation, which cost an object per bar plus a generic decimal parse per number on
/// 50,000-bar pages. The envelope is read with <see cref="Utf8JsonReader"/>; the rows, nearly all of
/// the bytes, go through <see cref="AggregateRowScanner"/>, with a row it declines read by a reader
/// of its own. Rules kept from the serializer: exact case-sensitive names (<c>t</c> is the start,
/// <c>T</c> the ticker), unknown fields skipped, <c>null</c> only where the field is optional,
/// numbers never read from strings, at most <see cref="MaxDepth"/> levels, trailing data refused.
/// Stricter than the serializer: a row missing <c>v o h l c t</c> (required by the spec) is an
/// error instead of a zero price or a 1970 bar, and a repeated <c>results</c> key is an error.
/// </summary>
internal static class PolygonAggregatesReader
{
    /// <summary>Nesting allowed (the envelope needs 3); deeper bodies are hostile or not ours.</summary>
    public const int MaxDepth = 16;

    // resultsCount is only a hint: a hostile value must not reserve gigabytes. 50,000 is the page maximum.
    private const int MaxReserve = 50_000;

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = MaxDepth };

    // A row read on its own starts two levels down (envelope object, results array).
    private static readonly JsonReaderOptions RowReaderOptions = new() { MaxDepth = MaxDepth - 2 };

    private enum RowField { Unknown, Ticker, Volume, Vwap, Open, High, Low, Close, Start, Trades, Otc }

    private enum EnvelopeField { Unknown, Results, Ticker, QueryCount, ResultsCount, Adjusted, Status, RequestId, Count, NextUrl, Error, Message }

    /// <summary>
    /// Reads the envelope, handing each row to <paramref name="sink"/>. Never throws on bad input:
    /// returns null and a message naming what was wrong and where.
    /// </summary>
    public static PolygonAggregatesEnvelope? Read<TSink>(ReadOnlySpan<byte> utf8, ref TSink sink, out bool hasResults, out string? error)
        where TSink : struct, IAggregateRowSink
    {
        hasResults = false;
        try
        {
            var reader = new Utf8JsonReader(utf8, ReaderOptions);
            if (!reader.Read())
            {
                throw Fail("the body is empty");
            }

            if (reader.TokenType == JsonTokenType.Null)
            {
                error = "aggregates body is JSON null";
                return null;
            }

            Expect(ref reader, JsonTokenType.StartObject, "the top level");
            var envelope = new EnvelopeBuilder();
            var current = utf8;
            while (ReadMembers(ref reader, current, ref envelope, ref sink) is { } afterResults)
            {
                // The rows were scanned without the reader, which cannot be moved past them; the
                // members after the array (status, request_id, count, next_url) are read as an
                // object of their own, so the reader still validates them and any trailing data.
                current = RestAsObject(current[afterResults..]);
                reader = new Utf8JsonReader(current, ReaderOptions);
                Next(ref reader);
            }

            // Like the serializer: trailing data after the object is an error (the reader throws on it).
            if (reader.Read())
            {
                throw Fail("unexpected data after the top-level object");
            }

            hasResults = envelope.HasResults;
            error = null;
            return envelope.Build();
        }
        catch (JsonException ex)
        {
            error = "aggregates body is not the expected JSON: " + ex.Message;
            return null;
        }
        catch (InvalidOperationException ex)
        {
            // The reader's GetString/CopyString report invalid UTF-8 or a lone surrogate this way.
            error = "aggregates body is not the expected JSON: " + ex.Message;
            return null;
        }
    }

    /// <summary>
    /// Reads members up to the end of the object (null), or up to a <c>results</c> array, whose rows
    /// it scans directly; then it returns the index in <paramref name="json"/> just after the array.
    /// </summary>
    private static int? ReadMembers<TSink>(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, ref EnvelopeBuilder envelope, ref TSink sink)
        where TSink : struct, IAggregateRowSink
    {
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            var field = reader.ValueIsEscaped ? EscapedName(ref reader, EnvelopeFieldOf) : EnvelopeFieldOf(reader.ValueSpan);
            Next(ref reader);
            switch (field)
            {
                case EnvelopeField.Results:
                    // The rest of the body is copied once after the rows; a repeated key would copy
                    // it again each time (quadratic on a hostile body), and real bodies never repeat it.
                    if (envelope.SeenResults)
                    {
                        throw Fail("results appears more than once");
                    }

                    envelope.SeenResults = true;
                    sink.Reset();
                    envelope.HasResults = reader.TokenType != JsonTokenType.Null;
                    if (envelope.HasResults)
                    {
                        Expect(ref reader, JsonTokenType.StartArray, "results");
                        sink.Reserve(Math.Clamp(envelope.ResultsCount, 0, MaxReserve));
                        return ReadRows(json, (int)reader.TokenStartIndex + 1, ref sink);
                    }

                    break;
                case EnvelopeField.Ticker:
                    envelope.Ticker = String(ref reader, "ticker");
                    break;
                case EnvelopeField.QueryCount:
                    envelope.QueryCount = Int32(ref reader, "queryCount");
                    break;
                case EnvelopeField.ResultsCount:
                    envelope.ResultsCount = Int32(ref reader, "resultsCount");
                    break;
                case EnvelopeField.Adjusted:
                    envelope.Adjusted = Boolean(ref reader, "adjusted");
                    break;
                case EnvelopeField.Status:
                    envelope.Status = String(ref reader, "status");
                    break;
                case EnvelopeField.RequestId:
                    envelope.RequestId = String(ref reader, "request_id");
                    break;
                case EnvelopeField.Count:
                    envelope.Count = reader.TokenType == JsonTokenType.Null ? null : Int32(ref reader, "count");
                    break;
                case EnvelopeField.NextUrl:
                    envelope.NextUrl = String(ref reader, "next_url");
                    break;
                case EnvelopeField.Error:
                    envelope.Error = String(ref reader, "error");
                    break;
                case EnvelopeField.Message:
                    envelope.Message = String(ref reader, "message");
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return null;
    }

    /// <summary>
    /// The rows of a <c>results</c> array starting at <paramref name="position"/> (just after the
    /// <c>[</c>); returns the index after the closing <c>]</c>. Each row takes the fast scan and,
    /// when that declines (escapes, unknown fields, odd numbers, errors), a reader of its own, so
    /// errors and rare shapes are handled exactly as before.
    /// </summary>
    private static int ReadRows<TSink>(ReadOnlySpan<byte> json, int position, ref TSink sink)
        where TSink : struct, IAggregateRowSink
    {
        var i = AggregateRowScanner.SkipWhitespace(json, position);
        if (i < json.Length && json[i] == ']')
        {
            return i + 1;
        }

        for (var index = 0; ; index++)
        {
            if (!AggregateRowScanner.TryScan(json, ref i, out var row))
            {
                row = ReadRowWithReader(json, ref i, index);
            }

            sink.Add(row);
            i = AggregateRowScanner.SkipWhitespace(json, i);
            if (i >= json.Length)
            {
                throw Fail("the body ends early");
            }

            switch (json[i])
            {
                case (byte)',':
                    i = AggregateRowScanner.SkipWhitespace(json, i + 1);
                    break;
                case (byte)']':
                    return i + 1;
                default:
                    throw Fail($"expected ',' or ']' after results[{index}]");
            }
        }
    }

    private static AggregateRow ReadRowWithReader(ReadOnlySpan<byte> json, ref int position, int index)
    {
        var reader = new Utf8JsonReader(json[position..], RowReaderOptions);
        Next(ref reader);
        var row = ReadRow(ref reader, index);
        position += (int)reader.BytesConsumed;
        return row;
    }

    /// <summary>
    /// The envelope's members after the <c>results</c> array as a standalone object: <c>{</c> plus
    /// the text after the comma (or the closing brace). Normally a few hundred bytes.
    /// </summary>
    private static byte[] RestAsObject(ReadOnlySpan<byte> afterArray)
    {
        var i = AggregateRowScanner.SkipWhitespace(afterArray, 0);
        if (i < afterArray.Length && afterArray[i] == ',')
        {
            i = AggregateRowScanner.SkipWhitespace(afterArray, i + 1);
            if (i >= afterArray.Length || afterArray[i] != '"')
            {
                throw Fail("expected a property name after the results array");
            }
        }
        else if (i >= afterArray.Length || afterArray[i] != '}')
        {
            throw Fail("expected ',' or '}' after the results array");
        }

        var rest = new byte[afterArray.Length - i + 1];
        rest[0] = (byte)'{';
        afterArray[i..].CopyTo(rest.AsSpan(1));
        return rest;
    }

    /// <summary>The envelope's fields as they are read, across the reader that is restarted after the rows.</summary>
    private struct EnvelopeBuilder
    {
        public string? Ticker, Status, RequestId, NextUrl, Error, Message;
        public int QueryCount, ResultsCount;
        public int? Count;
        public bool Adjusted, HasResults, SeenResults;

        public readonly PolygonAggregatesEnvelope Build() => new()
        {
            Ticker = Ticker,
            QueryCount = QueryCount,
            ResultsCount = ResultsCount,
            Adjusted = Adjusted,
            Status = Status,
            RequestId = RequestId,
            Count = Count,
            NextUrl = NextUrl,
            Error = Error,
            Message = Message,
        };
    }

    private static AggregateRow ReadRow(ref Utf8JsonReader reader, int index)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw Fail($"results[{index}] is {reader.TokenType}, not an object");
        }

        var row = default(AggregateRow);
        var seen = 0; // one bit per required field, so a missing one is named
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            var field = reader.ValueIsEscaped ? EscapedName(ref reader, RowFieldOf) : RowFieldOf(reader.ValueSpan);
            Next(ref reader);
            switch (field)
            {
                case RowField.Volume:
                    row.Volume = Decimal(ref reader, index, "v");
                    seen |= 1;
                    break;
                case RowField.Open:
                    row.Open = Decimal(ref reader, index, "o");
                    seen |= 2;
                    break;
                case RowField.High:
                    row.High = Decimal(ref reader, index, "h");
                    seen |= 4;
                    break;
                case RowField.Low:
                    row.Low = Decimal(ref reader, index, "l");
                    seen |= 8;
                    break;
                case RowField.Close:
                    row.Close = Decimal(ref reader, index, "c");
                    seen |= 16;
                    break;
                case RowField.Start:
                    row.StartUnixMs = Int64(ref reader, index, "t");
                    seen |= 32;
                    break;
                case RowField.Vwap:
                    row.Vwap = reader.TokenType == JsonTokenType.Null ? null : Decimal(ref reader, index, "vw");
                    break;
                case RowField.Trades:
                    row.Trades = reader.TokenType == JsonTokenType.Null ? null : Int64(ref reader, index, "n");
                    break;
                case RowField.Ticker:
                    row.Ticker = String(ref reader, $"results[{index}].T");
                    break;
                case RowField.Otc:
                    row.Otc = Boolean(ref reader, $"results[{index}].otc");
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        if (seen != 63)
        {
            throw Fail($"results[{index}] lacks required field '{MissingName(seen)}'");
        }

        return row;
    }

    private static string MissingName(int seen) =>
        (seen & 1) == 0 ? "v" : (seen & 2) == 0 ? "o" : (seen & 4) == 0 ? "h" : (seen & 8) == 0 ? "l" : (seen & 16) == 0 ? "c" : "t";

    private static EnvelopeField EnvelopeFieldOf(ReadOnlySpan<byte> name) => name switch
    {
        _ when name.SequenceEqual("results"u8) => EnvelopeField.Results,
        _ when name.SequenceEqual("ticker"u8) => EnvelopeField.Ticker,
        _ when name.SequenceEqual("queryCount"u8) => EnvelopeField.QueryCount,
        _ when name.SequenceEqual("resultsCount"u8) => EnvelopeField.ResultsCount,
        _ when name.SequenceEqual("adjusted"u8) => EnvelopeField.Adjusted,
        _ when name.SequenceEqual("status"u8) => EnvelopeField.Status,
        _ when name.SequenceEqual("request_id"u8) => EnvelopeField.RequestId,
        _ when name.SequenceEqual("count"u8) => EnvelopeField.Count,
        _ when name.SequenceEqual("next_url"u8) => EnvelopeField.NextUrl,
        _ when name.SequenceEqual("error"u8) => EnvelopeField.Error,
        _ when name.SequenceEqual("message"u8) => EnvelopeField.Message,
        _ => EnvelopeField.Unknown,
    };

    // Row names are one to three bytes; a switch on length and first byte beats comparing strings.
    private static RowField RowFieldOf(ReadOnlySpan<byte> name) => name.Length switch
    {
        1 => name[0] switch
        {
            (byte)'v' => RowField.Volume,
            (byte)'o' => RowField.Open,
            (byte)'h' => RowField.High,
            (byte)'l' => RowField.Low,
            (byte)'c' => RowField.Close,
            (byte)'t' => RowField.Start,
            (byte)'n' => RowField.Trades,
            (byte)'T' => RowField.Ticker,
            _ => RowField.Unknown,
        },
        2 when name[0] == 'v' && name[1] == 'w' => RowField.Vwap,
        3 when name.SequenceEqual("otc"u8) => RowField.Otc,
        _ => RowField.Unknown,
    };

    // The longest known name (resultsCount, 12 bytes) written entirely as \uXXXX escapes.
    private const int MaxEscapedName = 12 * 6;

    /// <summary>
    /// Matches an escaped property name (<c>"\u0074"</c> is <c>t</c>) after unescaping it, as the
    /// serializer would. Rare, so kept off the hot path; names too long to be known match nothing.
    /// </summary>
    private static TField EscapedName<TField>(ref Utf8JsonReader reader, Func<ReadOnlySpan<byte>, TField> match)
    {
        Span<byte> scratch = stackalloc byte[MaxEscapedName];
        return match(reader.ValueSpan.Length <= scratch.Length ? scratch[..reader.CopyString(scratch)] : []);
    }

    private static JsonTokenType Next(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            throw Fail("the body ends early");
        }

        return reader.TokenType;
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type, string what)
    {
        if (reader.TokenType != type)
        {
            throw Fail($"{what} is {reader.TokenType}, expected {type}");
        }
    }

    private static decimal Decimal(ref Utf8JsonReader reader, int index, string name)
    {
        if (reader.TokenType != JsonTokenType.Number)
        {
            throw Fail($"results[{index}].{name} is {reader.TokenType}, expected a number");
        }

        // The fast path covers every price and volume the provider writes; the rest (negative,
        // over 18 digits, far exponents) goes to the reader's own parse, which also rejects overflow.
        if (Utf8DecimalParser.TryParse(reader.ValueSpan, out var value) || reader.TryGetDecimal(out value))
        {
            return value;
        }

        throw Fail($"results[{index}].{name} is out of the decimal range");
    }

    private static long Int64(ref Utf8JsonReader reader, int index, string name)
    {
        if (reader.TokenType != JsonTokenType.Number)
        {
            throw Fail($"results[{index}].{name} is {reader.TokenType}, expected a number");
        }

        return reader.TryGetInt64(out var value) ? value : throw Fail($"results[{index}].{name} is not a 64-bit integer");
    }

    private static int Int32(ref Utf8JsonReader reader, string name)
    {
        if (reader.TokenType != JsonTokenType.Number)
        {
            throw Fail($"{name} is {reader.TokenType}, expected a number");
        }

        return reader.TryGetInt32(out var value) ? value : throw Fail($"{name} is not a 32-bit integer");
    }

    private static bool Boolean(ref Utf8JsonReader reader, string name) => reader.TokenType switch
    {
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        _ => throw Fail($"{name} is {reader.TokenType}, expected true or false"),
    };

    private static string? String(ref Utf8JsonReader reader, string name) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Null => null,
        _ => throw Fail($"{name} is {reader.TokenType}, expected a string"),
    };

    private static JsonException Fail(string message) => new(message);
}
