using TickStock.Core.Calendar;

namespace TickStock.Actors.MarketData;

/// <summary>
/// When the synthetic market's minutes are streamed at the live pace (the default, so a person can follow it): the
/// session so far, replayed quickly, then one minute bar per symbol per <see cref="LiveInterval"/> of wall-clock time,
/// session after session (the synthetic market does not sleep at night). Pure: the caller passes "now".
/// </summary>
/// <param name="FirstSession">The first streamed session: today's while it is open or after it closed; the previous
/// trading day's before today's open and on days the exchange is closed.</param>
/// <param name="CatchUpMinutes">Minutes of <paramref name="FirstSession"/> streamed quickly first: the complete
/// minutes between its open and now (all of them once it has closed).</param>
public sealed record SyntheticSchedule(DateOnly FirstSession, int CatchUpMinutes)
{
    /// <summary>Minutes in a synthetic session (the synthetic market keeps regular hours every session).</summary>
    public const int SessionMinutes = 390;

    /// <summary>Wall-clock time between two minutes once caught up: real time.</summary>
    public static readonly TimeSpan LiveInterval = TimeSpan.FromMinutes(1);

    /// <summary>The schedule for a stream starting at <paramref name="now"/>.</summary>
    public static SyntheticSchedule At(DateTimeOffset now)
    {
        DateOnly today = EasternTime.EasternDate(now);
        if (NyseCalendar.IsTradingDay(today))
        {
            TimeSpan sinceOpen = now - EasternTime.FromEastern(today, NyseCalendar.RegularOpen);
            if (sinceOpen >= TimeSpan.Zero)
            {
                return new SyntheticSchedule(today, (int)Math.Min(SessionMinutes, Math.Floor(sinceOpen.TotalMinutes)));
            }
        }

        return new SyntheticSchedule(NyseCalendar.PreviousTradingDayOnOrBefore(today.AddDays(-1)), SessionMinutes);
    }
}
