using System.Runtime.CompilerServices;
using static TickStock.Core.Detectors.Candles.CandlePattern;

namespace TickStock.Core.Detectors.Candles;

/// <summary>The three- and four-bar CDL functions.</summary>
internal static class ThreeCandlePatterns
{
    /// <summary>
    /// CDLMORNINGSTAR (+100, <paramref name="firstColor"/> −1) and CDLEVENINGSTAR (−100, +1), lookback 12: a long body
    /// (BodyLong), a short star (BodyShort) whose body gaps away from it, then a body longer than short of the opposite
    /// colour closing at least <paramref name="penetration"/> of the first body into it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Star(in CandleRow r0, in CandleRow r1, in CandleRow r2, int firstColor, double penetration, ref double confidence)
    {
        double body1 = r2.Body;
        if (!(r2.Color == firstColor && r0.Color == -firstColor
            && body1 > CandleSettings.BodyLong.Factor * r2.Means.Body10From10
            && r1.Body <= CandleSettings.BodyShort.Factor * r1.Means.Body10From11
            && r0.Body > CandleSettings.BodyShort.Factor * r0.Means.Body10From12))
        {
            return 0;
        }

        bool morning = firstColor == -1;
        bool starGap = morning ? r1.Top < r2.Bottom : r1.Bottom > r2.Top;
        bool deepEnough = morning
            ? r0.Close > r2.Close + (body1 * penetration)
            : r0.Close < r2.Close - (body1 * penetration);
        if (!starGap || !deepEnough)
        {
            return 0;
        }

        confidence = StarConfidence(r0, r1, r2, morning, penetration);
        return morning ? 100 : -100;
    }

    /// <summary>
    /// 0.6 + 0.15 × clamp((p − pen) / (1 − pen)) where p is how deep the third close reaches into the first body
    /// (fraction of that body) + 0.10 if the star's body also gaps from the third body (an island) + 0.10 if the star
    /// is a doji (body ≤ 10 % of its own range) + 0.05 if the third bar's volume exceeds the first's.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static double StarConfidence(in CandleRow r0, in CandleRow r1, in CandleRow r2, bool morning, double penetration)
    {
        double depth = (morning ? r0.Close - r2.Close : r2.Close - r0.Close) / r2.Body;
        bool island = morning ? r1.Top < r0.Bottom : r1.Bottom > r0.Top;
        return Score(0.6 + (0.15 * Unit((depth - penetration) / (1 - penetration)))
            + (island ? 0.10 : 0)
            + (r1.Body <= 0.1 * r1.Range ? 0.10 : 0)
            + (r0.Volume > r2.Volume ? 0.05 : 0));
    }

    /// <summary>
    /// CDL3WHITESOLDIERS (+100, lookback 12): three white bars with very short upper shadows (ShadowVeryShort), rising
    /// closes, each opening above the previous open and no higher than Near above the previous close, no body
    /// shrinking by more than Far, and the last body not short (BodyShort).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ThreeWhiteSoldiers(in CandleRow r0, in CandleRow r1, in CandleRow r2, ref double confidence)
    {
        double veryShort = CandleSettings.ShadowVeryShort.Factor;
        if (r2.Color == 1 && r1.Color == 1 && r0.Color == 1
            && r0.Close > r1.Close && r1.Close > r2.Close
            && r1.Open > r2.Open && r0.Open > r1.Open
            && r2.Upper < veryShort * r2.Means.Range10From10
            && r1.Upper < veryShort * r1.Means.Range10From11
            && r0.Upper < veryShort * r0.Means.Range10From12
            && r1.Open <= r2.Close + (CandleSettings.Near.Factor * r2.Means.Range5From10)
            && r0.Open <= r1.Close + (CandleSettings.Near.Factor * r1.Means.Range5From11)
            && r1.Body > r2.Body - (CandleSettings.Far.Factor * r2.Means.Range5From10)
            && r0.Body > r1.Body - (CandleSettings.Far.Factor * r1.Means.Range5From11)
            && r0.Body > CandleSettings.BodyShort.Factor * r0.Means.Body10From12)
        {
            confidence = ThreeWhiteSoldiersConfidence(r0, r1, r2);
            return 100;
        }

        return 0;
    }

    /// <summary>0.6 + 0.15 if all three upper shadows are ≤ 5 % of their ranges (closing at the highs) + 0.10 if volume
    /// did not fall across the three bars + 0.10 if no body is smaller than the one before.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static double ThreeWhiteSoldiersConfidence(in CandleRow r0, in CandleRow r1, in CandleRow r2)
    {
        bool atHighs = r2.Upper <= 0.05 * r2.Range && r1.Upper <= 0.05 * r1.Range && r0.Upper <= 0.05 * r0.Range;
        return Score(0.6 + (atHighs ? 0.15 : 0) + (VolumeHeld(r0, r1, r2) ? 0.10 : 0) + (BodiesHeld(r0, r1, r2) ? 0.10 : 0));
    }

    /// <summary>
    /// CDL3BLACKCROWS (−100, lookback 13): a white bar whose high is above the next close, then three black bars with
    /// very short lower shadows (ShadowVeryShort), each opening inside the previous body and closing lower.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ThreeBlackCrows(in CandleRow r0, in CandleRow r1, in CandleRow r2, in CandleRow r3, ref double confidence)
    {
        double veryShort = CandleSettings.ShadowVeryShort.Factor;
        if (r3.Color == 1 && r2.Color == -1 && r1.Color == -1 && r0.Color == -1
            && r1.Open < r2.Open && r1.Open > r2.Close
            && r0.Open < r1.Open && r0.Open > r1.Close
            && r3.High > r2.Close
            && r2.Close > r1.Close && r1.Close > r0.Close
            && r2.Lower < veryShort * r2.Means.Range10From11
            && r1.Lower < veryShort * r1.Means.Range10From12
            && r0.Lower < veryShort * r0.Means.Range10From13)
        {
            confidence = ThreeBlackCrowsConfidence(r0, r1, r2);
            return -100;
        }

        return 0;
    }

    /// <summary>0.6 + 0.15 if all three lower shadows are ≤ 5 % of their ranges (closing at the lows) + 0.10 if volume
    /// did not fall across the three black bars + 0.10 if no black body is smaller than the one before.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static double ThreeBlackCrowsConfidence(in CandleRow r0, in CandleRow r1, in CandleRow r2)
    {
        bool atLows = r2.Lower <= 0.05 * r2.Range && r1.Lower <= 0.05 * r1.Range && r0.Lower <= 0.05 * r0.Range;
        return Score(0.6 + (atLows ? 0.15 : 0) + (VolumeHeld(r0, r1, r2) ? 0.10 : 0) + (BodiesHeld(r0, r1, r2) ? 0.10 : 0));
    }

    private static bool VolumeHeld(in CandleRow r0, in CandleRow r1, in CandleRow r2) => r1.Volume >= r2.Volume && r0.Volume >= r1.Volume;

    private static bool BodiesHeld(in CandleRow r0, in CandleRow r1, in CandleRow r2) => r1.Body >= r2.Body && r0.Body >= r1.Body;
}
