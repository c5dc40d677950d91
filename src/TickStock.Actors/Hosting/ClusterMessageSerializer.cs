using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.Serialization;
using System.Text;
using System.Text.Json;
using Akka.Actor;
using Akka.Serialization;
using TickStock.Actors.Backtesting;
using TickStock.Actors.Symbols;
using TickStock.Core.Bars;

namespace TickStock.Actors.Hosting;

/// <summary>
/// A message that may cross cluster nodes (sharded commands and replies, singleton queries, anything the operator
/// tools ask across nodes). Bound to <see cref="ClusterMessageSerializer"/>: without this marker a message would fall to
/// Akka's default serializer, which the test configuration forbids (<c>serialize-messages = on</c>).
/// </summary>
public interface IClusterMessage;

/// <summary>The stable wire name (manifest) of an <see cref="IClusterMessage"/>; without it the type's full name is used.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, Inherited = false)]
public sealed class WireNameAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}

/// <summary>
/// Wire format of every <see cref="IClusterMessage"/>. The market data commands (one per bar, the hot path between
/// nodes) and a backtest worker's detected symbol (<see cref="BacktestWorkerCodec"/>) have a compact binary layout; everything else is System.Text.Json of the record, and a parameterless message
/// (a static <c>Instance</c>) is its manifest alone.
/// </summary>
/// <remarks>
/// Binary layout, little-endian: <c>[symbol: int32 length + UTF-8][bars: int32 count + 56 bytes per bar]</c> for
/// the bar commands (a single bar is a count of 1), bar = <c>time int64, open, high, low, close, volume float64,
/// session date int32, minute of session int32</c>; a tick is <c>[symbol][price, volume float64][time int64]</c>.
/// Manifests are <see cref="WireNameAttribute"/> names (short, stable across refactors) or type full names.
/// </remarks>
public sealed class ClusterMessageSerializer : SerializerWithStringManifest
{
    /// <summary>Serializer id in the HOCON bindings (unique per actor system; Akka's own ids are below 100).</summary>
    public const int Id = 721;

