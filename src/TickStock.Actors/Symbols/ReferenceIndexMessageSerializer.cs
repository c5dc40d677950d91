using System.Buffers.Binary;
using System.Runtime.Serialization;
using System.Text;
using Akka.Actor;
using Akka.Serialization;
using TickStock.Core.Symbols;

namespace TickStock.Actors.Symbols;

/// <summary>
/// Binary wire format of the reference index's close stream (<see cref="IReferenceIndexMessage"/>) between cluster nodes.
/// </summary>
/// <remarks>
/// Why not the default JSON serializer: a snapshot holds up to ~2,900 closes, which as type-annotated JSON is a few
/// hundred kilobytes — over Akka.Remote's default 128,000-byte frame limit, so it would be dropped. Here each close is
/// 16 bytes (key, value), a full snapshot ≈ 46 kB. Layout, little-endian: closes and snapshots are
/// <c>[version 1][reference index: int32 length + UTF-8][incarnation int64][sequence int64][minutes: int32 count + (int64 key,
/// float64 close)…][daily: same]</c>; a snapshot request is the ticker in UTF-8.
/// </remarks>
public sealed class ReferenceIndexMessageSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    /// <summary>Serializer id in the HOCON bindings (unique per actor system; Akka's own ids are below 100).</summary>
    public const int Id = 720;

    private const string ClosesManifest = "BC";
    private const string SnapshotManifest = "BS";
    private const string RequestManifest = "BR";
    private const byte Version = 1;

    public override int Identifier => Id;

    public override string Manifest(object o) => o switch
    {
        ReferenceIndexMessages.Closes => ClosesManifest,
        ReferenceIndexMessages.Snapshot => SnapshotManifest,
        ReferenceIndexMessages.SnapshotRequest => RequestManifest,
        _ => throw new ArgumentException($"{o?.GetType()} is not a reference index message", nameof(o)),
    };

    public override byte[] ToBinary(object obj) => obj switch
    {
        ReferenceIndexMessages.Closes c => WriteCloses(c.ReferenceIndex, c.Incarnation, c.Sequence, c.Minutes, c.Daily),
        ReferenceIndexMessages.Snapshot s => WriteCloses(s.ReferenceIndex, s.Incarnation, s.Sequence, s.Minutes, s.Daily),
        ReferenceIndexMessages.SnapshotRequest r => Encoding.UTF8.GetBytes(r.Symbol),
        _ => throw new ArgumentException($"{obj?.GetType()} is not a reference index message", nameof(obj)),
    };

    public override object FromBinary(byte[] bytes, string manifest)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        switch (manifest)
        {
            case RequestManifest:
                return new ReferenceIndexMessages.SnapshotRequest(Encoding.UTF8.GetString(bytes));
            case ClosesManifest:
            case SnapshotManifest:
                var reader = new Reader(bytes);
                if (reader.Byte() != Version)
                {
                    throw new SerializationException("reference index message: unknown version");
                }

                string referenceIndex = reader.Text();
                long incarnation = reader.Int64();
                long sequence = reader.Int64();
                KeyedClose[] minutes = reader.Closes();
                KeyedClose[] daily = reader.Closes();
                reader.End();
                return manifest == ClosesManifest
                    ? new ReferenceIndexMessages.Closes(referenceIndex, incarnation, sequence, minutes, daily)
                    : new ReferenceIndexMessages.Snapshot(referenceIndex, incarnation, sequence, minutes, daily);
            default:
                throw new SerializationException($"reference index message: unknown manifest '{manifest}'");
        }
    }

    private static byte[] WriteCloses(string referenceIndex, long incarnation, long sequence, IReadOnlyList<KeyedClose> minutes, IReadOnlyList<KeyedClose> daily)
    {
        int nameLength = Encoding.UTF8.GetByteCount(referenceIndex);
        var bytes = new byte[1 + 4 + nameLength + 8 + 8 + 4 + (16 * minutes.Count) + 4 + (16 * daily.Count)];
        Span<byte> span = bytes;
        span[0] = Version;
        int at = 1;
        BinaryPrimitives.WriteInt32LittleEndian(span[at..], nameLength);
        at += 4;
        at += Encoding.UTF8.GetBytes(referenceIndex, span[at..]);
        BinaryPrimitives.WriteInt64LittleEndian(span[at..], incarnation);
        at += 8;
        BinaryPrimitives.WriteInt64LittleEndian(span[at..], sequence);
        at += 8;
        at = WriteList(span, at, minutes);
        WriteList(span, at, daily);
        return bytes;
    }

    private static int WriteList(Span<byte> span, int at, IReadOnlyList<KeyedClose> closes)
    {
        BinaryPrimitives.WriteInt32LittleEndian(span[at..], closes.Count);
        at += 4;
        for (int i = 0; i < closes.Count; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(span[at..], closes[i].Key);
            BinaryPrimitives.WriteDoubleLittleEndian(span[(at + 8)..], closes[i].Close);
            at += 16;
        }

        return at;
    }

    /// <summary>Bounds-checked reads; a truncated or padded message is a <see cref="SerializationException"/>.</summary>
    private ref struct Reader(byte[] bytes)
    {
        private readonly ReadOnlySpan<byte> _bytes = bytes;
        private int _at;

        public byte Byte() => Take(1)[0];

        public long Int64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

        public string Text()
        {
            int length = BinaryPrimitives.ReadInt32LittleEndian(Take(4));
            return Encoding.UTF8.GetString(Take(length));
        }

        public KeyedClose[] Closes()
        {
            int count = BinaryPrimitives.ReadInt32LittleEndian(Take(4));
            if (count < 0 || count > (_bytes.Length - _at) / 16)
            {
                throw new SerializationException("reference index message: bad close count");
            }

            var closes = new KeyedClose[count];
            for (int i = 0; i < count; i++)
            {
                ReadOnlySpan<byte> pair = Take(16);
                closes[i] = new KeyedClose(BinaryPrimitives.ReadInt64LittleEndian(pair), BinaryPrimitives.ReadDoubleLittleEndian(pair[8..]));
            }

            return closes;
        }

        public readonly void End()
        {
            if (_at != _bytes.Length)
            {
                throw new SerializationException("reference index message: trailing bytes");
            }
        }

        private ReadOnlySpan<byte> Take(int count)
        {
            if (count < 0 || count > _bytes.Length - _at)
            {
                throw new SerializationException("reference index message: truncated");
            }

            ReadOnlySpan<byte> slice = _bytes.Slice(_at, count);
            _at += count;
            return slice;
        }
    }
}
