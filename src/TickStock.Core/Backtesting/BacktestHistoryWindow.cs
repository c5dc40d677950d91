using TickStock.Core.Calendar;
using TickStock.Core.Loading;

namespace TickStock.Core.Backtesting;

/// <summary>
/// The daily rows a backtest needs stored: <see cref="SignalDetector.WarmUpBars"/> trading dates before the start
/// (the detectors' warm-up), then the range up to its end or the last complete session, whichever is earlier.
/// </summary>
public static class BacktestHistoryWindow
{
    /// <summary>Longest history the loader takes (contract §6: <c>0 &lt; years ≤ 30</c>).</summary>
    public const double MaxLoadYears = JobWindowCalculator.MaxYears;

    /// <summary>The window at <paramref name="now"/>, or null when no session of the range is complete yet.</summary>
    public static LoadWindow? Needed(DateOnly start, DateOnly end, DateTimeOffset now)
    {
        DateOnly lastComplete = NyseCalendar.LastCompleteSession(now).Date;
        DateOnly last = NyseCalendar.PreviousTradingDayOnOrBefore(end < lastComplete ? end : lastComplete);
        if (last < start)
        {
            return null;
        }

        DateOnly first = NyseCalendar.NextTradingDayOnOrAfter(start);
        for (int i = 0; i < SignalDetector.WarmUpBars; i++)
        {
            first = NyseCalendar.PreviousTradingDayOnOrBefore(first.AddDays(-1));
        }

        return new LoadWindow(first, last, now);
    }

    /// <summary>
    /// The <c>years</c> of a <c>historical_load</c> job whose window (now − years, to now) reaches back to the
    /// window's first date, with three days to spare for the calendar-day rounding; null beyond the loader's 30 years.
    /// </summary>
    public static double? LoadYears(LoadWindow window, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(window);
        double years = ((now - EasternTime.StartOfDay(window.FirstDate)).TotalDays + 3) / 365.25;
        years = Math.Ceiling(years * 1000) / 1000;
        return years <= MaxLoadYears ? years : null;
    }
}
