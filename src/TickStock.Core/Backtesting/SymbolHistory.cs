using System.Globalization;
using TickStock.Core.Bars;

namespace TickStock.Core.Backtesting;

/// <summary>
/// One symbol's daily bars for a backtest: ascending, one bar per date, positive prices. Bars before the range are the
/// detectors' warm-up; bars after it are ignored.
/// </summary>
public sealed class SymbolHistory
{
    private SymbolHistory(string symbol, Bar[] bars)
    {
        Symbol = symbol;
        Bars = bars;
    }

    /// <summary>The symbol (upper case as given).</summary>
    public string Symbol { get; }

    /// <summary>The bars, ascending by date.</summary>
    public IReadOnlyList<Bar> Bars { get; }

    /// <summary>
    /// Sorts <paramref name="bars"/> by date and checks them. Refuses intraday bars (backtests run on daily bars),
    /// two bars on one date (two files of the same symbol that overlap) and non-positive or non-finite prices
    /// (a fill at a price ≤ 0 has no meaning).
    /// </summary>
    public static bool TryCreate(string symbol, IEnumerable<Bar> bars, out SymbolHistory? history, out string? error)
    {
        ArgumentNullException.ThrowIfNull(bars);
        history = null;
        if (string.IsNullOrWhiteSpace(symbol))
        {
            error = "empty symbol";
            return false;
        }

        Bar[] ordered = bars.OrderBy(b => b.TimeMs).ToArray();
        for (int i = 0; i < ordered.Length; i++)
        {
            Bar bar = ordered[i];
            if (bar.MinuteOfSession != -1 || bar.TimeMs % 86_400_000L != 0)
            {
                error = $"{symbol}: intraday bar at {bar.TimeUtc.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC (backtests need daily bars: date-only rows)";
                return false;
            }

            if (i > 0 && ordered[i - 1].TimeMs == bar.TimeMs)
            {
                error = $"{symbol}: two bars dated {DateOf(bar):yyyy-MM-dd}";
                return false;
            }

            if (!(bar.Open > 0 && bar.High > 0 && bar.Low > 0 && bar.Close > 0) || !double.IsFinite(bar.Open + bar.High + bar.Low + bar.Close))
            {
                error = $"{symbol}: bar dated {DateOf(bar):yyyy-MM-dd} has a price that is not a positive number";
                return false;
            }
        }

        history = new SymbolHistory(symbol, ordered);
        error = null;
        return true;
    }

    /// <summary>The trading date of a daily bar.</summary>
    public static DateOnly DateOf(in Bar bar) => DateOfEpochDay(bar.EpochDay);

    /// <summary>The date <paramref name="epochDay"/> days after 1970-01-01.</summary>
    public static DateOnly DateOfEpochDay(long epochDay) => DateOnly.FromDayNumber(EpochDayNumber + (int)epochDay);

    /// <summary>Days since 1970-01-01 of a date (the scale of <see cref="Bar.EpochDay"/>).</summary>
    public static long EpochDayOf(DateOnly date) => date.DayNumber - EpochDayNumber;

    private static readonly int EpochDayNumber = new DateOnly(1970, 1, 1).DayNumber;
}
