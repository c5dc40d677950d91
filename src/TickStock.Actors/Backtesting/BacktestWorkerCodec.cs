using System.Buffers.Binary;
using System.Runtime.Serialization;
using System.Text;
using TickStock.Core.Backtesting;
using TickStock.Core.Bars;
using TickStock.Core.Detectors;
using static TickStock.Actors.Backtesting.BacktestWorkerMessages;

namespace TickStock.Actors.Backtesting;

/// <summary>
/// Binary layout of <see cref="SymbolDetected"/>, the one backtest message with bulk in it (five years of a symbol's
/// bars and signals: JSON would be several times larger and slower to write and read). Little-endian:
/// <c>[job id][node][symbol]</c> (each int32 length + UTF-8), <c>[bars: int32 count + 44 bytes per bar]</c> with
/// bar = <c>epoch day int32, open, high, low, close, volume float64</c>, <c>[signals: int32 count + 6 bytes per
/// signal]</c> with signal = <c>bar index int32, pattern uint8, direction int8</c>.
/// </summary>
/// <remarks>
/// The doubles travel as their bits, so the account simulation sees exactly the values the worker read. Bars are
/// daily bars as <see cref="Bar.Daily"/> makes them (what the workers read): the reader rebuilds each one with
/// <see cref="Bar.Daily"/> from its date, which also restores the session date; the writer refuses any other bar
/// rather than let it change on the way. 5 years (1,262 bars) take 56 KB: well inside the remoting frame.
/// </remarks>
public static class BacktestWorkerCodec
{
    private const int BarBytes = 44;
    private const int SignalBytes = 6;

    public static byte[] Write(SymbolDetected message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var signals = message.Signals;
        var bars = signals.Bars;
        var list = signals.Signals;
        int size = Text(message.JobId) + Text(message.Node) + Text(signals.Symbol) + 4 + (BarBytes * bars.Count) + 4 + (SignalBytes * list.Count);
        var bytes = new byte[size];
        var span = bytes.AsSpan();
        int at = WriteText(span, 0, message.JobId);
        at = WriteText(span, at, message.Node);
        at = WriteText(span, at, signals.Symbol);
        BinaryPrimitives.WriteInt32LittleEndian(span[at..], bars.Count);
        at += 4;
        for (int i = 0; i < bars.Count; i++)
        {
            Bar bar = bars[i];
            if (bar != DailyOf(bar.EpochDay, bar.Open, bar.High, bar.Low, bar.Close, bar.Volume))
            {
                throw new ArgumentException($"{signals.Symbol}: bar {i} is not a daily bar as Bar.Daily makes it", nameof(message));
            }

            BinaryPrimitives.WriteInt32LittleEndian(span[at..], checked((int)bar.EpochDay));
            BinaryPrimitives.WriteDoubleLittleEndian(span[(at + 4)..], bar.Open);
            BinaryPrimitives.WriteDoubleLittleEndian(span[(at + 12)..], bar.High);
            BinaryPrimitives.WriteDoubleLittleEndian(span[(at + 20)..], bar.Low);
            BinaryPrimitives.WriteDoubleLittleEndian(span[(at + 28)..], bar.Close);
            BinaryPrimitives.WriteDoubleLittleEndian(span[(at + 36)..], bar.Volume);
            at += BarBytes;
        }

        BinaryPrimitives.WriteInt32LittleEndian(span[at..], list.Count);
        at += 4;
        for (int i = 0; i < list.Count; i++)
        {
            Signal signal = list[i];
            BinaryPrimitives.WriteInt32LittleEndian(span[at..], signal.BarIndex);
            span[at + 4] = checked((byte)signal.Kind);
            span[at + 5] = unchecked((byte)checked((sbyte)signal.Direction)); // bearish is -1
            at += SignalBytes;
        }

        return bytes;
    }

    public static SymbolDetected Read(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        int at = 0;
        string jobId = ReadText(bytes, ref at);
        string node = ReadText(bytes, ref at);
        string symbol = ReadText(bytes, ref at);
        var bars = new Bar[Count(bytes, ref at, BarBytes)];
        for (int i = 0; i < bars.Length; i++)
        {
            ReadOnlySpan<byte> b = bytes.AsSpan(at, BarBytes);
            bars[i] = DailyOf(BinaryPrimitives.ReadInt32LittleEndian(b), BinaryPrimitives.ReadDoubleLittleEndian(b[4..]),
                BinaryPrimitives.ReadDoubleLittleEndian(b[12..]), BinaryPrimitives.ReadDoubleLittleEndian(b[20..]),
                BinaryPrimitives.ReadDoubleLittleEndian(b[28..]), BinaryPrimitives.ReadDoubleLittleEndian(b[36..]));
            at += BarBytes;
        }

        var signals = new Signal[Count(bytes, ref at, SignalBytes)];
        for (int i = 0; i < signals.Length; i++)
        {
            ReadOnlySpan<byte> s = bytes.AsSpan(at, SignalBytes);
            var kind = (PatternKind)s[4];
            var direction = (Direction)unchecked((sbyte)s[5]);
            if (!Enum.IsDefined(kind) || !Enum.IsDefined(direction))
            {
                throw new SerializationException("backtest message: unknown pattern or direction (a node of another version?)");
            }

            signals[i] = new Signal(BinaryPrimitives.ReadInt32LittleEndian(s), kind, direction);
            at += SignalBytes;
        }

        if (at != bytes.Length)
        {
            throw new SerializationException("backtest message: trailing bytes");
        }

        try
        {
            return new SymbolDetected(jobId, node, new SymbolSignals(symbol, bars, signals));
        }
        catch (ArgumentException ex)
        {
            throw new SerializationException("backtest message: " + ex.Message, ex);
        }
    }

    private static Bar DailyOf(long epochDay, double open, double high, double low, double close, double volume) =>
        Bar.Daily(SymbolHistory.DateOfEpochDay(epochDay), open, high, low, close, volume);

    private static int Text(string text) => 4 + Encoding.UTF8.GetByteCount(text);

    private static int WriteText(Span<byte> span, int at, string text)
    {
        int length = Encoding.UTF8.GetBytes(text, span[(at + 4)..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[at..], length);
        return at + 4 + length;
    }

    private static string ReadText(byte[] bytes, ref int at)
    {
        int length = Count(bytes, ref at, 1);
        string text = Encoding.UTF8.GetString(bytes, at, length);
        at += length;
        return text;
    }

    /// <summary>An int32 count of items of <paramref name="itemBytes"/> each that must fit in what is left.</summary>
    private static int Count(byte[] bytes, ref int at, int itemBytes)
    {
        if (bytes.Length - at < 4)
        {
            throw new SerializationException("backtest message: truncated");
        }

        int count = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(at));
        at += 4;
        if (count < 0 || count > (bytes.Length - at) / itemBytes)
        {
            throw new SerializationException("backtest message: truncated or bad count");
        }

        return count;
    }
}
