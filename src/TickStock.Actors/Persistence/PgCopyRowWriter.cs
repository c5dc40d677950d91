using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Npgsql;

namespace TickStock.Actors.Persistence;

/// <summary>
/// Rows in PostgreSQL's binary COPY format (the "Binary Format" section of the COPY reference),
/// encoded into a pooled 64 KiB buffer and written to a raw COPY stream whenever it fills
/// (Npgsql's <c>BeginRawBinaryCopyAsync</c>). The writer of the OHLCV tables uses it instead of
/// <c>NpgsqlBinaryImporter</c>, whose per-value path (a generic state machine per field, a
/// <c>PgNumeric.Builder</c> per decimal) was the largest part of the daemon's own CPU in a history
/// load: 8 % of the machine's samples against 2 % for parsing the provider's JSON (perf, 2026-12-04).
/// The integration log's COPY uses it too. Only the types those tables hold are here; the server
/// checks every value as it would from the importer.
/// </summary>
/// <remarks>
/// <see cref="Flush"/> writes synchronously: on a raw COPY stream that lands in Npgsql's write
/// buffer and only a full one touches the socket. Callers run on the thread pool, never an actor's thread.
/// </remarks>
public sealed class PgCopyRowWriter : IDisposable
{
    private const int BufferSize = 64 * 1024;

    /// <summary>The most bytes one field takes (a numeric: 8 header bytes and at most 10 base-10000 digits; a value length).</summary>
    private const int MaxFixedField = 4 + 8 + (2 * 10);

    /// <summary>"PGCOPY\n\377\r\n\0": 11 bytes (a u8 literal would encode \xff as two).</summary>
    private static readonly byte[] Signature = [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0];
    private static readonly long PostgresEpochTicks = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;
    private static readonly int PostgresEpochDay = new DateOnly(2000, 1, 1).DayNumber;

    private readonly Stream _destination;
    private byte[] _buffer;
    private int _length;

