namespace TickStock.Core.Bars;

/// <summary>Bar size a detector runs on.</summary>
public enum Timeframe
{
    /// <summary>1-minute bars.</summary>
    OneMinute,
    /// <summary>5-minute bars rolled up from 1-minute bars.</summary>
    FiveMinutes,
    /// <summary>15-minute bars rolled up from 1-minute bars.</summary>
    FifteenMinutes,
    /// <summary>Hourly bars.</summary>
    Hourly,
    /// <summary>Daily bars.</summary>
    Daily,
    /// <summary>Weekly bars.</summary>
    Weekly,
}

/// <summary>Wire names and classification of <see cref="Timeframe"/>.</summary>
public static class TimeframeExtensions
{
    /// <summary>The contract's spelling (`timeframe` field of a pattern event).</summary>
    public static string ToWireName(this Timeframe timeframe) => timeframe switch
    {
        Timeframe.OneMinute => "1min",
        Timeframe.FiveMinutes => "5min",
        Timeframe.FifteenMinutes => "15min",
        Timeframe.Hourly => "hourly",
        Timeframe.Daily => "daily",
        Timeframe.Weekly => "weekly",
        _ => throw new ArgumentOutOfRangeException(nameof(timeframe), timeframe, null),
    };

    /// <summary>True for bars shorter than a session.</summary>
    public static bool IsIntraday(this Timeframe timeframe) => timeframe < Timeframe.Daily;

    /// <summary>Parses a wire name (also accepts `1m`, `day`, `1d`, `week`, case-insensitive).</summary>
    public static bool TryParse(string? text, out Timeframe timeframe)
    {
        switch (text?.Trim().ToUpperInvariant())
        {
            case "1MIN" or "1M" or "MINUTE": timeframe = Timeframe.OneMinute; return true;
            case "5MIN" or "5M": timeframe = Timeframe.FiveMinutes; return true;
            case "15MIN" or "15M": timeframe = Timeframe.FifteenMinutes; return true;
            case "HOURLY" or "1H" or "60MIN": timeframe = Timeframe.Hourly; return true;
            case "DAILY" or "DAY" or "1D": timeframe = Timeframe.Daily; return true;
            case "WEEKLY" or "WEEK" or "1W": timeframe = Timeframe.Weekly; return true;
            default: timeframe = default; return false;
        }
    }
}
