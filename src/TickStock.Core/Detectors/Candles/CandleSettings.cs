namespace TickStock.Core.Detectors.Candles;

/// <summary>Which measure of a candle a <see cref="CandleSetting"/> averages.</summary>
public enum CandleRangeType
{
    /// <summary>|close − open|.</summary>
    RealBody,
    /// <summary>high − low.</summary>
    HighLow,
    /// <summary>upper + lower shadow; the average is then halved (TA-Lib's "Shadows" type).</summary>
    Shadows,
}

/// <summary>
/// One of TA-Lib's candle settings: "a candle measure compared against <paramref name="Factor"/> × the average
/// <paramref name="RangeType"/> of the previous <paramref name="AveragePeriod"/> bars" (period 0 means: against the
/// bar's own measure).
/// </summary>
public readonly record struct CandleSetting(CandleRangeType RangeType, int AveragePeriod, double Factor);

/// <summary>TA-Lib's default candle settings (the ones its CDL functions use unless changed globally).</summary>
public static class CandleSettings
{
    /// <summary>Real body is long when longer than the average of the 10 previous candles' bodies.</summary>
    public static readonly CandleSetting BodyLong = new(CandleRangeType.RealBody, 10, 1.0);
    /// <summary>Real body is very long when longer than 3 times the average of the 10 previous bodies.</summary>
    public static readonly CandleSetting BodyVeryLong = new(CandleRangeType.RealBody, 10, 3.0);
    /// <summary>Real body is short when shorter than the average of the 10 previous bodies.</summary>
    public static readonly CandleSetting BodyShort = new(CandleRangeType.RealBody, 10, 1.0);
    /// <summary>Real body is doji-like when at most 10 % of the average high-low range of the 10 previous candles.</summary>
    public static readonly CandleSetting BodyDoji = new(CandleRangeType.HighLow, 10, 0.1);
    /// <summary>Shadow is long when longer than the bar's own real body.</summary>
    public static readonly CandleSetting ShadowLong = new(CandleRangeType.RealBody, 0, 1.0);
    /// <summary>Shadow is very long when longer than 2 times the bar's own real body.</summary>
    public static readonly CandleSetting ShadowVeryLong = new(CandleRangeType.RealBody, 0, 2.0);
    /// <summary>Shadow is short when shorter than half the average sum of shadows of the 10 previous candles.</summary>
    public static readonly CandleSetting ShadowShort = new(CandleRangeType.Shadows, 10, 1.0);
    /// <summary>Shadow is very short when shorter than 10 % of the average high-low range of the 10 previous candles.</summary>
    public static readonly CandleSetting ShadowVeryShort = new(CandleRangeType.HighLow, 10, 0.1);
    /// <summary>"Near" means within 20 % of the average high-low range of the 5 previous candles.</summary>
    public static readonly CandleSetting Near = new(CandleRangeType.HighLow, 5, 0.2);
    /// <summary>"Far" means more than 60 % of the average high-low range of the 5 previous candles.</summary>
    public static readonly CandleSetting Far = new(CandleRangeType.HighLow, 5, 0.6);
    /// <summary>"Equal" means within 5 % of the average high-low range of the 5 previous candles.</summary>
    public static readonly CandleSetting Equal = new(CandleRangeType.HighLow, 5, 0.05);
}
