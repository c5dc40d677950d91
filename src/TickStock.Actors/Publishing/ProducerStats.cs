using TickStock.Core.Polygon;

namespace TickStock.Actors.Publishing;

/// <summary>
/// Counters of the producer, written by the pipeline actors and read by heartbeats, health and the
/// CLI inspector. Plain interlocked fields: cheap on the per-event path, readable from anywhere.
/// </summary>
public sealed class ProducerStats(TimeProvider? clock = null)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private long _patternsDetected;
    private long _patternsPublished;
    private long _patternsExpired;
    private long _patternsRejected;
    private long _rowsWritten;
    private long _rowsSpilled;
    private long _malformedMessages;
    private long _lastPatternUnixMs;
    private long _bufferedEvents;
    private long _unflushedRows;
    private int _redisDown;
    private int _postgresDown;
    private int _spillFailing;
    private long _spillFailures;
    private long _spillRowsHeld;

    public DateTimeOffset StartedAt { get; } = (clock ?? TimeProvider.System).GetUtcNow();

    /// <summary>The provider's recent answers to this process's requests (the <c>polygon</c> health component).</summary>
    public ProviderAnswers Provider { get; } = new();

    public long PatternsDetected => Interlocked.Read(ref _patternsDetected);
    public long PatternsPublished => Interlocked.Read(ref _patternsPublished);
    public long PatternsExpired => Interlocked.Read(ref _patternsExpired);
    public long PatternsRejected => Interlocked.Read(ref _patternsRejected);
    public long RowsWritten => Interlocked.Read(ref _rowsWritten);
    public long RowsSpilled => Interlocked.Read(ref _rowsSpilled);
    public long MalformedMessages => Interlocked.Read(ref _malformedMessages);
    public long BufferedEvents => Interlocked.Read(ref _bufferedEvents);

    /// <summary>Audit rows committed but not yet reported flushed by PostgreSQL (kept by the IntegrationLogger until they are).</summary>
    public long UnflushedRows => Interlocked.Read(ref _unflushedRows);
    public bool RedisDown => Volatile.Read(ref _redisDown) == 1;
    public bool PostgresDown => Volatile.Read(ref _postgresDown) == 1;

    /// <summary>True while the spill file cannot be written (with PostgreSQL down too, audit rows wait in memory).</summary>
    public bool SpillFailing => Volatile.Read(ref _spillFailing) == 1;

    /// <summary>Failed appends to the spill file since start.</summary>
    public long SpillFailures => Interlocked.Read(ref _spillFailures);

    /// <summary>Unix seconds of the last detected pattern, or null before the first.</summary>
    public double? LastPatternTime => Interlocked.Read(ref _lastPatternUnixMs) is var ms and > 0 ? ms / 1000.0 : null;

    public long UptimeSeconds => (long)(_clock.GetUtcNow() - StartedAt).TotalSeconds;

    public void PatternDetected(double detectedAtUnix)
    {
        Interlocked.Increment(ref _patternsDetected);
        Interlocked.Exchange(ref _lastPatternUnixMs, (long)(detectedAtUnix * 1000));
    }

    public void Published(int count) => Interlocked.Add(ref _patternsPublished, count);
    public void Expired(int count) => Interlocked.Add(ref _patternsExpired, count);
    public void Rejected() => Interlocked.Increment(ref _patternsRejected);
    public void RowsCommitted(int count) => Interlocked.Add(ref _rowsWritten, count);
    public void Spilled(int count) => Interlocked.Add(ref _rowsSpilled, count);

    /// <summary>Rows in the spill file now, waiting for PostgreSQL (set by the spill actor after each append and drain).</summary>
    public long SpillRowsHeld => Interlocked.Read(ref _spillRowsHeld);

    public void SetSpillRowsHeld(long rows) => Interlocked.Exchange(ref _spillRowsHeld, rows);
    public void Malformed() => Interlocked.Increment(ref _malformedMessages);
    public void SetBuffered(long count) => Interlocked.Exchange(ref _bufferedEvents, count);
    public void SetUnflushedRows(long count) => Interlocked.Exchange(ref _unflushedRows, count);
    public void SetRedisDown(bool down) => Volatile.Write(ref _redisDown, down ? 1 : 0);
    public void SetPostgresDown(bool down) => Volatile.Write(ref _postgresDown, down ? 1 : 0);
    public void SpillFailed() => Interlocked.Increment(ref _spillFailures);
    public void SetSpillFailing(bool failing) => Volatile.Write(ref _spillFailing, failing ? 1 : 0);
}
