namespace TickStock.Core.Detectors.Candles;

/// <summary>
/// CDLMORNINGSTAR (+100) and CDLEVENINGSTAR (−100), penetration 0.3: a long body (BodyLong), a short star
/// (BodyShort) whose body gaps away from it, then a body longer than short of the opposite colour closing at least
/// 30 % into the first body.
/// </summary>
/// <remarks>
/// Confidence = 0.6 + 0.15 × clamp((p − pen) / (1 − pen)) where p is how deep the third close reaches into the
/// first body (fraction of that body) + 0.10 if the star's body also gaps from the third body (an island)
/// + 0.10 if the star is a doji (body ≤ 10 % of its own range) + 0.05 if the third bar's volume exceeds the first's.
/// </remarks>
internal sealed class StarPattern : CandlePattern
{
    private readonly int _firstColor;
    private readonly double _penetration;
    private readonly CandleAverage _bodyLongFirst;
    private readonly CandleAverage _bodyShortStar;
    private readonly CandleAverage _bodyShortThird;

    /// <param name="morning">True for the Morning Star (black first bar), false for the Evening Star.</param>
    /// <param name="penetration">TA-Lib's optInPenetration.</param>
    public StarPattern(CandleAverages averages, bool morning, double penetration = 0.3)
        : base(averages, Math.Max(CandleSettings.BodyShort.AveragePeriod, CandleSettings.BodyLong.AveragePeriod) + 2)
    {
        _firstColor = morning ? -1 : 1;
        _penetration = penetration;
        _bodyLongFirst = Average(CandleSettings.BodyLong, 2);
        _bodyShortStar = Average(CandleSettings.BodyShort, 1);
        _bodyShortThird = Average(CandleSettings.BodyShort, 0);
    }

    public override int Evaluate(CandleWindow w)
    {
        double body1 = w.RealBody(2);
        if (!(body1 > Value(_bodyLongFirst, w) && w.Color(2) == _firstColor
            && w.RealBody(1) <= Value(_bodyShortStar, w)
            && w.RealBody(0) > Value(_bodyShortThird, w) && w.Color(0) == -_firstColor))
        {
            return 0;
        }

        bool morning = _firstColor == -1;
        bool starGap = morning ? w.BodyTop(1) < w.BodyBottom(2) : w.BodyBottom(1) > w.BodyTop(2);
        bool deepEnough = morning
            ? w.Close(0) > w.Close(2) + (body1 * _penetration)
            : w.Close(0) < w.Close(2) - (body1 * _penetration);
        if (!starGap || !deepEnough)
        {
            return 0;
        }

        double depth = (morning ? w.Close(0) - w.Close(2) : w.Close(2) - w.Close(0)) / body1;
        bool island = morning ? w.BodyTop(1) < w.BodyBottom(0) : w.BodyBottom(1) > w.BodyTop(0);
        double raw = 0.6 + (0.15 * Unit((depth - _penetration) / (1 - _penetration)))
            + (island ? 0.10 : 0)
            + (w.RealBody(1) <= 0.1 * w.HighLow(1) ? 0.10 : 0)
            + (w.Volume(0) > w.Volume(2) ? 0.05 : 0);
        Confidence = Score(raw);
        return morning ? 100 : -100;
    }
}

/// <summary>
/// CDL3WHITESOLDIERS (+100): three white bars with very short upper shadows (ShadowVeryShort), rising closes, each
/// opening above the previous open and no higher than Near above the previous close, no body shrinking by more
/// than Far, and the last body not short (BodyShort).
/// </summary>
/// <remarks>
/// Confidence = 0.6 + 0.15 if all three upper shadows are ≤ 5 % of their ranges (closing at the highs)
/// + 0.10 if volume did not fall across the three bars + 0.10 if no body is smaller than the one before.
/// </remarks>
internal sealed class ThreeWhiteSoldiersPattern : CandlePattern
{
    private readonly CandleAverage _shadowVeryShort2;
    private readonly CandleAverage _shadowVeryShort1;
    private readonly CandleAverage _shadowVeryShort0;
    private readonly CandleAverage _near2;
    private readonly CandleAverage _near1;
    private readonly CandleAverage _far2;
    private readonly CandleAverage _far1;
    private readonly CandleAverage _bodyShort;

    public ThreeWhiteSoldiersPattern(CandleAverages averages)
        : base(averages, Math.Max(Math.Max(CandleSettings.ShadowVeryShort.AveragePeriod, CandleSettings.BodyShort.AveragePeriod),
            Math.Max(CandleSettings.Far.AveragePeriod, CandleSettings.Near.AveragePeriod)) + 2)
    {
        _shadowVeryShort2 = Average(CandleSettings.ShadowVeryShort, 2);
        _shadowVeryShort1 = Average(CandleSettings.ShadowVeryShort, 1);
        _shadowVeryShort0 = Average(CandleSettings.ShadowVeryShort, 0);
        _near2 = Average(CandleSettings.Near, 2);
        _near1 = Average(CandleSettings.Near, 1);
        _far2 = Average(CandleSettings.Far, 2);
        _far1 = Average(CandleSettings.Far, 1);
        _bodyShort = Average(CandleSettings.BodyShort, 0);
    }

