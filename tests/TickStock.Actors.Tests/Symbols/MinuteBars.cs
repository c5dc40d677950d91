using TickStock.Core.Bars;
using TickStock.Core.Calendar;

namespace TickStock.Actors.Tests.Symbols;

/// <summary>Hand-built 1-minute bars in exchange time.</summary>
internal static class MinuteBars
{
    public static readonly DateOnly Day = new(2026, 11, 24);

    /// <summary>A quiet bar: small body, some range, constant volume; <paramref name="volume"/> overrides.</summary>
    public static Bar At(int minuteOfSession, double volume = 1000, double close = 100.5, DateOnly? day = null)
    {
        DateOnly date = day ?? Day;
        long ms = EasternTime.FromEastern(date, new TimeOnly(9, 30).AddMinutes(minuteOfSession)).ToUnixTimeMilliseconds();
        return new Bar(ms, 100, Math.Max(100.6, close), 99.9, close, volume)
        {
            SessionDate = (date.Year * 10000) + (date.Month * 100) + date.Day,
            MinuteOfSession = minuteOfSession,
        };
    }

    /// <summary>20 quiet bars, then a bar with 6× the volume (Volume_Spike, confidence 0.9).</summary>
    public static IReadOnlyList<Bar> QuietThenSpike(int quiet = 20, DateOnly? day = null)
    {
        var bars = new List<Bar>();
        for (int i = 0; i < quiet; i++) bars.Add(At(i, day: day));
        bars.Add(At(quiet, volume: 6000, day: day));
        return bars;
    }
}
