using Akka;
using Akka.Event;
using Akka.Streams;
using Akka.Streams.Dsl;
using Npgsql;
using StackExchange.Redis;
using TickStock.Actors.Diagnostics;
using TickStock.Actors.Infrastructure;
using TickStock.Actors.Symbols;
using TickStock.Core.BarFiles;
using TickStock.Core.Bars;

namespace TickStock.Actors.MarketData;

/// <summary>Counters of the redis tick source.</summary>
public sealed class TickSourceCounters
{
    private long _received;
    private long _rejected;

    public long Received => Interlocked.Read(ref _received);

    public long Rejected => Interlocked.Read(ref _rejected);

    internal long CountReceived() => Interlocked.Increment(ref _received);

    internal long CountRejected() => Interlocked.Increment(ref _rejected);
}

/// <summary>The Akka.Streams sources of symbol commands, one per TICKSTOCK_MARKET_DATA value.</summary>
public static class MarketDataSources
{
    /// <summary>Synthetic at the fast pace: history first, then minute bars throttled to <c>speed × symbols</c> bars per second.</summary>
    /// <param name="referenceIndex">Also streamed (first in every minute) so relative strength has its closes; null = none.</param>
    public static Source<IWithSymbol, NotUsed> Synthetic(IReadOnlyList<string> symbols, double speed, DateOnly? firstSession = null, string? referenceIndex = "SPY")
    {
        var feed = new SyntheticFeed(symbols, firstSession, referenceIndex: referenceIndex);
        return History(feed).Concat(Fast(Source.From(feed.Minutes()), speed, feed.Symbols.Count));
    }

