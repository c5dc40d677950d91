namespace TickStock.Daemon.Startup;

/// <summary>Reachability of an external service as last observed (feeds logs now, health later).</summary>
public enum Reachability
{
    Unknown,
    Connected,
    Unreachable,
}

/// <summary>Thread-safe record of what the connectivity checks saw.</summary>
public sealed class ServiceStatus
{
    private volatile Reachability _redis = Reachability.Unknown;
    private volatile Reachability _postgres = Reachability.Unknown;
    private volatile bool _schemaReady;

    public Reachability Redis { get => _redis; set => _redis = value; }
    public Reachability Postgres { get => _postgres; set => _postgres = value; }
    public bool SchemaReady { get => _schemaReady; set => _schemaReady = value; }
}