    /// <summary>
    /// One binary COPY on <paramref name="connection"/> (in its transaction, if one is open) of the rows
    /// <paramref name="writeRows"/> encodes. Ending the raw stream ends the COPY, so a failure while
    /// encoding cancels it instead: nothing of the batch is kept. The encoder's writes are synchronous
    /// (see remarks); callers run on the thread pool.
    /// </summary>
    public static async Task CopyAsync(NpgsqlConnection connection, string copyCommand, Action<PgCopyRowWriter> writeRows, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(writeRows);
        var stream = await connection.BeginRawBinaryCopyAsync(copyCommand, ct).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            try
            {
                using var copy = new PgCopyRowWriter(stream);
                writeRows(copy);
                copy.Complete();
            }
            catch
            {
                await stream.CancelAsync().ConfigureAwait(false);
                throw;
            }
        }
    }

    /// <summary>Starts the stream with the format's header (signature, no flags, no extension).</summary>
    public PgCopyRowWriter(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        _destination = destination;
        _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        Signature.CopyTo(_buffer, 0);
        _length = Signature.Length;
        WriteInt32(0); // flags
        WriteInt32(0); // header extension length
    }

    /// <summary>Starts a row of <paramref name="fields"/> values.</summary>
    public void StartRow(short fields)
    {
        Reserve(2);
        BinaryPrimitives.WriteInt16BigEndian(_buffer.AsSpan(_length), fields);
        _length += 2;
    }

    /// <summary>A text value (text, varchar), UTF-8.</summary>
    public void Text(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var bytes = Encoding.UTF8.GetByteCount(value);
        Reserve(4 + bytes);
        WriteInt32(bytes);
        _length += Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_length));
    }

    /// <summary>A text value, or NULL.</summary>
    public void TextOrNull(string? value)
    {
        if (value is null) Null();
        else Text(value);
    }

    /// <summary>A jsonb value: format version 1, then the JSON text in UTF-8 (the server parses it as it parses text).</summary>
    public void Jsonb(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var bytes = Encoding.UTF8.GetByteCount(json);
        Reserve(5 + bytes);
        WriteInt32(1 + bytes);
        _buffer[_length++] = 1;
        _length += Encoding.UTF8.GetBytes(json, _buffer.AsSpan(_length));
    }

    /// <summary>A jsonb value, or NULL.</summary>
    public void JsonbOrNull(string? json)
    {
        if (json is null) Null();
        else Jsonb(json);
    }

    /// <summary>A uuid: its 16 bytes in RFC 4122 (big-endian) order.</summary>
    public void Uuid(Guid value)
    {
        Reserve(20);
        WriteInt32(16);
        value.TryWriteBytes(_buffer.AsSpan(_length, 16), bigEndian: true, out _);
        _length += 16;
    }

    /// <summary>A numeric, or NULL.</summary>
    public void NumericOrNull(decimal? value)
    {
        if (value is { } v) Numeric(v);
        else Null();
    }

    /// <summary>A NULL of any type (length -1, no bytes).</summary>
    public void Null()
    {
        Reserve(4);
        WriteInt32(-1);
    }

    /// <summary>A timestamptz: microseconds since 2000-01-01 UTC (sub-microsecond ticks truncated, as Npgsql does).</summary>
    public void TimestampTz(DateTime utc)
    {
        if (utc.Kind != DateTimeKind.Utc) throw new ArgumentException("a timestamptz must be written from a UTC DateTime", nameof(utc));
        Int64Field((utc.Ticks - PostgresEpochTicks) / 10);
    }

    /// <summary>A date: days since 2000-01-01.</summary>
    public void Date(DateOnly date)
    {
        Reserve(8);
        WriteInt32(4);
        WriteInt32(date.DayNumber - PostgresEpochDay);
    }

    /// <summary>A bigint.</summary>
    public void Int64(long value) => Int64Field(value);

    /// <summary>
    /// A numeric, exactly the decimal's value and scale: base-10000 digits, most significant first,
    /// no trailing zero digits; the column's typmod (NUMERIC(10,2)) then rounds on the server as it
    /// does for any client.
    /// </summary>
    public void Numeric(decimal value)
    {
        Reserve(MaxFixedField);
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        var negative = bits[3] < 0;
        var scale = (bits[3] >> 16) & 0xFF;
        var mantissa = ((UInt128)(uint)bits[2] << 64) | ((UInt128)(uint)bits[1] << 32) | (uint)bits[0];

        // Pad the scale to whole base-10000 digits: 123.45 (12345, scale 2) becomes 1234500 with one fractional digit.
        var pad = (4 - (scale % 4)) % 4;
        for (var i = 0; i < pad; i++) mantissa *= 10;
        var fractionDigits = (scale + pad) / 4;

        Span<short> digits = stackalloc short[10]; // least significant first; 96 bits × 1000 < 10000^9
        var count = 0;
        if (mantissa <= ulong.MaxValue)
        {
            var small = (ulong)mantissa;
            while (small != 0)
            {
                (small, var digit) = ulong.DivRem(small, 10_000);
                digits[count++] = (short)digit;
            }
        }
        else
        {
            while (mantissa != 0)
            {
                (mantissa, var digit) = UInt128.DivRem(mantissa, 10_000);
                digits[count++] = (short)(ulong)digit;
            }
        }

        var trailingZeros = 0;
        while (trailingZeros < count && digits[trailingZeros] == 0) trailingZeros++;
        var ndigits = count - trailingZeros;
        var weight = ndigits == 0 ? 0 : count - 1 - fractionDigits;

        WriteInt32(8 + (2 * ndigits));
        WriteInt16((short)ndigits);
        WriteInt16((short)weight);
        WriteInt16(negative && ndigits > 0 ? (short)0x4000 : (short)0);
        WriteInt16((short)scale);
        for (var i = count - 1; i >= trailingZeros; i--) WriteInt16(digits[i]);
    }

    /// <summary>Ends the stream (the format's trailer) and writes out what is buffered.</summary>
    public void Complete()
    {
        Reserve(2);
        WriteInt16(-1);
        Flush();
    }

    /// <summary>Writes out the buffered bytes.</summary>
    public void Flush()
    {
        if (_length == 0) return;
        _destination.Write(_buffer, 0, _length);
        _length = 0;
    }

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        if (buffer.Length > 0) ArrayPool<byte>.Shared.Return(buffer);
    }

    private void Int64Field(long value)
    {
        Reserve(12);
        WriteInt32(8);
        BinaryPrimitives.WriteInt64BigEndian(_buffer.AsSpan(_length), value);
        _length += 8;
    }

    /// <summary>Room for <paramref name="bytes"/> more: flushes first when they do not fit; grows only for a value bigger than the buffer.</summary>
    private void Reserve(int bytes)
    {
        if (_length + bytes <= _buffer.Length) return;
        Flush();
        if (bytes <= _buffer.Length) return;
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = ArrayPool<byte>.Shared.Rent(bytes);
    }

    private void WriteInt32(int value)
    {
        BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(_length), value);
        _length += 4;
    }

    private void WriteInt16(short value)
    {
        BinaryPrimitives.WriteInt16BigEndian(_buffer.AsSpan(_length), value);
        _length += 2;
    }
}
