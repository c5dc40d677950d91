using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace TickStock.PolygonStub;

/// <summary>
/// Writes a served bar as <c>{"v":…,"vw":…,"o":…,"c":…,"h":…,"l":…,"t":…,"n":…}</c>, the same text
/// the writer's <c>WriteNumber(double)</c> calls produced, but formatted into a stack buffer and
/// handed over as one raw value: no per-bar strings, no shortest-double search. A price is written
/// from integers when it is exactly a number of millionths (every synthetic and sample price is);
/// anything else takes the writer's own path.
/// </summary>
internal static class BarJson
{
    // 8 names with quotes and punctuation (~40), 2 longs and the volume (≤ 20 each), 5 numbers (≤ 17).
    private const int MaxBarLength = 256;

    private static readonly JsonEncodedText V = JsonEncodedText.Encode("v");
    private static readonly JsonEncodedText Vw = JsonEncodedText.Encode("vw");
    private static readonly JsonEncodedText O = JsonEncodedText.Encode("o");
    private static readonly JsonEncodedText C = JsonEncodedText.Encode("c");
    private static readonly JsonEncodedText H = JsonEncodedText.Encode("h");
    private static readonly JsonEncodedText L = JsonEncodedText.Encode("l");
    private static readonly JsonEncodedText TimeName = JsonEncodedText.Encode("t");
    private static readonly JsonEncodedText N = JsonEncodedText.Encode("n");
    private static readonly JsonEncodedText GroupedTicker = JsonEncodedText.Encode("T");

    /// <summary>Writes one bar; <paramref name="groupedTicker"/> adds the grouped endpoint's leading "T".</summary>
    public static void Write(Utf8JsonWriter w, in StubBar bar, string? groupedTicker = null)
    {
        Span<byte> buffer = stackalloc byte[MaxBarLength];
        if (groupedTicker is null && TryFormat(bar, buffer, out var length))
        {
            w.WriteRawValue(buffer[..length], skipInputValidation: true);
        }
        else
        {
            WriteWithWriter(w, bar, groupedTicker);
        }
    }

    /// <summary>The general path: the writer formats every number itself.</summary>
    private static void WriteWithWriter(Utf8JsonWriter w, in StubBar bar, string? groupedTicker)
    {
        w.WriteStartObject();
        if (groupedTicker is not null)
        {
            w.WriteString(GroupedTicker, groupedTicker);
        }

        Span<byte> volume = stackalloc byte[Wire.MaxVolumeLength];
        w.WritePropertyName(V);
        w.WriteRawValue(volume[..Wire.WriteVolume(bar.V, volume)], skipInputValidation: true);
        if (bar.HasVwap)
        {
            w.WriteNumber(Vw, bar.Vw4 / 1e4); // the double of the 4-place decimal
        }

        w.WriteNumber(O, bar.O);
        w.WriteNumber(C, bar.C);
        w.WriteNumber(H, bar.H);
        w.WriteNumber(L, bar.L);
        w.WriteNumber(TimeName, bar.T);
        if (bar.N != 0)
        {
            w.WriteNumber(N, bar.N);
        }

        w.WriteEndObject();
    }

    internal static bool TryFormat(in StubBar bar, Span<byte> destination, out int length)
    {
        var d = destination;
        var n = 0;
        Append(d, ref n, "{\"v\":"u8);
        n += Wire.WriteVolume(bar.V, d[n..]);
        if (bar.HasVwap)
        {
            Append(d, ref n, ",\"vw\":"u8);
            if (bar.Vw4 is < 0 or >= MaxUnits)
            {
                length = 0;
                return false;
            }

            n += WriteFixed(bar.Vw4, 10_000, 4, d[n..]);
        }

        if (!TryAppendPrice(d, ref n, ",\"o\":"u8, bar.O) || !TryAppendPrice(d, ref n, ",\"c\":"u8, bar.C)
            || !TryAppendPrice(d, ref n, ",\"h\":"u8, bar.H) || !TryAppendPrice(d, ref n, ",\"l\":"u8, bar.L))
        {
            length = 0;
            return false;
        }

        Append(d, ref n, ",\"t\":"u8);
        n += WriteDigits(bar.T, d[n..]);
        if (bar.N != 0)
        {
            Append(d, ref n, ",\"n\":"u8);
            n += WriteDigits(bar.N, d[n..]);
        }

        d[n++] = (byte)'}';
        length = n;
        return true;
    }

