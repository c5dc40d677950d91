using System.Buffers;

namespace TickStock.Actors.Publishing;

/// <summary>
/// Pooled memory for the messages of one publish: each message is copied into a 64 KiB chunk and
/// handed out as a slice, so a batch of events costs a few rented chunks instead of one array per
/// message. The chunks come from a pool of this class's own (bounded, no per-thread caches) and go
/// back to it only through <see cref="Release"/>, once nothing reads the slices any more.
/// </summary>
internal sealed class MessageArena
{
    private const int ChunkSize = 64 * 1024;

    // A 2,000-event batch of ~500-byte messages needs about 16 chunks at once; a few more are kept
    // for the next batch's overlap. Oversized messages get arrays of their own, pooled alike.
    private static readonly ArrayPool<byte> Pool = ArrayPool<byte>.Create(maxArrayLength: 1024 * 1024, maxArraysPerBucket: 24);

    private readonly List<byte[]> _chunks = [];
    private byte[]? _current;
    private int _used;

    /// <summary>Copies <paramref name="message"/> in; the slice stays valid until <see cref="Release"/>.</summary>
    public ReadOnlyMemory<byte> Add(ReadOnlySpan<byte> message)
    {
        if (_current is null || _current.Length - _used < message.Length)
        {
            _current = Pool.Rent(Math.Max(ChunkSize, message.Length));
            _chunks.Add(_current);
            _used = 0;
        }

        message.CopyTo(_current.AsSpan(_used));
        var slice = new ReadOnlyMemory<byte>(_current, _used, message.Length);
        _used += message.Length;
        return slice;
    }

    /// <summary>Every slice handed out is no longer read: the chunks go back to the pool.</summary>
    public void Release()
    {
        foreach (var chunk in _chunks) Pool.Return(chunk);
        _chunks.Clear();
        _current = null;
        _used = 0;
    }
}
