using System.Text;
using System.Text.Json;

namespace TickStock.Actors.Publishing;

/// <summary>
/// Local append-only file for integration rows written while PostgreSQL is unreachable (contract
/// §3.2 exception: delivery beats audit). One JSON object per line, flushed to disk per batch.
/// Draining renames the file first, so rows appended during a drain are never lost; a drain that
/// dies half-way is retried from its renamed file. Draining inserts only the rows not already in
/// the table, so such a retry — or a row spilled after a write whose commit answer was lost —
/// is not inserted twice.
/// </summary>
/// <param name="maxBytes">Bound of the file and the one being drained together; an append past it throws <see cref="SpillFileFullException"/>.</param>
public sealed class SpillFile(string path, long maxBytes = long.MaxValue)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly SemaphoreSlim _appendGate = new(1, 1);
    // Rows an earlier run left behind are counted once, here (at start-up, not on an actor's thread).
    private long _rowsHeld = CountLines(System.IO.Path.GetFullPath(path)) + CountLines(System.IO.Path.GetFullPath(path) + ".draining");

    public string Path { get; } = System.IO.Path.GetFullPath(path);

    private string DrainingPath => Path + ".draining";

    public bool HasRows => File.Exists(Path) || File.Exists(DrainingPath);

    /// <summary>Bytes on disk now (the file and the one being drained): what <c>maxBytes</c> bounds.</summary>
    public long BytesHeld => SizeOf(Path) + SizeOf(DrainingPath);

    /// <summary>
    /// Rows in the file(s) now, waiting to be inserted: counted from the files when this object is
    /// created, then kept by appends and drains.
    /// </summary>
    public long RowsHeld => Interlocked.Read(ref _rowsHeld);

    public async Task AppendAsync(IReadOnlyList<IntegrationRow> rows, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        var text = new StringBuilder();
        foreach (var row in rows)
        {
            text.Append(JsonSerializer.Serialize(row, Json)).Append('\n');
        }

        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        // Two batches may fail at once; their lines must not interleave.
        await _appendGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var held = SizeOf(Path) + SizeOf(DrainingPath);
            if (held + bytes.Length > maxBytes) throw new SpillFileFullException(Path, held, maxBytes);

            await using var stream = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read, 4096, FileOptions.Asynchronous);
            await stream.WriteAsync(bytes, ct).ConfigureAwait(false);
            await stream.FlushAsync(ct).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
            Interlocked.Add(ref _rowsHeld, rows.Count);
        }
        finally
        {
            _appendGate.Release();
        }
    }

    private static long SizeOf(string file) => File.Exists(file) ? new FileInfo(file).Length : 0;

    /// <summary>Lines of a spill file, a torn last line (no newline: a crash mid-append) included, as the drain counts them.</summary>
    private static long CountLines(string file)
    {
        if (!File.Exists(file)) return 0;
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 64 * 1024);
        var buffer = new byte[64 * 1024];
        long lines = 0;
        var last = (byte)'\n';
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            lines += buffer.AsSpan(0, read).Count((byte)'\n');
            last = buffer[read - 1];
        }

        return last == (byte)'\n' ? lines : lines + 1;
    }

    /// <summary>
    /// Inserts every spilled row not already present through <paramref name="store"/>, in batches;
    /// returns how many it inserted. First the file a failed drain left behind, then whatever was
    /// spilled since, until no file is left.
    /// </summary>
    public async Task<int> DrainAsync(IIntegrationEventStore store, int batchSize, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var total = 0;
        while (await NextFileToDrainAsync(ct).ConfigureAwait(false) is { } file)
        {
            var (inserted, lines) = await InsertFileAsync(store, file, batchSize, ct).ConfigureAwait(false);
            total += inserted;
            File.Delete(file);
            Interlocked.Add(ref _rowsHeld, -lines);
        }

        return total;
    }

    private async Task<string?> NextFileToDrainAsync(CancellationToken ct)
    {
        if (File.Exists(DrainingPath)) return DrainingPath;
        // Under the append gate: an append in progress ends up in the file before it is renamed,
        // and the next one starts a new file (appends open the file by name each time).
        await _appendGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (!File.Exists(Path)) return null;
            File.Move(Path, DrainingPath);
            return DrainingPath;
        }
        finally
        {
            _appendGate.Release();
        }
    }

    /// <summary>Rows inserted, and lines read (what the file held, a torn last line included), in one pass.</summary>
    private static async Task<(int Inserted, long Lines)> InsertFileAsync(IIntegrationEventStore store, string file, int batchSize, CancellationToken ct)
    {
        var total = 0;
        long lines = 0;
        var batch = new List<IntegrationRow>(batchSize);
        using (var reader = new StreamReader(file, Encoding.UTF8))
        {
            while (await reader.ReadLineAsync(ct).ConfigureAwait(false) is { } line)
            {
                if (line.Length == 0) continue;
                lines++;
                IntegrationRow? row;
                try
                {
                    row = JsonSerializer.Deserialize<IntegrationRow>(line, Json);
                }
                catch (JsonException)
                {
                    row = null; // a torn last line from a crash mid-append: nothing to recover
                }

                if (row is null) continue;
                batch.Add(row);
                if (batch.Count >= batchSize)
                {
                    total += await store.InsertMissingAsync(batch, ct).ConfigureAwait(false);
                    batch.Clear();
                }
            }
        }

        return (total + await store.InsertMissingAsync(batch, ct).ConfigureAwait(false), lines);
    }
}

/// <summary>The spill file reached its bound (PipelineSettings.SpillMaxBytes): the append was refused, nothing written.</summary>
public sealed class SpillFileFullException(string path, long size, long maxBytes)
    : IOException($"spill file {path} holds {size} bytes; the bound is {maxBytes}")
{
}
