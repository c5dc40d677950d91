namespace TickStock.PolygonStub;

/// <summary>A clock that starts at <paramref name="start"/> and runs at <paramref name="speed"/> × the inner clock.</summary>
internal sealed class ScaledTimeProvider(DateTimeOffset start, double speed, TimeProvider inner) : TimeProvider
{
    private readonly DateTimeOffset _origin = inner.GetUtcNow();

    public double Speed { get; } = speed;

    public override DateTimeOffset GetUtcNow() => start + ((inner.GetUtcNow() - _origin) * Speed);
}