    private const int BarBytes = 56;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General) { IncludeFields = false };
    private static readonly Lazy<IReadOnlyDictionary<string, Type>> TypesByManifest = new(FindMessageTypes);
    private static readonly ConcurrentDictionary<Type, string> ManifestByType = new();

    public ClusterMessageSerializer(ExtendedActorSystem system)
        : base(system)
    {
    }

    public override int Identifier => Id;

    /// <summary>The manifest of <paramref name="type"/>: its <see cref="WireNameAttribute"/>, else its full name.</summary>
    public static string ManifestOf(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return ManifestByType.GetOrAdd(type, t => t.GetCustomAttribute<WireNameAttribute>()?.Name ?? t.FullName ?? t.Name);
    }

    /// <summary>Every <see cref="IClusterMessage"/> type of the loaded TickStock assemblies, by manifest (duplicates are a bug: they throw).</summary>
    public static IReadOnlyDictionary<string, Type> MessageTypes => TypesByManifest.Value;

    public override string Manifest(object o)
    {
        ArgumentNullException.ThrowIfNull(o);
        return ManifestOf(o.GetType());
    }

    public override byte[] ToBinary(object obj) => obj switch
    {
        SymbolCommands.MinuteBar m => WriteBars(m.Symbol, [m.Bar]),
        SymbolCommands.DailyBar d => WriteBars(d.Symbol, [d.Bar]),
        SymbolCommands.MinuteBars m => WriteBars(m.Symbol, m.Bars),
        SymbolCommands.SeedDailyBars s => WriteBars(s.Symbol, s.Bars),
        SymbolCommands.Tick t => WriteTick(t),
        BacktestWorkerMessages.SymbolDetected d => BacktestWorkerCodec.Write(d),
        IClusterMessage when SingletonOf(obj.GetType()) is not null => [],
        IClusterMessage => JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), Json),
        _ => throw new ArgumentException($"{obj?.GetType()} is not an IClusterMessage", nameof(obj)),
    };

    public override object FromBinary(byte[] bytes, string manifest)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (!TypesByManifest.Value.TryGetValue(manifest, out var type))
        {
            throw new SerializationException($"cluster message: unknown manifest '{manifest}' (a node of another version?)");
        }

        if (type == typeof(SymbolCommands.MinuteBar) || type == typeof(SymbolCommands.DailyBar)
            || type == typeof(SymbolCommands.MinuteBars) || type == typeof(SymbolCommands.SeedDailyBars))
        {
            var (symbol, bars) = ReadBars(bytes);
            if (type == typeof(SymbolCommands.MinuteBars)) return new SymbolCommands.MinuteBars(symbol, bars);
            if (type == typeof(SymbolCommands.SeedDailyBars)) return new SymbolCommands.SeedDailyBars(symbol, bars);
            if (bars.Length != 1) throw new SerializationException("cluster message: a single-bar command must carry one bar");
            return type == typeof(SymbolCommands.MinuteBar) ? new SymbolCommands.MinuteBar(symbol, bars[0]) : new SymbolCommands.DailyBar(symbol, bars[0]);
        }

        if (type == typeof(SymbolCommands.Tick)) return ReadTick(bytes);
        if (type == typeof(BacktestWorkerMessages.SymbolDetected)) return BacktestWorkerCodec.Read(bytes);
        if (SingletonOf(type) is { } instance) return instance;
        try
        {
            return JsonSerializer.Deserialize(bytes, type, Json) ?? throw new SerializationException($"cluster message: '{manifest}' is null");
        }
        catch (JsonException ex)
        {
            throw new SerializationException($"cluster message: '{manifest}' cannot be read: {ex.Message}", ex);
        }
    }

    private static object? SingletonOf(Type type) =>
        type.GetField("Instance", BindingFlags.Public | BindingFlags.Static) is { } field && field.FieldType == type ? field.GetValue(null) : null;

    private static Dictionary<string, Type> FindMessageTypes()
    {
        var types = new Dictionary<string, Type>(StringComparer.Ordinal);
        var assemblies = AppDomain.CurrentDomain.GetAssemblies()
            .Where(a => a == typeof(IClusterMessage).Assembly || (a.GetName().Name?.StartsWith("TickStock.", StringComparison.Ordinal) ?? false));
        foreach (var assembly in assemblies)
        {
            Type[] candidates;
            try
            {
                candidates = assembly.GetTypes();
            }
            catch (ReflectionTypeLoadException ex)
            {
                candidates = [.. ex.Types.OfType<Type>()];
            }

            foreach (var type in candidates.Where(t => !t.IsAbstract && !t.IsInterface && typeof(IClusterMessage).IsAssignableFrom(t)))
            {
                string manifest = ManifestOf(type);
                if (types.TryGetValue(manifest, out var other) && other != type)
                {
                    throw new InvalidOperationException($"cluster messages {other} and {type} share the wire name '{manifest}'");
                }

                types[manifest] = type;
            }
        }

        return types;
    }

    private static byte[] WriteBars(string symbol, IReadOnlyList<Bar> bars)
    {
        int nameLength = Encoding.UTF8.GetByteCount(symbol);
        var bytes = new byte[4 + nameLength + 4 + (BarBytes * bars.Count)];
        Span<byte> span = bytes;
        BinaryPrimitives.WriteInt32LittleEndian(span, nameLength);
        int at = 4 + Encoding.UTF8.GetBytes(symbol, span[4..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[at..], bars.Count);
        at += 4;
        for (int i = 0; i < bars.Count; i++)
        {
            Bar bar = bars[i];
            BinaryPrimitives.WriteInt64LittleEndian(span[at..], bar.TimeMs);
            BinaryPrimitives.WriteDoubleLittleEndian(span[(at + 8)..], bar.Open);
            BinaryPrimitives.WriteDoubleLittleEndian(span[(at + 16)..], bar.High);
            BinaryPrimitives.WriteDoubleLittleEndian(span[(at + 24)..], bar.Low);
            BinaryPrimitives.WriteDoubleLittleEndian(span[(at + 32)..], bar.Close);
            BinaryPrimitives.WriteDoubleLittleEndian(span[(at + 40)..], bar.Volume);
            BinaryPrimitives.WriteInt32LittleEndian(span[(at + 48)..], bar.SessionDate);
            BinaryPrimitives.WriteInt32LittleEndian(span[(at + 52)..], bar.MinuteOfSession);
            at += BarBytes;
        }

        return bytes;
    }

    private static (string Symbol, Bar[] Bars) ReadBars(byte[] bytes)
    {
        var reader = new Reader(bytes);
        string symbol = reader.Text();
        int count = reader.Int32();
        if (count < 0 || count > reader.Remaining / BarBytes) throw new SerializationException("cluster message: bad bar count");
        var bars = new Bar[count];
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<byte> b = reader.Take(BarBytes);
            bars[i] = new Bar(BinaryPrimitives.ReadInt64LittleEndian(b), BinaryPrimitives.ReadDoubleLittleEndian(b[8..]),
                BinaryPrimitives.ReadDoubleLittleEndian(b[16..]), BinaryPrimitives.ReadDoubleLittleEndian(b[24..]),
                BinaryPrimitives.ReadDoubleLittleEndian(b[32..]), BinaryPrimitives.ReadDoubleLittleEndian(b[40..]))
            {
                SessionDate = BinaryPrimitives.ReadInt32LittleEndian(b[48..]),
                MinuteOfSession = BinaryPrimitives.ReadInt32LittleEndian(b[52..]),
            };
        }

        reader.End();
        return (symbol, bars);
    }

    private static byte[] WriteTick(SymbolCommands.Tick tick)
    {
        int nameLength = Encoding.UTF8.GetByteCount(tick.Symbol);
        var bytes = new byte[4 + nameLength + 24];
        Span<byte> span = bytes;
        BinaryPrimitives.WriteInt32LittleEndian(span, nameLength);
        int at = 4 + Encoding.UTF8.GetBytes(tick.Symbol, span[4..]);
        BinaryPrimitives.WriteDoubleLittleEndian(span[at..], tick.Price);
        BinaryPrimitives.WriteDoubleLittleEndian(span[(at + 8)..], tick.Volume);
        BinaryPrimitives.WriteInt64LittleEndian(span[(at + 16)..], tick.TimeMs);
        return bytes;
    }

    private static SymbolCommands.Tick ReadTick(byte[] bytes)
    {
        var reader = new Reader(bytes);
        string symbol = reader.Text();
        ReadOnlySpan<byte> b = reader.Take(24);
        reader.End();
        return new SymbolCommands.Tick(symbol, BinaryPrimitives.ReadDoubleLittleEndian(b), BinaryPrimitives.ReadDoubleLittleEndian(b[8..]),
            BinaryPrimitives.ReadInt64LittleEndian(b[16..]));
    }

    /// <summary>Bounds-checked reads; a truncated or padded message is a <see cref="SerializationException"/>.</summary>
    private ref struct Reader(byte[] bytes)
    {
        private readonly ReadOnlySpan<byte> _bytes = bytes;
        private int _at;

        public readonly int Remaining => _bytes.Length - _at;

        public int Int32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

        public string Text()
        {
            int length = Int32();
            return Encoding.UTF8.GetString(Take(length));
        }

        public ReadOnlySpan<byte> Take(int count)
        {
            if (count < 0 || count > _bytes.Length - _at)
            {
                throw new SerializationException("cluster message: truncated");
            }

            ReadOnlySpan<byte> slice = _bytes.Slice(_at, count);
            _at += count;
            return slice;
        }

        public readonly void End()
        {
            if (_at != _bytes.Length)
            {
                throw new SerializationException("cluster message: trailing bytes");
            }
        }
    }
}
