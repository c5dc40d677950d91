namespace TickStock.Core.Detectors;

/// <summary>Every pattern the catalog can report. The published name is <see cref="PatternCatalog.Name"/>.</summary>
public enum PatternKind
{
    // Candlesticks (TA-Lib reference)
    /// <summary>CDLDOJI.</summary>
    Doji,
    /// <summary>CDLHAMMER.</summary>
    Hammer,
    /// <summary>CDLHANGINGMAN.</summary>
    HangingMan,
    /// <summary>CDLSHOOTINGSTAR.</summary>
    ShootingStar,
    /// <summary>CDLENGULFING &gt; 0.</summary>
    BullishEngulfing,
    /// <summary>CDLENGULFING &lt; 0.</summary>
    BearishEngulfing,
    /// <summary>CDLHARAMI &gt; 0.</summary>
    BullishHarami,
    /// <summary>CDLHARAMI &lt; 0.</summary>
    BearishHarami,
    /// <summary>CDLMORNINGSTAR (penetration 0.3).</summary>
    MorningStar,
    /// <summary>CDLEVENINGSTAR (penetration 0.3).</summary>
    EveningStar,
    /// <summary>CDL3WHITESOLDIERS.</summary>
    ThreeWhiteSoldiers,
    /// <summary>CDL3BLACKCROWS.</summary>
    ThreeBlackCrows,
    /// <summary>CDLPIERCING.</summary>
    PiercingLine,
    /// <summary>CDLDARKCLOUDCOVER (penetration 0.5).</summary>
    DarkCloudCover,

    // Price / volume / trend
    /// <summary>Volume ≥ multiple × mean of the previous bars.</summary>
    VolumeSpike,
    /// <summary>Close above the previous bars' highest high.</summary>
    PriceBreakout,
    /// <summary>Close below the previous bars' lowest low.</summary>
    PriceBreakdown,
    /// <summary>New session high after the opening minutes.</summary>
    HighOfDay,
    /// <summary>New session low after the opening minutes.</summary>
    LowOfDay,
    /// <summary>Daily close above the 20-day high on relative volume.</summary>
    DailyBreakout,
    /// <summary>Daily close above the 52-week high (weeks rolled from daily bars).</summary>
    WeeklyBreakout,
    /// <summary>Close crossing above a multi-touch resistance level.</summary>
    ResistanceBreak,
    /// <summary>Low testing a multi-touch support level, close holding above it.</summary>
    SupportTest,
    /// <summary>Open ≥ 2 % above the previous high.</summary>
    GapUp,
    /// <summary>Open ≥ 2 % below the previous low.</summary>
    GapDown,
    /// <summary>EMA(12) crossing above EMA(26).</summary>
    MACrossoverBullish,
    /// <summary>EMA(12) crossing below EMA(26).</summary>
    MACrossoverBearish,
    /// <summary>SMA(50) crossing above SMA(200).</summary>
    GoldenCross,
    /// <summary>SMA(50) crossing below SMA(200).</summary>
    DeathCross,
    /// <summary>RSI(14) crossing above 70.</summary>
    RsiOverbought,
    /// <summary>RSI(14) crossing below 30.</summary>
    RsiOversold,
    /// <summary>Close crossing outside the Bollinger(20, 2) band (direction says which side).</summary>
    BollingerBreakout,
    /// <summary>Close in the top 10 % of the bar's range.</summary>
    ClosedTop10,
    /// <summary>Close in the bottom 10 % of the bar's range.</summary>
    ClosedBottom10,

    // Combo tier
    /// <summary>Daily breakout level broken intraday on a volume spike.</summary>
    BreakoutConfirmed,
    /// <summary>Intraday bounce off a daily support level confirmed by a 5-minute bullish candle.</summary>
    SupportBounce,
    /// <summary>Daily up-trend continued by an intraday EMA cross after a pullback to VWAP.</summary>
    TrendContinuation,
    /// <summary>Daily candlestick reversal confirmed by an intraday breakout in the same direction.</summary>
    ReversalConfirmed,
}