    /// <summary>
    /// Synthetic at the live pace (<see cref="SyntheticSchedule"/>): history first, then the first
    /// <see cref="SyntheticSchedule.CatchUpMinutes"/> of <see cref="SyntheticSchedule.FirstSession"/> at
    /// <paramref name="catchUpSpeed"/> bars per second per symbol, then every symbol's next minute once per
    /// <see cref="SyntheticSchedule.LiveInterval"/>, the first of them one interval after the catch-up.
    /// </summary>
    public static Source<IWithSymbol, NotUsed> SyntheticLive(IReadOnlyList<string> symbols, SyntheticSchedule schedule, double catchUpSpeed,
        string? referenceIndex = "SPY")
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var feed = new SyntheticFeed(symbols, schedule.FirstSession, referenceIndex: referenceIndex);
        int perMinute = feed.Symbols.Count;
        // One enumeration of the endless minutes (the walks are stateful), cut into whole minutes of every symbol.
        return History(feed).Concat(Source.From(feed.Minutes().Chunk(perMinute))
            .PrefixAndTail(schedule.CatchUpMinutes)
            .ConcatMany(split =>
            {
                var (caughtUp, later) = split;
                Source<IWithSymbol, NotUsed> live = later
                    .InitialDelay(SyntheticSchedule.LiveInterval)
                    .Throttle(1, SyntheticSchedule.LiveInterval, 1, ThrottleMode.Shaping)
                    .SelectMany(minute => minute)
                    .Select(m => (IWithSymbol)m);
                return Fast(Source.From(caughtUp.SelectMany(minute => minute)), catchUpSpeed, perMinute).Concat(live);
            }));
    }

    private static Source<IWithSymbol, NotUsed> History(SyntheticFeed feed) => Source.From(feed.DailyHistory()).Select(m => (IWithSymbol)m);

    private static Source<IWithSymbol, NotUsed> Fast(Source<SymbolCommands.MinuteBar, NotUsed> minutes, double speed, int symbols)
    {
        int perSecond = Math.Max(1, (int)Math.Round(speed * Math.Max(1, symbols)));
        return minutes.Select(m => (IWithSymbol)m).Throttle(perSecond, TimeSpan.FromSeconds(1), Math.Max(1, perSecond / 10), ThrottleMode.Shaping);
    }

    /// <summary>
    /// Replay of CSV bar files (a file, or every *.csv of a folder; symbol = file name up to '_' or '.') in time order,
    /// paced at <paramref name="speed"/> × real time (gaps longer than a second of wall time are shortened to one).
    /// </summary>
    public static Source<IWithSymbol, NotUsed> ReplayFiles(string path, double speed) =>
        // Read when the stream runs, not when the source is built (that is on the feed actor's thread); an unreadable
        // file fails the stream, which the feed actor reports and restarts with back-off.
        Source.FromEnumerator(() => ReadFiles(path).GetEnumerator()).Via(PacedFlow(speed));

    private static IEnumerable<(long Time, IWithSymbol Command)> ReadFiles(string path)
    {
        var files = Directory.Exists(path) ? Directory.GetFiles(path, "*.csv").Order(StringComparer.Ordinal).ToArray() : [path];
        var rows = new List<(long Time, int Order, IWithSymbol Command)>();
        int order = 0;
        foreach (string file in files)
        {
            string stem = Path.GetFileNameWithoutExtension(file);
            string symbol = (stem.Contains('_', StringComparison.Ordinal) ? stem[..stem.IndexOf('_', StringComparison.Ordinal)] : stem).ToUpperInvariant();
            try
            {
                using var reader = new StreamReader(file);
                foreach (BarRow row in BarFileReader.Read(reader))
                {
                    IWithSymbol command = row.Bar.MinuteOfSession == -1
                        ? new SymbolCommands.DailyBar(symbol, row.Bar)
                        : new SymbolCommands.MinuteBar(symbol, row.Bar);
                    rows.Add((row.Bar.TimeMs, order++, command));
                }
            }
            catch (BarFileFormatException ex)
            {
                throw new BarFileFormatException($"{file}: {ex.Message}", ex);
            }
        }

        rows.Sort((a, b) => a.Time != b.Time ? a.Time.CompareTo(b.Time) : a.Order.CompareTo(b.Order));
        foreach (var row in rows)
        {
            yield return (row.Time, row.Command);
        }
    }

    /// <summary>Replay of stored <c>ohlcv_1min</c> rows in time order (streamed from PostgreSQL), paced like files.</summary>
    public static Source<IWithSymbol, NotUsed> ReplayDatabase(NpgsqlDataSource dataSource, double speed) =>
        Source.From(() => ReadMinutes(dataSource)).Via(PacedFlow(speed));

    /// <summary>Ticks from Redis pub/sub, parsed into <see cref="SymbolCommands.Tick"/>; bad or huge messages are logged and counted.</summary>
    public static Source<IWithSymbol, NotUsed> RedisTicks(RedisConnectionProvider redis, string channel, ILoggingAdapter log, TickSourceCounters counters) =>
        Source.From(() => ReadTicks(redis, channel, log, counters));

    private static async IAsyncEnumerable<IWithSymbol> ReadTicks(RedisConnectionProvider redis, string channel, ILoggingAdapter log, TickSourceCounters counters)
    {
        IConnectionMultiplexer connection = await redis.GetAsync().ConfigureAwait(false);
        // The multiplexer re-subscribes by itself after a reconnect; the queue keeps delivering.
        ChannelMessageQueue queue = await connection.GetSubscriber().SubscribeAsync(RedisChannel.Literal(channel)).ConfigureAwait(false);
        log.Info("Market data: subscribed to ticks on {0} ({1})", channel, redis.Endpoint);
        try
        {
            while (true)
            {
                ChannelMessage message = await queue.ReadAsync().ConfigureAwait(false);
                counters.CountReceived();
                byte[]? payload = message.Message;
                if (payload is not null && TickMessageParser.TryParse(payload, out SymbolCommands.Tick? tick, out string? error))
                {
                    yield return tick!;
                    continue;
                }

                long rejected = counters.CountRejected();
                PipelineCounters.InboundRefused(channel, "invalid_tick");
                if (rejected <= 10 || rejected % 1000 == 0)
                {
                    log.Warning("Market data: rejected tick message #{0} on {1}: {2}", rejected, channel, payload is null ? "empty message" : TickMessageParser.Describe(payload));
                }
            }
        }
        finally
        {
            await queue.UnsubscribeAsync().ConfigureAwait(false);
        }
    }

    private static async IAsyncEnumerable<(long Time, IWithSymbol Command)> ReadMinutes(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT symbol, \"timestamp\", open, high, low, close, volume FROM ohlcv_1min ORDER BY \"timestamp\", symbol");
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            if (reader.IsDBNull(2) || reader.IsDBNull(3) || reader.IsDBNull(4) || reader.IsDBNull(5)) continue;
            long ms = new DateTimeOffset(reader.GetFieldValue<DateTime>(1)).ToUnixTimeMilliseconds();
            var bar = Core.Symbols.MinuteBarBuilder.Stamp(new Bar(ms, (double)reader.GetDecimal(2), (double)reader.GetDecimal(3),
                (double)reader.GetDecimal(4), (double)reader.GetDecimal(5), reader.IsDBNull(6) ? 0 : reader.GetInt64(6)));
            yield return (ms, new SymbolCommands.MinuteBar(reader.GetString(0).Trim().ToUpperInvariant(), bar));
        }
    }

    /// <summary>Waits (stream-side, never on an actor thread) for the scaled gap between consecutive bar times.</summary>
    private static Flow<(long Time, IWithSymbol Command), IWithSymbol, NotUsed> PacedFlow(double speed)
    {
        long? previous = null;
        return Flow.Create<(long Time, IWithSymbol Command)>()
            .SelectAsync(1, async row =>
            {
                if (previous is { } p && row.Time > p)
                {
                    double wait = Math.Min(1000, (row.Time - p) / speed);
                    if (wait >= 1) await Task.Delay(TimeSpan.FromMilliseconds(wait)).ConfigureAwait(false);
                }

                previous = row.Time;
                return row.Command;
            });
    }
}
