using System.Text;
using System.Text.Json;

namespace TickStock.Core.Jobs;

/// <summary>
/// Writes <c>tickstock.jobs.data_load</c> messages exactly as the consumer sends them (contract §6),
/// for the CLI and tests. What is written here is read back by <see cref="DataLoadJobParser"/>.
/// </summary>
public static class DataLoadJobMessage
{
    /// <summary>A <c>csv_universe_load</c>.</summary>
    public static string CsvUniverseLoad(string jobId, string csvFile, string? universeType, double years, bool includeOhlcv, string? requestedBy, string? timestamp) =>
        Write(jobId, DataLoadJobTypes.CsvUniverseLoad, requestedBy, timestamp, w =>
        {
            w.WriteString("csv_file", csvFile);
            if (universeType is not null)
            {
                w.WriteString("universe_type", universeType);
            }

            w.WriteNumber("years", years);
            w.WriteBoolean("include_ohlcv", includeOhlcv);
        });

    /// <summary>A <c>historical_load</c>; <paramref name="timespan"/> is <c>day</c>, <c>hour</c> or <c>minute</c>.</summary>
    public static string HistoricalLoad(string jobId, IReadOnlyList<string> symbols, double years, string timespan, string? requestedBy, string? timestamp)
    {
        ArgumentNullException.ThrowIfNull(symbols);
        return Write(jobId, DataLoadJobTypes.HistoricalLoad, requestedBy, timestamp, w =>
        {
            w.WriteStartArray("symbols");
            foreach (var symbol in symbols)
            {
                w.WriteStringValue(symbol);
            }

            w.WriteEndArray();
            w.WriteNumber("years", years);
            w.WriteString("timespan", timespan);
        });
    }

    private static string Write(string jobId, string jobType, string? requestedBy, string? timestamp, Action<Utf8JsonWriter> fields)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("job_id", jobId);
            w.WriteString("job_type", jobType);
            fields(w);
            if (requestedBy is not null)
            {
                w.WriteString("requested_by", requestedBy);
            }

            if (timestamp is not null)
            {
                w.WriteString("timestamp", timestamp);
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
