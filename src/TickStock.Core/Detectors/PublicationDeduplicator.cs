using System.Runtime.InteropServices;
using TickStock.Core.Bars;

namespace TickStock.Core.Detectors;

/// <summary>
/// The publication stage (patterns.md "Detection versus publication"): the same (symbol, pattern, timeframe) is
/// published at most once per bar and not again within a cooldown. A detection on bar <c>b</c> is published when
/// nothing was published for its key yet or <c>b − last published bar &gt; cooldown</c>; so with cooldown 3 a
/// pattern published on bar 10 is suppressed on bars 10–13 and may publish again on bar 14, and cooldown 0 only
/// removes same-bar duplicates. Bar indices are those of the engine that produced the detection
/// (<see cref="Detection.BarIndex"/>), so they are per symbol and timeframe.
/// </summary>
public sealed class PublicationDeduplicator
{
    /// <summary>Default cooldown for intraday timeframes, in bars.</summary>
    public const int DefaultIntradayCooldown = 15;

    /// <summary>Default cooldown for daily and weekly bars, in bars.</summary>
    public const int DefaultDailyCooldown = 3;

    private readonly Dictionary<(string Symbol, PatternKind Kind, Timeframe Timeframe), long> _lastPublished = [];
    private readonly int _intradayCooldown;
    private readonly int _dailyCooldown;

    /// <summary>Creates the stage with per-tier cooldowns (defaults 15 intraday, 3 daily).</summary>
    public PublicationDeduplicator(int intradayCooldown = DefaultIntradayCooldown, int dailyCooldown = DefaultDailyCooldown)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(intradayCooldown);
        ArgumentOutOfRangeException.ThrowIfNegative(dailyCooldown);
        _intradayCooldown = intradayCooldown;
        _dailyCooldown = dailyCooldown;
    }

    /// <summary>One cooldown for every timeframe (<c>scan --cooldown N</c>).</summary>
    public static PublicationDeduplicator WithCooldown(int bars) => new(bars, bars);

    /// <summary>The cooldown that applies to a timeframe.</summary>
    public int CooldownFor(Timeframe timeframe) => timeframe.IsIntraday() ? _intradayCooldown : _dailyCooldown;

    /// <summary>Decides whether to publish <paramref name="detection"/> for <paramref name="symbol"/>, and records it if so.</summary>
    public bool TryPublish(string symbol, in Detection detection)
    {
        ArgumentNullException.ThrowIfNull(symbol);
        // One hash lookup: the slot is added (false = never published) or updated in place.
        ref long last = ref CollectionsMarshal.GetValueRefOrAddDefault(_lastPublished, (symbol, detection.Kind, detection.Timeframe), out bool seen);
        if (seen && detection.BarIndex - last <= CooldownFor(detection.Timeframe))
        {
            return false;
        }

        last = detection.BarIndex;
        return true;
    }

    /// <summary>Filters a batch in place order, appending the publishable ones to <paramref name="output"/>.</summary>
    public void Filter(string symbol, IReadOnlyList<Detection> detections, List<Detection> output)
    {
        ArgumentNullException.ThrowIfNull(detections);
        ArgumentNullException.ThrowIfNull(output);
        for (int i = 0; i < detections.Count; i++)
        {
            Detection d = detections[i];
            if (TryPublish(symbol, d))
            {
                output.Add(d);
            }
        }
    }

    /// <summary>Forgets every key of one symbol (e.g. when its actor restarts with fresh bar indices).</summary>
    public void Forget(string symbol)
    {
        foreach (var key in _lastPublished.Keys.Where(k => k.Symbol == symbol).ToList())
        {
            _lastPublished.Remove(key);
        }
    }
}
