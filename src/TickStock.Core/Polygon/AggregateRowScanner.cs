using System.Text;
using System.Text.Unicode;

namespace TickStock.Core.Polygon;

/// <summary>
/// The fast path for one <c>results[]</c> row in the shape the provider writes:
/// <c>{"v":…,"vw":…,"o":…,"c":…,"h":…,"l":…,"t":…,"n":…}</c>, any order and whitespace, with
/// <c>T</c> and <c>otc</c>. Tokenising 50,000 rows with <see cref="System.Text.Json.Utf8JsonReader"/>
/// took about as long as everything else in a page put together; this reads the bytes once.
/// It only ever accepts valid JSON and declines (returns false, position untouched) anything else:
/// escapes, unknown fields, numbers outside the fast decimal path, missing fields, malformed text.
/// The caller then reads that row with the reader, which gives the exact value or a clear error.
/// <para>Hand-written on purpose, where the rest of the code prefers libraries: no JSON library reads this one fixed
/// shape faster, the page parse is the loader's hot path, and System.Text.Json stays the fallback and the reference
/// the tests compare against.</para>
/// </summary>
internal static class AggregateRowScanner
{
    private const int RequiredFields = 63; // v o h l c t, one bit each

    public static bool TryScan(ReadOnlySpan<byte> json, ref int position, out AggregateRow row)
    {
        row = default;
        var i = position;
        if (At(json, i) != '{')
        {
            return false;
        }

        var seen = 0;
        i = SkipWhitespace(json, i + 1);
        while (true)
        {
            if (!TryShortName(json, ref i, out var name))
            {
                return false;
            }

            i = SkipWhitespace(json, i);
            if (At(json, i) != ':')
            {
                return false;
            }

            i = SkipWhitespace(json, i + 1);
            var scanned = name.Length switch
            {
                1 => name[0] switch
                {
                    (byte)'v' => Decimal(json, ref i, ref row.Volume, ref seen, 1),
                    (byte)'o' => Decimal(json, ref i, ref row.Open, ref seen, 2),
                    (byte)'h' => Decimal(json, ref i, ref row.High, ref seen, 4),
                    (byte)'l' => Decimal(json, ref i, ref row.Low, ref seen, 8),
                    (byte)'c' => Decimal(json, ref i, ref row.Close, ref seen, 16),
                    (byte)'t' => Int64(json, ref i, ref row.StartUnixMs, ref seen, 32),
                    (byte)'n' => OptionalInt64(json, ref i, ref row.Trades),
                    (byte)'T' => OptionalString(json, ref i, ref row.Ticker),
                    _ => false,
                },
                2 when name[0] == 'v' && name[1] == 'w' => OptionalDecimal(json, ref i, ref row.Vwap),
                3 when name.SequenceEqual("otc"u8) => Boolean(json, ref i, ref row.Otc),
                _ => false,
            };
            if (!scanned)
            {
                return false;
            }

            i = SkipWhitespace(json, i);
            switch (At(json, i))
            {
                case (byte)',':
                    i = SkipWhitespace(json, i + 1);
                    continue;
                case (byte)'}':
                    if (seen != RequiredFields)
                    {
                        return false;
                    }

                    position = i + 1;
                    return true;
                default:
                    return false;
            }
        }
    }