    // Fixed-point numbers of at most 15 digits: below 1e15 every decimal has its own double.
    private const long MaxUnits = 1_000_000_000_000_000;

    /// <summary>
    /// Writes <paramref name="value"/> as the shortest round-trip text when it is the double of
    /// m·10⁻⁶ for an integer m below 1e15. Such a decimal has at most 15 significant digits, and no
    /// two of those share a double, so the shortest text that reads back as the value is m·10⁻⁶
    /// itself, which .NET prints in plain notation from 1e-5 up: digits, and a fraction without
    /// trailing zeros. The check <c>m / 1e6 == value</c> is the proof; values that fail it
    /// (and 0, negatives, huge or tiny ones) make the caller use the writer's formatting.
    /// </summary>
    private static bool TryAppendPrice(Span<byte> d, ref int n, ReadOnlySpan<byte> name, double value)
    {
        if (!(value is >= 1e-4 and < 1e9))
        {
            return false;
        }

        var millionths = Math.Round(value * 1e6);
        if (millionths / 1e6 != value)
        {
            return false;
        }

        Append(d, ref n, name);
        n += WriteFixed((long)millionths, 1_000_000, 6, d[n..]);
        return true;
    }

    /// <summary>units / divisor (= 10^scale) as digits, '.', and the fraction without trailing zeros (none if whole).</summary>
    /// <remarks>Inlined so the divisor is a constant: a 64-bit division by a variable cost more than the rest of the bar.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int WriteFixed(long units, long divisor, int scale, Span<byte> destination)
    {
        var whole = units / divisor;
        var fraction = units % divisor;
        var n = WriteDigits(whole, destination);
        if (fraction == 0)
        {
            return n;
        }

        var digits = scale;
        while (fraction % 10 == 0)
        {
            fraction /= 10;
            digits--;
        }

        destination[n++] = (byte)'.';
        for (var k = n + digits - 1; k >= n; k--)
        {
            destination[k] = (byte)('0' + (fraction % 10));
            fraction /= 10;
        }

        return n + digits;
    }

    /// <summary>A long in plain digits, as the writer prints it (culture-free; '-' for negatives).</summary>
    private static int WriteDigits(long value, Span<byte> destination)
    {
        Utf8Formatter.TryFormat(value, destination, out var written);
        return written;
    }

    private static void Append(Span<byte> d, ref int n, ReadOnlySpan<byte> text)
    {
        text.CopyTo(d[n..]);
        n += text.Length;
    }
}

/// <summary>
/// An append-only page of bars in pooled chunks of 1,024 (72 KB, under the 85,000-byte large-object
/// threshold): a 50,000-bar page used to be one growing List on the large-object heap per request.
/// </summary>
internal sealed class BarPage : IDisposable
{
    private const int ChunkShift = 10;
    private const int ChunkSize = 1 << ChunkShift;
    private readonly List<StubBar[]> _chunks = [];

    public int Count { get; private set; }

    public StubBar this[int index] => _chunks[index >> ChunkShift][index & (ChunkSize - 1)];

    public void Add(in StubBar bar)
    {
        var offset = Count & (ChunkSize - 1);
        if (offset == 0)
        {
            _chunks.Add(System.Buffers.ArrayPool<StubBar>.Shared.Rent(ChunkSize));
        }

        _chunks[^1][offset] = bar;
        Count++;
    }

    public void Dispose()
    {
        foreach (var chunk in _chunks)
        {
            System.Buffers.ArrayPool<StubBar>.Shared.Return(chunk);
        }

        _chunks.Clear();
        Count = 0;
    }
}