    public override int Evaluate(CandleWindow w)
    {
        if (w.Color(2) == 1 && w.UpperShadow(2) < Value(_shadowVeryShort2, w)
            && w.Color(1) == 1 && w.UpperShadow(1) < Value(_shadowVeryShort1, w)
            && w.Color(0) == 1 && w.UpperShadow(0) < Value(_shadowVeryShort0, w)
            && w.Close(0) > w.Close(1) && w.Close(1) > w.Close(2)
            && w.Open(1) > w.Open(2) && w.Open(1) <= w.Close(2) + Value(_near2, w)
            && w.Open(0) > w.Open(1) && w.Open(0) <= w.Close(1) + Value(_near1, w)
            && w.RealBody(1) > w.RealBody(2) - Value(_far2, w)
            && w.RealBody(0) > w.RealBody(1) - Value(_far1, w)
            && w.RealBody(0) > Value(_bodyShort, w))
        {
            bool atHighs = w.UpperShadow(2) <= 0.05 * w.HighLow(2) && w.UpperShadow(1) <= 0.05 * w.HighLow(1)
                && w.UpperShadow(0) <= 0.05 * w.HighLow(0);
            bool volumeHeld = w.Volume(1) >= w.Volume(2) && w.Volume(0) >= w.Volume(1);
            bool bodiesHeld = w.RealBody(1) >= w.RealBody(2) && w.RealBody(0) >= w.RealBody(1);
            Confidence = Score(0.6 + (atHighs ? 0.15 : 0) + (volumeHeld ? 0.10 : 0) + (bodiesHeld ? 0.10 : 0));
            return 100;
        }

        return 0;
    }
}

/// <summary>
/// CDL3BLACKCROWS (−100): a white bar whose high is above the next close, then three black bars with very short
/// lower shadows (ShadowVeryShort), each opening inside the previous body and closing lower.
/// </summary>
/// <remarks>
/// Confidence = 0.6 + 0.15 if all three lower shadows are ≤ 5 % of their ranges (closing at the lows)
/// + 0.10 if volume did not fall across the three black bars + 0.10 if no black body is smaller than the one before.
/// </remarks>
internal sealed class ThreeBlackCrowsPattern : CandlePattern
{
    private readonly CandleAverage _shadowVeryShort2;
    private readonly CandleAverage _shadowVeryShort1;
    private readonly CandleAverage _shadowVeryShort0;

    public ThreeBlackCrowsPattern(CandleAverages averages)
        : base(averages, CandleSettings.ShadowVeryShort.AveragePeriod + 3)
    {
        _shadowVeryShort2 = Average(CandleSettings.ShadowVeryShort, 2);
        _shadowVeryShort1 = Average(CandleSettings.ShadowVeryShort, 1);
        _shadowVeryShort0 = Average(CandleSettings.ShadowVeryShort, 0);
    }

    public override int Evaluate(CandleWindow w)
    {
        if (w.Color(3) == 1
            && w.Color(2) == -1 && w.LowerShadow(2) < Value(_shadowVeryShort2, w)
            && w.Color(1) == -1 && w.LowerShadow(1) < Value(_shadowVeryShort1, w)
            && w.Color(0) == -1 && w.LowerShadow(0) < Value(_shadowVeryShort0, w)
            && w.Open(1) < w.Open(2) && w.Open(1) > w.Close(2)
            && w.Open(0) < w.Open(1) && w.Open(0) > w.Close(1)
            && w.High(3) > w.Close(2)
            && w.Close(2) > w.Close(1) && w.Close(1) > w.Close(0))
        {
            bool atLows = w.LowerShadow(2) <= 0.05 * w.HighLow(2) && w.LowerShadow(1) <= 0.05 * w.HighLow(1)
                && w.LowerShadow(0) <= 0.05 * w.HighLow(0);
            bool volumeHeld = w.Volume(1) >= w.Volume(2) && w.Volume(0) >= w.Volume(1);
            bool bodiesHeld = w.RealBody(1) >= w.RealBody(2) && w.RealBody(0) >= w.RealBody(1);
            Confidence = Score(0.6 + (atLows ? 0.15 : 0) + (volumeHeld ? 0.10 : 0) + (bodiesHeld ? 0.10 : 0));
            return -100;
        }

        return 0;
    }
}
