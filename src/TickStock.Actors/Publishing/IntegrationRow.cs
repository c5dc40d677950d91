using TickStock.Core.Contracts;

namespace TickStock.Actors.Publishing;

/// <summary>
/// One integration_events row we write (contract §3.2, source_system always TickStockPL). The
/// timestamp is taken when the row is made, so a row spilled while PostgreSQL was down keeps its
/// original time when it is inserted later.
/// </summary>
public sealed record IntegrationRow(
    Guid FlowId,
    DateTimeOffset Timestamp,
    string EventType,
    string Checkpoint,
    string? Channel,
    string? Symbol,
    string? Pattern,
    decimal? Confidence,
    string? Details)
{
    public const string SourceSystem = WireFormat.Source;

    public static IntegrationRow Published(PatternEvent e, string channel, DateTimeOffset now) =>
        new(e.FlowId, now, "pattern_detected", "PATTERN_PUBLISHED", channel, e.Symbol, e.Pattern,
            RoundConfidence(e.Confidence), WireFormat.PublishedRowDetails(e));

    public static IntegrationRow Expired(PatternEvent e, string reason, DateTimeOffset now) =>
        new(e.FlowId, now, "pattern_detected", "PATTERN_EXPIRED", null, e.Symbol, e.Pattern,
            RoundConfidence(e.Confidence), WireFormat.Object(w => w.WriteString("reason", reason)));

    public static IntegrationRow System(string eventType, string checkpoint, string details, DateTimeOffset now) =>
        new(Guid.NewGuid(), now, eventType, checkpoint, null, null, null, null, details);

    /// <summary>The column is DECIMAL(3,2): the row carries the event's confidence rounded to 2 decimals.</summary>
    public static decimal RoundConfidence(double confidence) =>
        Math.Round((decimal)Math.Clamp(confidence, 0, 1), 2, MidpointRounding.AwayFromZero);
}