    public static int SkipWhitespace(ReadOnlySpan<byte> json, int i)
    {
        while (i < json.Length && json[i] is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t')
        {
            i++;
        }

        return i;
    }

    // 0 is never valid where a token is expected, so reading past the end simply declines.
    private static byte At(ReadOnlySpan<byte> json, int i) => (uint)i < (uint)json.Length ? json[i] : (byte)0;

    /// <summary>
    /// A quoted name of one to three ASCII letters: every row name is one, and a known name never
    /// needs an escape. Checked byte by byte; a general string search costs more than the row.
    /// </summary>
    private static bool TryShortName(ReadOnlySpan<byte> json, ref int i, out ReadOnlySpan<byte> name)
    {
        name = default;
        if (At(json, i) != '"')
        {
            return false;
        }

        var start = i + 1;
        var end = start;
        while (end - start < 3 && IsAsciiLetter(At(json, end)))
        {
            end++;
        }

        if (end == start || At(json, end) != '"')
        {
            return false;
        }

        name = json[start..end];
        i = end + 1;
        return true;
    }

    private static bool IsAsciiLetter(byte b) => (uint)((b | 0x20) - 'a') <= 'z' - 'a';

    /// <summary>A string with no escapes and no control characters, as valid UTF-8.</summary>
    private static bool TryPlainString(ReadOnlySpan<byte> json, ref int i, out ReadOnlySpan<byte> value)
    {
        value = default;
        if (At(json, i) != '"')
        {
            return false;
        }

        var rest = json[(i + 1)..];
        var end = rest.IndexOfAny((byte)'"', (byte)'\\');
        if (end < 0 || rest[end] == '\\')
        {
            return false;
        }

        value = rest[..end];
        if (value.IndexOfAnyInRange((byte)0, (byte)0x1F) >= 0 || !Utf8.IsValid(value))
        {
            return false;
        }

        i += end + 2;
        return true;
    }

    /// <summary>The extent of a number in strict JSON grammar, or -1.</summary>
    private static int ScanNumber(ReadOnlySpan<byte> json, int i)
    {
        if (At(json, i) == '-')
        {
            i++;
        }

        if (At(json, i) == '0')
        {
            i++;
        }
        else if (IsDigit(At(json, i)))
        {
            while (IsDigit(At(json, i)))
            {
                i++;
            }
        }
        else
        {
            return -1;
        }

        if (At(json, i) == '.')
        {
            if (!IsDigit(At(json, ++i)))
            {
                return -1;
            }

            while (IsDigit(At(json, i)))
            {
                i++;
            }
        }

        if ((At(json, i) | 0x20) == 'e')
        {
            if (At(json, ++i) is (byte)'+' or (byte)'-')
            {
                i++;
            }

            if (!IsDigit(At(json, i)))
            {
                return -1;
            }

            while (IsDigit(At(json, i)))
            {
                i++;
            }
        }

        return i;
    }

    private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

    private static bool Decimal(ReadOnlySpan<byte> json, ref int i, ref decimal field, ref int seen, int bit)
    {
        var end = ScanNumber(json, i);
        if (end < 0 || !Utf8DecimalParser.TryParse(json[i..end], out field))
        {
            return false;
        }

        seen |= bit;
        i = end;
        return true;
    }

    private static bool OptionalDecimal(ReadOnlySpan<byte> json, ref int i, ref decimal? field)
    {
        if (TryNull(json, ref i))
        {
            field = null;
            return true;
        }

        var value = 0m;
        var ignored = 0;
        if (!Decimal(json, ref i, ref value, ref ignored, 0))
        {
            return false;
        }

        field = value;
        return true;
    }

    // Unsigned and at most 18 digits (t is 13): no overflow check needed; anything else declines.
    private static bool Int64(ReadOnlySpan<byte> json, ref int i, ref long field, ref int seen, int bit)
    {
        var end = ScanNumber(json, i);
        if (end < 0 || end - i > 18)
        {
            return false;
        }

        long value = 0;
        foreach (var b in json[i..end])
        {
            if (!IsDigit(b))
            {
                return false; // a sign, fraction or exponent
            }

            value = (value * 10) + (b - '0');
        }

        field = value;
        seen |= bit;
        i = end;
        return true;
    }

    private static bool OptionalInt64(ReadOnlySpan<byte> json, ref int i, ref long? field)
    {
        if (TryNull(json, ref i))
        {
            field = null;
            return true;
        }

        long value = 0;
        var ignored = 0;
        if (!Int64(json, ref i, ref value, ref ignored, 0))
        {
            return false;
        }

        field = value;
        return true;
    }

    private static bool OptionalString(ReadOnlySpan<byte> json, ref int i, ref string? field)
    {
        if (TryNull(json, ref i))
        {
            field = null;
            return true;
        }

        if (!TryPlainString(json, ref i, out var value))
        {
            return false;
        }

        field = Encoding.UTF8.GetString(value);
        return true;
    }

    private static bool Boolean(ReadOnlySpan<byte> json, ref int i, ref bool field)
    {
        if (json[i..].StartsWith("true"u8))
        {
            field = true;
            i += 4;
            return true;
        }

        if (json[i..].StartsWith("false"u8))
        {
            field = false;
            i += 5;
            return true;
        }

        return false;
    }

    private static bool TryNull(ReadOnlySpan<byte> json, ref int i)
    {
        if (!json[i..].StartsWith("null"u8))
        {
            return false;
        }

        i += 4;
        return true;
    }
}
