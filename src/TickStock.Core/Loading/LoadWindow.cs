using TickStock.Core.Calendar;

namespace TickStock.Core.Loading;

/// <summary>
/// A span of whole trading sessions to load: from 00:00 New York time of <see cref="FirstDate"/>
/// up to <see cref="EndUtc"/> ("now"). <see cref="LastDate"/> is the New York date of now, so a
/// session in progress is part of the window (its partial bars are completed later by upsert).
/// </summary>
public sealed record LoadWindow(DateOnly FirstDate, DateOnly LastDate, DateTimeOffset EndUtc)
{
    /// <summary>00:00 New York time of the first date.</summary>
    public DateTimeOffset StartUtc => EasternTime.StartOfDay(FirstDate);

    /// <summary>Whether a bar starting at <paramref name="instant"/> belongs to the window.</summary>
    public bool Contains(DateTimeOffset instant) => instant >= StartUtc && instant < EndUtc;

    /// <summary>Whether a dated row (trading date) belongs to the window.</summary>
    public bool Contains(DateOnly date) => date >= FirstDate && date <= LastDate;

    /// <summary>The trading dates of the window, ascending.</summary>
    public IEnumerable<DateOnly> TradingDates() => NyseCalendar.TradingDays(FirstDate, LastDate);

    /// <summary>Provider request bounds (<c>from</c>/<c>to</c> path segments) as YYYY-MM-DD.</summary>
    public (string From, string To) ProviderRange() =>
        (FirstDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
         LastDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
}

/// <summary>The windows of one job: daily/weekly/monthly cover the whole span, minute/hourly a capped tail.</summary>
public sealed record JobWindow(LoadWindow Daily, LoadWindow Intraday);

/// <summary>Computes job windows per contract §6.2.</summary>
public static class JobWindowCalculator
{
    /// <summary>Upper bound on <c>years</c> (contract: 0 &lt; years ≤ 30).</summary>
    public const double MaxYears = 30;

    /// <summary>Default cap on how far back minute and hourly rows go.</summary>
    public const double DefaultIntradayCapYears = 1;

    // A calendar year on average; with ≈ 252 sessions per year this gives "1 year ≈ 252 trading days".
    private const double DaysPerYear = 365.25;

    /// <summary>
    /// The job's windows at <paramref name="now"/> for <paramref name="years"/>. Each starts at the
    /// first trading date on or after (now − span) in New York time, but never later than the most
    /// recent complete session (so 0.003 years on a Sunday still loads Friday).
    /// </summary>
    public static JobWindow Compute(DateTimeOffset now, double years, double intradayCapYears = DefaultIntradayCapYears)
    {
        if (!(years > 0 && years <= MaxYears))
        {
            throw new ArgumentOutOfRangeException(nameof(years), years, "years must satisfy 0 < years <= 30");
        }

        if (!(intradayCapYears > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(intradayCapYears), intradayCapYears, "the intraday cap must be positive");
        }

        var daily = ComputeWindow(now, years);
        var intraday = ComputeWindow(now, Math.Min(years, intradayCapYears));
        return new JobWindow(daily, intraday);
    }

    /// <summary>One window of <paramref name="years"/> ending at <paramref name="now"/>.</summary>
    public static LoadWindow ComputeWindow(DateTimeOffset now, double years)
    {
        var startInstant = now - TimeSpan.FromDays(years * DaysPerYear);
        var first = NyseCalendar.NextTradingDayOnOrAfter(EasternTime.EasternDate(startInstant));
        var lastComplete = NyseCalendar.LastCompleteSession(now).Date;
        if (first > lastComplete)
        {
            first = lastComplete;
        }

        var last = EasternTime.EasternDate(now);
        return new LoadWindow(first, last, now);
    }
}
