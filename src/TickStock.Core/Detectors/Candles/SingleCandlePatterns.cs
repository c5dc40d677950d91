using System.Runtime.CompilerServices;
using static TickStock.Core.Detectors.Candles.CandlePattern;

namespace TickStock.Core.Detectors.Candles;

/// <summary>The one-bar CDL functions (the Hammer family also compares the previous bar).</summary>
internal static class SingleCandlePatterns
{
    /// <summary>CDLDOJI (lookback 10): real body ≤ BodyDoji average (10 % of the mean high-low range of the previous
    /// 10 bars).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Doji(in CandleRow r0, ref double confidence)
    {
        double limit = CandleSettings.BodyDoji.Factor * r0.Means.Range10From10;
        if (!(r0.Body <= limit))
        {
            return 0;
        }

        confidence = DojiConfidence(r0, limit);
        return 100;
    }

    /// <summary>
    /// 0.6 + 0.25 × (1 − body / dojiLimit) + 0.15 × (1 − |upper − lower| / (upper + lower)), capped at 1
    /// (a limit of 0 counts as a perfect body; a bar without shadows gets no symmetry bonus).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static double DojiConfidence(in CandleRow r0, double limit)
    {
        double smallness = limit > 0 ? 1 - (r0.Body / limit) : 1;
        double shadows = r0.Upper + r0.Lower;
        double symmetry = shadows > 0 ? 1 - (Math.Abs(r0.Upper - r0.Lower) / shadows) : 0;
        return Score(0.6 + (0.25 * Unit(smallness)) + (0.15 * Unit(symmetry)));
    }

    /// <summary>
    /// The shape CDLHAMMER and CDLHANGINGMAN share (lookback 11): short body (BodyShort), lower shadow longer than
    /// the body (ShadowLong), very short upper shadow (ShadowVeryShort). <paramref name="sign"/> +1 is the Hammer
    /// (+100, body at or below the previous low + Near), −1 the Hanging Man (−100, body at or above the previous high
    /// − Near); Near is the average of the previous bar.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int LowerShadow(in CandleRow r0, in CandleRow r1, in SharedMeans shared, int sign, ref double confidence)
    {
        if (r0.Body < CandleSettings.BodyShort.Factor * shared.Body10From11
            && r0.Lower > CandleSettings.ShadowLong.Factor * r0.Body
            && r0.Upper < CandleSettings.ShadowVeryShort.Factor * shared.Range10From11)
        {
            double near = CandleSettings.Near.Factor * r1.Means.Range5From10;
            if (sign > 0 ? r0.Bottom <= r1.Low + near : r0.Bottom >= r1.High - near)
            {
                confidence = LowerShadowConfidence(r0, sign);
                return sign * 100;
            }
        }

        return 0;
    }

    /// <summary>0.6 + 0.15 if lower shadow ≥ 3 × body + 0.10 if upper shadow &lt; 5 % of the range + 0.10 for the
    /// favourable colour (white for the Hammer, black for the Hanging Man).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static double LowerShadowConfidence(in CandleRow r0, int sign) =>
        Score(0.6 + (r0.Lower >= 3 * r0.Body ? 0.15 : 0) + (r0.Upper < 0.05 * r0.Range ? 0.10 : 0) + (r0.Color == sign ? 0.10 : 0));

    /// <summary>CDLSHOOTINGSTAR (−100, lookback 11): short body, upper shadow longer than the body, very short lower
    /// shadow, body gapping up from the previous body.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ShootingStar(in CandleRow r0, in CandleRow r1, in SharedMeans shared, ref double confidence)
    {
        if (r0.Body < CandleSettings.BodyShort.Factor * shared.Body10From11
            && r0.Upper > CandleSettings.ShadowLong.Factor * r0.Body
            && r0.Lower < CandleSettings.ShadowVeryShort.Factor * shared.Range10From11
            && r0.Bottom > r1.Top)
        {
            confidence = ShootingStarConfidence(r0);
            return -100;
        }

        return 0;
    }

    /// <summary>0.6 + 0.15 if upper shadow ≥ 3 × body + 0.10 if lower shadow &lt; 5 % of the range + 0.10 if black.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static double ShootingStarConfidence(in CandleRow r0) =>
        Score(0.6 + (r0.Upper >= 3 * r0.Body ? 0.15 : 0) + (r0.Lower < 0.05 * r0.Range ? 0.10 : 0) + (r0.Color == -1 ? 0.10 : 0));
}
