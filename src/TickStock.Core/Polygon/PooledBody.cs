using System.Buffers;
using System.Globalization;
using System.Text;

namespace TickStock.Core.Polygon;

/// <summary>
/// A response body read into an array rented from a small pool of its own. A 50,000-bar page is
/// ~5 MB: read into a fresh <c>byte[]</c> (and again into a string) it left large-object-heap
/// garbage on every call, which set the daemon's peak RSS. Dispose returns the array; the span must
/// not be used after that.
/// </summary>
public sealed class PooledBody : IDisposable
{
    /// <summary>Bodies beyond this are refused: no aggregates page comes near it, a runaway server might.</summary>
    public const int DefaultMaxBytes = 256 * 1024 * 1024;

    private const int InitialSize = 64 * 1024;

    // Not ArrayPool.Shared: that one caches an array of each size per thread (thread-local) besides
    // its per-core stacks, and trims them only on gen-2 collections. A chunked page (no
    // Content-Length) grows through 64 KB … 8 MB, so over a long job each pool thread that ever read
    // a page could keep ~16 MB. This pool holds at most four arrays per size (~64 MB at worst) and
    // hands out fresh, unpooled arrays beyond 32 MB.
    private static readonly ArrayPool<byte> Pool = ArrayPool<byte>.Create(maxArrayLength: 32 * 1024 * 1024, maxArraysPerBucket: 4);

    private byte[]? _array;
    private int _length;

    private PooledBody(byte[] array, int length, string? error)
    {
        _array = array;
        _length = length;
        Error = error;
    }

    /// <summary>The body bytes read (all of them unless <see cref="Error"/> is set).</summary>
    public ReadOnlySpan<byte> Span => _array is null ? [] : _array.AsSpan(0, _length);

    public int Length => _length;

    /// <summary>Why the body was cut short (it exceeded the limit), or null.</summary>
    public string? Error { get; }

    /// <summary>
    /// Reads <paramref name="stream"/> to its end. <paramref name="lengthHint"/> (Content-Length, when
    /// known and not compressed) sizes the first array so a page needs no growing copies.
    /// </summary>
    public static async Task<PooledBody> ReadAsync(Stream stream, CancellationToken cancellationToken, long? lengthHint = null, int maxBytes = DefaultMaxBytes)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);

        // One byte beyond the hint, so the read that meets the end does not force a grow.
        var size = lengthHint is > 0 and var hint && hint < maxBytes ? (int)hint + 1 : Math.Min(InitialSize, maxBytes + 1);
        var array = Pool.Rent(size);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == array.Length)
                {
                    var larger = Pool.Rent((int)Math.Min((long)array.Length * 2, (long)maxBytes + 1));
                    array.AsSpan(0, length).CopyTo(larger);
                    Pool.Return(array);
                    array = larger;
                }

                var read = await stream.ReadAsync(array.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return new PooledBody(array, length, null);
                }

                length += read;
                if (length > maxBytes)
                {
                    return new PooledBody(array, maxBytes, string.Create(CultureInfo.InvariantCulture, $"is larger than {maxBytes} bytes"));
                }
            }
        }
        catch
        {
            Pool.Return(array);
            throw;
        }
    }

    /// <summary>The body as text (UTF-8), for error descriptions; at most <paramref name="maxBytes"/> bytes of it.</summary>
    public string ToText(int maxBytes = 64 * 1024) => Encoding.UTF8.GetString(Span[..Math.Min(_length, maxBytes)]);

    public void Dispose()
    {
        if (_array is { } array)
        {
            _array = null;
            _length = 0;
            Pool.Return(array);
        }
    }
}
