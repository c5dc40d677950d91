namespace TickStock.Core.Contracts;

/// <summary>State of one component in a health message.</summary>
public enum ComponentState
{
    Healthy,
    Degraded,
    Error,

    /// <summary>Not ready yet and not failing (the cluster is still joining); counts as degraded overall.</summary>
    Starting,
}

/// <summary>Contract §4 system_health message content.</summary>
public sealed record HealthReport(IReadOnlyDictionary<string, ComponentHealth> Components, long PatternsDetected, long UptimeSeconds)
{
    /// <summary>error if any component is in error, degraded if any is degraded or starting, else healthy (contract §4's three values).</summary>
    public ComponentState Overall =>
        Components.Values.Any(c => c.State == ComponentState.Error) ? ComponentState.Error
        : Components.Values.Any(c => c.State is ComponentState.Degraded or ComponentState.Starting) ? ComponentState.Degraded
        : ComponentState.Healthy;

    public byte[] ToMessage(double timestamp)
    {
        var json = WireFormat.Object(w =>
        {
            w.WriteString("event_type", "system_health");
            w.WriteString("source", WireFormat.Source);
            WireFormat.WriteUnixSeconds(w, "timestamp", timestamp);
            w.WriteStartObject("data");
            w.WriteString("overall_status", Name(Overall));
            w.WriteStartObject("components");
            foreach (var (name, component) in Components)
            {
                w.WriteStartObject(name);
                w.WriteString("status", Name(component.State));
                w.WriteString("detail", component.Detail);
                w.WriteEndObject();
            }

            w.WriteEndObject();
            w.WriteNumber("patterns_detected", PatternsDetected);
            w.WriteNumber("uptime_seconds", UptimeSeconds);
            w.WriteEndObject();
        });
        return System.Text.Encoding.UTF8.GetBytes(json);
    }

    public static string Name(ComponentState state) => state switch
    {
        ComponentState.Healthy => "healthy",
        ComponentState.Degraded => "degraded",
        ComponentState.Starting => "starting",
        _ => "error",
    };
}

public sealed record ComponentHealth(ComponentState State, string Detail);
