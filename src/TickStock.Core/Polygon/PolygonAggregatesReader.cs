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
    /// <summary>A (repeated) <c>results</c> array starts: forget earlier rows, as a duplicate key replaces.</summary>
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
/// A hand-written <see cref="Utf8JsonReader"/> pass over the aggregates envelope. It replaces
/// reflection-based deserialisation, which cost an object per bar plus a generic decimal parse per
/// number on 50,000-bar pages. Rules kept from the serializer it replaces: exact case-sensitive
/// names (<c>t</c> is the start, <c>T</c> the ticker), unknown fields skipped, <c>null</c> only where
/// the field is optional, numbers never read from strings, at most <see cref="MaxDepth"/> levels.
/// Unlike the serializer it rejects a row missing <c>v o h l c t</c> (required by the spec) instead
/// of reading a zero price or a 1970 bar.
/// </summary>
internal static class PolygonAggregatesReader
{
    /// <summary>Nesting allowed (the envelope needs 3); deeper bodies are hostile or not ours.</summary>
    public const int MaxDepth = 16;

    // resultsCount is only a hint: a hostile value must not reserve gigabytes. 50,000 is the page maximum.
    private const int MaxReserve = 50_000;

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = MaxDepth };

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

            var envelope = ReadEnvelope(ref reader, ref sink, out hasResults);

            // Like the serializer: trailing data after the object is an error (the reader throws on it).
            if (reader.Read())
            {
                throw Fail("unexpected data after the top-level object");
            }

            error = null;
            return envelope;
        }
        catch (JsonException ex)
        {
            error = "aggregates body is not the expected JSON: " + ex.Message;
            return null;
        }
    }

    private static PolygonAggregatesEnvelope ReadEnvelope<TSink>(ref Utf8JsonReader reader, ref TSink sink, out bool hasResults)
        where TSink : struct, IAggregateRowSink
    {
        Expect(ref reader, JsonTokenType.StartObject, "the top level");
        hasResults = false;
        string? ticker = null, status = null, requestId = null, nextUrl = null, errorText = null, message = null;
        int queryCount = 0, resultsCount = 0;
        int? count = null;
        var adjusted = false;

        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            var field = reader.ValueIsEscaped ? EscapedName(ref reader, EnvelopeFieldOf) : EnvelopeFieldOf(reader.ValueSpan);
            Next(ref reader);
            switch (field)
            {
                case EnvelopeField.Results:
                    hasResults = ReadResults(ref reader, ref sink, resultsCount);
                    break;
                case EnvelopeField.Ticker:
                    ticker = String(ref reader, "ticker");
                    break;
                case EnvelopeField.QueryCount:
                    queryCount = Int32(ref reader, "queryCount");
                    break;
                case EnvelopeField.ResultsCount:
                    resultsCount = Int32(ref reader, "resultsCount");
                    break;
                case EnvelopeField.Adjusted:
                    adjusted = Boolean(ref reader, "adjusted");
                    break;
                case EnvelopeField.Status:
                    status = String(ref reader, "status");
                    break;
                case EnvelopeField.RequestId:
                    requestId = String(ref reader, "request_id");
                    break;
                case EnvelopeField.Count:
                    count = reader.TokenType == JsonTokenType.Null ? null : Int32(ref reader, "count");
                    break;
                case EnvelopeField.NextUrl:
                    nextUrl = String(ref reader, "next_url");
                    break;
                case EnvelopeField.Error:
                    errorText = String(ref reader, "error");
                    break;
                case EnvelopeField.Message:
                    message = String(ref reader, "message");
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return new PolygonAggregatesEnvelope
        {
            Ticker = ticker,
            QueryCount = queryCount,
            ResultsCount = resultsCount,
            Adjusted = adjusted,
            Status = status,
            RequestId = requestId,
            Count = count,
            NextUrl = nextUrl,
            Error = errorText,
            Message = message,
        };
    }

    /// <summary>Reads <c>results</c>; false when it is <c>null</c> (2020-era empty pages).</summary>
    private static bool ReadResults<TSink>(ref Utf8JsonReader reader, ref TSink sink, int resultsCountHint)
        where TSink : struct, IAggregateRowSink
    {
        sink.Reset();
        if (reader.TokenType == JsonTokenType.Null)
        {
            return false;
        }

        Expect(ref reader, JsonTokenType.StartArray, "results");
        sink.Reserve(Math.Clamp(resultsCountHint, 0, MaxReserve));
        var index = 0;
        while (Next(ref reader) != JsonTokenType.EndArray)
        {
            sink.Add(ReadRow(ref reader, index++));
        }

        return true;
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
