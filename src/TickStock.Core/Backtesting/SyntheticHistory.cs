using System.Diagnostics;
using System.Globalization;
using TickStock.Core.Bars;

namespace TickStock.Core.Backtesting;

/// <summary>
/// Seeded random-walk daily histories: the input of <c>tickstock bench backtest</c> and of the daemon's JIT warm-up
/// (<see cref="WarmUp"/>). Not market data: ±2 % days and occasional volume bursts, so every kind of detector fires.
/// </summary>
public static class SyntheticHistory
{
    /// <summary><paramref name="count"/> weekdays from <paramref name="first"/> on (holidays are not skipped).</summary>
    public static DateOnly[] Weekdays(DateOnly first, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var dates = new DateOnly[count];
        DateOnly date = first;
        for (int i = 0; i < count; i++)
        {
            while (date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
            {
                date = date.AddDays(1);
            }

            dates[i] = date;
            date = date.AddDays(1);
        }

        return dates;
    }

    /// <summary>A seeded random walk, one daily bar per date.</summary>
    public static Bar[] RandomWalk(DateOnly[] dates, int seed)
    {
        ArgumentNullException.ThrowIfNull(dates);
        var random = new Random(seed);
        var bars = new Bar[dates.Length];
        double price = 20 + (random.NextDouble() * 200);
        for (int i = 0; i < bars.Length; i++)
        {
            double open = price * (1 + ((random.NextDouble() - 0.5) * 0.01));
            double close = open * (1 + ((random.NextDouble() - 0.5) * 0.04));
            double high = Math.Max(open, close) * (1 + (random.NextDouble() * 0.01));
            double low = Math.Min(open, close) * (1 - (random.NextDouble() * 0.01));
            double volume = 1e6 * (0.5 + random.NextDouble()) * (random.NextDouble() < 0.02 ? 5 : 1);
            bars[i] = Bar.Daily(dates[i], open, high, low, close, volume);
            price = close;
        }

        return bars;
    }

    /// <summary>Histories of <paramref name="symbols"/> synthetic symbols (<c>S00000</c>, …) over the same dates.</summary>
    public static SymbolHistory[] Histories(int symbols, DateOnly[] dates)
    {
        var histories = new SymbolHistory[symbols];
        for (int s = 0; s < symbols; s++)
        {
            SymbolHistory.TryCreate(string.Create(CultureInfo.InvariantCulture, $"S{s:00000}"), RandomWalk(dates, seed: s + 1), out SymbolHistory? history, out string? error);
            histories[s] = history ?? throw new InvalidOperationException(error);
        }

        return histories;
    }

    /// <summary>
    /// Runs whole backtests (every daily detector, the simulation, the statistics) over four synthetic 800-bar symbols,
    /// at least <paramref name="minRuns"/> times and for at least <paramref name="time"/>, so that code is compiled by
    /// the optimising tier before real work needs it: the first run of the detectors in a process is several times
    /// slower than the following ones (measured in the daemon: 500 five-year symbols took 3.7 s of detection cold and
    /// 0.6 s warm). The count makes it enough on a loaded machine too, where the time alone buys little CPU. Returns
    /// the backtests run.
    /// </summary>
    public static int WarmUp(TimeSpan time, int minRuns = 0)
    {
        DateOnly[] dates = Weekdays(new DateOnly(2000, 1, 3), SignalDetector.WarmUpBars + 500);
        SymbolHistory[] few = Histories(4, dates);
        var request = new BacktestRequest { Start = dates[SignalDetector.WarmUpBars], End = dates[^1] };
        var watch = Stopwatch.StartNew();
        int runs = 0;
        do
        {
            Backtest.Run(few, request);
            runs++;
        }
        while (runs < minRuns || watch.Elapsed < time);
        return runs;
    }
}
