using System.Diagnostics.Metrics;
using Akka.Cluster;
using TickStock.Actors.Publishing;
using TickStock.Core.Bars;

namespace TickStock.Actors.Diagnostics;

/// <summary>
/// The node's <c>System.Diagnostics.Metrics</c> instruments (meter <see cref="MeterName"/>), exported on
/// <c>/metrics</c>. Counts the pipeline already keeps (<see cref="ProducerStats"/>, <see cref="PipelineCounters"/>)
/// are observed when a scrape asks for them, so the hot paths pay one interlocked add and nothing more.
/// </summary>
public static class TickStockMetrics
{
    public const string MeterName = "TickStock";

    // OpenTelemetry names; the Prometheus exporter writes them with underscores, "_total" after a counter and the
    // unit after a histogram (tickstock.publish.latency in s → tickstock_publish_latency_seconds).

    // Static, as .NET's guidance has it for code without a meter factory: one process is one node, and the
    // instruments are reached from actors deep in the tree that should not carry a metrics object around.
    private static readonly Meter Meter = new(MeterName);
    // Buckets from half a millisecond (a batch published at once) to a minute (an event held while Redis was down).
    private static readonly Histogram<double> PublishLatency = Meter.CreateHistogram<double>("tickstock.publish.latency", unit: "s",
        description: "Time from a pattern's detection to Redis acknowledging its event.", tags: null,
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] });

    private static volatile ProducerStats? _stats;
    private static volatile Cluster? _cluster;

#pragma warning disable CA1810 // the observable instruments need no field: created once, here
    static TickStockMetrics()
#pragma warning restore CA1810
    {
        Meter.CreateObservableCounter("tickstock.patterns.published", ObservePublished, unit: null,
            description: "Pattern events Redis acknowledged, by tier.");
        Meter.CreateObservableCounter("tickstock.audit.rows.spilled", () => _stats?.RowsSpilled ?? 0, unit: null,
            description: "Audit rows appended to the spill file because PostgreSQL was unreachable (since start).");
        Meter.CreateObservableGauge("tickstock.audit.spill.rows", () => _stats?.SpillRowsHeld ?? 0, unit: null,
            description: "Audit rows in the spill file now, waiting for PostgreSQL.");
        Meter.CreateObservableGauge("tickstock.redis.buffered.events", () => _stats?.BufferedEvents ?? 0, unit: null,
            description: "Pattern events waiting for Redis (in flight or queued).");
        Meter.CreateObservableCounter("tickstock.bars.processed", ObserveBars, unit: null,
            description: "Bars fed to the detectors of the symbols on this node, by timeframe.");
        Meter.CreateObservableGauge("tickstock.symbols.active", () => PipelineCounters.SymbolsActive, unit: null,
            description: "Symbol actors running on this node.");
        Meter.CreateObservableCounter("tickstock.job.symbols", ObserveJobSymbols, unit: null,
            description: "Symbols finished by historical data-load jobs on this node, by result.");
        Meter.CreateObservableCounter("tickstock.polygon.requests", PipelineCounters.PolygonRequests, unit: null,
            description: "Requests to the market-data provider, by HTTP status (0 = no answer).");
        Meter.CreateObservableCounter("tickstock.feed.reconnects", () => PipelineCounters.FeedReconnects, unit: null,
            description: "Connections to the provider's stream that broke and were reopened (since start).");
        Meter.CreateObservableCounter("tickstock.feed.bad.frames", PipelineCounters.FeedBadFrameCounts, unit: null,
            description: "Input refused on the provider's stream, by kind (malformed_json, not_an_array, unknown_event, invalid_bar, …).");
        Meter.CreateObservableCounter("tickstock.inbound.refused", PipelineCounters.InboundRefusals, unit: null,
            description: "Messages from outside (job control, health checks, ticks) refused as malformed or invalid, by channel and reason.");
        Meter.CreateObservableGauge("tickstock.cluster.members", ObserveMembers, unit: null,
            description: "Cluster members this node sees, by status.");
    }

    /// <summary>The node's producer counts and cluster, read when a scrape asks (the daemon calls this once it runs).</summary>
    public static void Observe(ProducerStats stats, Cluster cluster)
    {
        _stats = stats;
        _cluster = cluster;
    }

    /// <summary>Detection → Redis acknowledgement of one published event (seconds).</summary>
    public static void RecordPublishLatency(double seconds)
    {
        if (seconds >= 0 && PublishLatency.Enabled) PublishLatency.Record(seconds);
    }

    private static IEnumerable<Measurement<long>> ObservePublished()
    {
        for (var i = 0; i < PipelineCounters.Tiers.Count; i++)
        {
            yield return new Measurement<long>(PipelineCounters.Published(i), new KeyValuePair<string, object?>("tier", PipelineCounters.Tiers[i]));
        }
    }

    private static IEnumerable<Measurement<long>> ObserveBars()
    {
        foreach (var timeframe in Enum.GetValues<Timeframe>())
        {
            yield return new Measurement<long>(PipelineCounters.BarsProcessed(timeframe),
                new KeyValuePair<string, object?>("timeframe", timeframe.ToWireName()));
        }
    }

    private static IEnumerable<Measurement<long>> ObserveJobSymbols()
    {
        foreach (var result in Enum.GetValues<JobSymbolResult>())
        {
            yield return new Measurement<long>(PipelineCounters.JobSymbols(result),
                new KeyValuePair<string, object?>("result", result.ToString().ToLowerInvariant()));
        }
    }

    private static IEnumerable<Measurement<long>> ObserveMembers()
    {
        if (_cluster is not { } cluster) yield break;
        var counts = new Dictionary<MemberStatus, long>();
        foreach (var status in Enum.GetValues<MemberStatus>()) counts[status] = 0;
        foreach (var member in cluster.State.Members) counts[member.Status]++;
        foreach (var (status, count) in counts)
        {
            yield return new Measurement<long>(count, new KeyValuePair<string, object?>("status", status.ToString().ToLowerInvariant()));
        }
    }
}
