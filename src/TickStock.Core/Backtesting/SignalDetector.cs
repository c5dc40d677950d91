using TickStock.Core.Bars;
using TickStock.Core.Detectors;

namespace TickStock.Core.Backtesting;

/// <summary>
/// Turns a symbol's history into signals with the live catalog: one <see cref="DetectorEngine"/> (daily timeframe,
/// the requested patterns) fed up to <see cref="WarmUpBars"/> bars before the range and then the range's bars; every
/// raw detection on a bar inside the range is a signal (no cooldown, no de-duplication): exactly what
/// <c>tickstock scan</c> reports for those bars given the same warm-up.
/// </summary>
public static class SignalDetector
{
    /// <summary>Bars before the start date the detectors see (no signal is taken from them).</summary>
    public const int WarmUpBars = 300;

    /// <summary>Runs the detectors over <paramref name="history"/> for the range <paramref name="start"/> … <paramref name="end"/>.</summary>
    /// <param name="patterns">The kinds to detect; null or empty = the daily catalog (as <c>scan</c> without <c>--patterns</c>).</param>
    public static SymbolSignals Detect(SymbolHistory history, DateOnly start, DateOnly end, IReadOnlyCollection<PatternKind>? patterns)
    {
        ArgumentNullException.ThrowIfNull(history);
        IReadOnlyList<Bar> bars = history.Bars;
        long first = SymbolHistory.EpochDayOf(start);
        long last = SymbolHistory.EpochDayOf(end);
        int from = LowerBound(bars, first);
        int to = LowerBound(bars, last + 1); // exclusive
        var rangeBars = new Bar[Math.Max(0, to - from)];
        var signals = new List<Signal>();
        if (rangeBars.Length == 0)
        {
            return new SymbolSignals(history.Symbol, rangeBars, signals);
        }

        var engine = new DetectorEngine(new DetectorOptions
        {
            Timeframe = Timeframe.Daily,
            Patterns = patterns is { Count: > 0 } ? patterns : null,
        });
        var output = new List<Detection>(16);
        for (int i = Math.Max(0, from - WarmUpBars); i < from; i++)
        {
            output.Clear();
            engine.OnBar(bars[i], output);
        }

        for (int i = from; i < to; i++)
        {
            Bar bar = bars[i];
            rangeBars[i - from] = bar;
            output.Clear();
            engine.OnBar(bar, output);
            foreach (Detection d in output)
            {
                signals.Add(new Signal(i - from, d.Kind, d.Direction));
            }
        }

        return new SymbolSignals(history.Symbol, rangeBars, signals);
    }

    private static int LowerBound(IReadOnlyList<Bar> bars, long epochDay)
    {
        int lo = 0;
        int hi = bars.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (bars[mid].EpochDay < epochDay)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}
