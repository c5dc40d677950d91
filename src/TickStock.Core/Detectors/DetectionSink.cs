using TickStock.Core.Bars;

namespace TickStock.Core.Detectors;

/// <summary>
/// Where detectors report: stamps the current bar's index, time, price, timeframe and tier onto each detection,
/// drops kinds that are not enabled, and appends to the caller's list (no allocation beyond the list's growth).
/// </summary>
internal sealed class DetectionSink
{
    private readonly bool[] _enabled;
    private readonly Timeframe _timeframe;
    private readonly Tier _tier;
    private List<Detection>? _target;
    private long _index;
    private long _timeMs;
    private double _price;

    public DetectionSink(bool[] enabled, Timeframe timeframe)
    {
        _enabled = enabled;
        _timeframe = timeframe;
        _tier = timeframe.IsIntraday() ? Tier.Intraday : Tier.Daily;
    }

    public void Begin(List<Detection> target, long index, in Bar bar)
    {
        _target = target;
        _index = index;
        _timeMs = bar.TimeMs;
        _price = bar.Close;
    }

    public bool IsEnabled(PatternKind kind) => _enabled[(int)kind];

    /// <summary>Reports a detection; <paramref name="confidence"/> is clamped to [0, 1] and rounded to 3 decimals.</summary>
    public void Emit(PatternKind kind, Direction direction, double confidence, double level = double.NaN)
    {
        if (!_enabled[(int)kind] || _target is null)
        {
            return;
        }

        double score = Math.Round(Math.Clamp(double.IsNaN(confidence) ? 0.5 : confidence, 0.0, 1.0), 3, MidpointRounding.AwayFromZero);
        _target.Add(new Detection(kind, direction, score, _tier, _timeframe, _index, _timeMs, _price, level));
    }
}
