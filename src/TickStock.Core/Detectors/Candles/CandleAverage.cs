using System.Runtime.CompilerServices;

namespace TickStock.Core.Detectors.Candles;

/// <summary>
/// A CDL function's handle on one TA-Lib candle average: the average of the setting's measure over the
/// <c>AveragePeriod</c> bars before the bar <see cref="Offset"/> bars back. Read it with
/// <see cref="CandleAverages.Value(in CandleAverage, CandleWindow)"/>.
/// </summary>
internal readonly struct CandleAverage(CandleSetting setting, int offset, int series)
{
    /// <summary>The setting averaged.</summary>
    public CandleSetting Setting { get; } = setting;

    /// <summary>How many bars before the current one the averaged bar is.</summary>
    public int Offset { get; } = offset;

    /// <summary>Index of the shared running sum in <see cref="CandleAverages"/>; −1 for period 0 (the bar's own measure).</summary>
    public int Series { get; } = series;
}

/// <summary>
/// The running sums behind every candle average of one scanner, shared by the CDL functions that need the same one.
/// </summary>
/// <remarks>
/// <para>Why sums and not exact averages: TA-Lib keeps one running sum per average inside each CDL function, starts
/// it at that function's first output bar (its lookback L) and slides it with <c>sum += new − old</c>. Floating-point
/// drift of that sum decides ties (e.g. a body exactly at the doji limit on cent-priced data), so matching TA-Lib
/// bar for bar means reproducing the same sum in the same order.</para>
/// <para>Why sharing is exact: an average with offset o of a function with lookback L starts at bar L by summing the
/// p measures before bar L − o, oldest first, and after bar i adds <c>measure(i − o) − measure(i − o − p)</c>. That is
/// the same sequence of operations, shifted by o bars, as a sum that starts at bar K = L − o with offset 0. So one
/// series per (measure, period, K) serves them all: the value for offset o on bar i is the series' value of bar
/// i − o. The full daily catalog needs 9 series instead of ~30 separately slid sums.</para>
/// </remarks>
internal sealed class CandleAverages(CandleWindow window)
{
    // Means of each series for the last HistoryLength bars (offsets ≤ 2 are read).
    private const int HistoryLength = 4;
    private const int HistoryMask = HistoryLength - 1;

    private readonly List<(CandleRangeType Type, int Period, int Start)> _keys = [];
    private SeriesState[] _series = [];
    private double[] _history = [];

    /// <summary>Returns the handle of an average a function with lookback <paramref name="lookback"/> needs.</summary>
    public CandleAverage Register(CandleSetting setting, int offset, int lookback)
    {
        if (setting.AveragePeriod == 0)
        {
            return new CandleAverage(setting, offset, -1);
        }

        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset, HistoryLength - 1);
        var key = (setting.RangeType, setting.AveragePeriod, lookback - offset);
        int index = _keys.IndexOf(key);
        if (index < 0)
        {
            index = _keys.Count;
            _keys.Add(key);
            Array.Resize(ref _series, _keys.Count);
            _series[index] = new SeriesState(window.Measure(key.RangeType), key.AveragePeriod, key.Item3);
            Array.Resize(ref _history, _keys.Count * HistoryLength);
        }

        return new CandleAverage(setting, offset, index);
    }

    /// <summary>Brings every series to the window's current bar (call once per bar, after the push).</summary>
    public void Update()
    {
        CandleWindow w = window;
        long current = w.Count - 1;
        int slot = (int)(current & HistoryMask);
        SeriesState[] series = _series;
        for (int s = 0; s < series.Length; s++)
        {
            ref SeriesState state = ref series[s];
            if (current < state.Start)
            {
                continue;
            }

            double[] measure = state.Measure;
            int period = state.Period;
            if (current == state.Start)
            {
                // Summed oldest first, as TA-Lib does before its first output bar.
                double sum = 0;
                for (int back = period; back > 0; back--)
                {
                    sum += measure[w.SlotBack(back)];
                }

                state.Sum = sum;
            }
            else
            {
                state.Sum += measure[w.SlotBack(1)] - measure[w.SlotBack(1 + period)];
            }

            // The mean, not the sum: every function reading this series on this bar divides the same sum by the same
            // period, so doing it once here gives the same bits.
            _history[(s * HistoryLength) + slot] = state.Sum / period;
        }
    }

    /// <summary>factor × average (halved for the Shadows type), with TA-Lib's operation order.</summary>
    /// <remarks>TA-Lib divides by 2.0 (Shadows) or 1.0; × 0.5 and leaving the 1.0 out give the same bits.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // read several times per function and bar
    public double Value(in CandleAverage average, CandleWindow w)
    {
        CandleSetting setting = average.Setting;
        double mean = average.Series < 0
            ? w.Range(setting.RangeType, average.Offset)
            : _history[(average.Series * HistoryLength) + (int)((w.Count - 1 - average.Offset) & HistoryMask)];
        double value = setting.Factor * mean;
        return setting.RangeType == CandleRangeType.Shadows ? value * 0.5 : value;
    }

    private struct SeriesState(double[] measure, int period, int start)
    {
        public readonly double[] Measure = measure;
        public readonly int Period = period;
        public readonly long Start = start;
        public double Sum;
    }
}
