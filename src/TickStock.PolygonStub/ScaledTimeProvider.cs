namespace TickStock.PolygonStub;

/// <summary>
/// The stub's market clock: starts at a market instant and runs at a multiple of the inner clock; the benchmark may
/// re-anchor it (freeze it, or put a minute boundary a few seconds ahead).
/// </summary>
internal sealed class ScaledTimeProvider(DateTimeOffset start, double speed, TimeProvider inner) : TimeProvider
{
    private readonly Lock _gate = new();
    private DateTimeOffset _start = start;
    private DateTimeOffset _origin = inner.GetUtcNow();
    private double _speed = speed;

    public double Speed
    {
        get
        {
            lock (_gate) return _speed;
        }
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate) return _start + ((inner.GetUtcNow() - _origin) * _speed);
    }

    /// <summary>From now on the clock reads <paramref name="marketNow"/> and runs at <paramref name="newSpeed"/>.</summary>
    public void Set(DateTimeOffset marketNow, double newSpeed)
    {
        lock (_gate)
        {
            _start = marketNow;
            _origin = inner.GetUtcNow();
            _speed = newSpeed;
        }
    }
}
