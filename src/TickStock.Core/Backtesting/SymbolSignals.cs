using TickStock.Core.Bars;
using TickStock.Core.Detectors;

namespace TickStock.Core.Backtesting;

/// <summary>One raw detection taken as a signal: on the symbol's in-range bar <paramref name="BarIndex"/>.</summary>
/// <param name="BarIndex">Index into <see cref="SymbolSignals.Bars"/> (the bars inside the range).</param>
/// <param name="Kind">The pattern.</param>
/// <param name="Direction">Bullish → long, bearish → short, neutral → skipped.</param>
public readonly record struct Signal(int BarIndex, PatternKind Kind, Direction Direction)
{
    /// <summary>Published pattern name.</summary>
    public string Pattern => PatternCatalog.Name(Kind);
}

/// <summary>
/// A symbol's bars inside the range and the signals on them, in bar order and, within a bar, in the order
/// <c>tickstock scan</c> lists that bar's detections. The account simulation needs nothing else from a symbol, so
/// detection can run per symbol anywhere and the simulation merges the results.
/// </summary>
public sealed class SymbolSignals
{
    private readonly Bar[] _bars;
    private readonly Signal[] _signals;
    private readonly int[] _firstSignalOfBar;

    /// <summary>
    /// Creates the set: <paramref name="rangeBars"/> one per date, ascending; <paramref name="signals"/> ordered by bar
    /// index (their order within a bar is kept).
    /// </summary>
    public SymbolSignals(string symbol, IEnumerable<Bar> rangeBars, IEnumerable<Signal> signals)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(symbol);
        ArgumentNullException.ThrowIfNull(rangeBars);
        ArgumentNullException.ThrowIfNull(signals);
        Symbol = symbol;
        _bars = rangeBars.ToArray();
        for (int i = 1; i < _bars.Length; i++)
        {
            // The simulation walks each symbol's bars once, date by date: out of order, a bar would be silently skipped.
            if (_bars[i].EpochDay <= _bars[i - 1].EpochDay)
            {
                throw new ArgumentException($"{symbol}: bars must be daily and ascending, one per date", nameof(rangeBars));
            }
        }

        _signals = signals.ToArray();
        _firstSignalOfBar = new int[_bars.Length + 1];
        int previous = 0;
        foreach (Signal signal in _signals)
        {
            if (signal.BarIndex < previous || signal.BarIndex >= _bars.Length)
            {
                throw new ArgumentException($"{symbol}: signals must be ordered by bar index and inside the {_bars.Length} bars", nameof(signals));
            }

            previous = signal.BarIndex;
            _firstSignalOfBar[signal.BarIndex + 1]++;
        }

        for (int i = 1; i < _firstSignalOfBar.Length; i++)
        {
            _firstSignalOfBar[i] += _firstSignalOfBar[i - 1];
        }
    }

    /// <summary>The symbol.</summary>
    public string Symbol { get; }

    /// <summary>The symbol's bars inside the range, ascending.</summary>
    public IReadOnlyList<Bar> Bars => _bars;

    /// <summary>Every signal, by bar.</summary>
    public IReadOnlyList<Signal> Signals => _signals;

    /// <summary>The signals on in-range bar <paramref name="barIndex"/>.</summary>
    public ReadOnlySpan<Signal> SignalsAt(int barIndex) =>
        _signals.AsSpan(_firstSignalOfBar[barIndex], _firstSignalOfBar[barIndex + 1] - _firstSignalOfBar[barIndex]);

    internal Bar BarAt(int index) => _bars[index];
}
