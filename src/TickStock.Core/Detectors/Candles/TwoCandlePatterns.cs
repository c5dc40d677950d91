using System.Runtime.CompilerServices;
using static TickStock.Core.Detectors.Candles.CandlePattern;

namespace TickStock.Core.Detectors.Candles;

/// <summary>The two-bar CDL functions.</summary>
internal static class TwoCandlePatterns
{
    /// <summary>
    /// CDLENGULFING (lookback 2): a body of the opposite colour engulfing the previous body. ±100 when it extends past
    /// both ends of the previous body, ±80 when it matches it on one end (TA-Lib ≥ 0.5 behaviour); the sign is the
    /// current colour.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Engulfing(in CandleRow r0, in CandleRow r1, ref double confidence)
    {
        if (r0.Color == r1.Color)
        {
            return 0;
        }

        double o0 = r0.Open, c0 = r0.Close, o1 = r1.Open, c1 = r1.Close;
        bool engulfs = r0.Color == 1
            ? (c0 >= o1 && o0 < c1) || (c0 > o1 && o0 <= c1)
            : (o0 >= c1 && c0 < o1) || (o0 > c1 && c0 <= o1);
        if (!engulfs)
        {
            return 0;
        }

        confidence = EngulfingConfidence(r0, r1);
        return o0 != c1 && c0 != o1 ? r0.Color * 100 : r0.Color * 80;
    }

    /// <summary>0.6 + 0.15 if body ≥ 1.5 × previous body + 0.10 if the body also covers the previous bar's whole
    /// high-low range + 0.10 if volume rose + 0.05 for opposite colours (always true here, kept so the formula reads
    /// like the original producer's).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static double EngulfingConfidence(in CandleRow r0, in CandleRow r1) =>
        Score(0.6
            + (r0.Body >= 1.5 * r1.Body ? 0.15 : 0)
            + (r0.Top >= r1.High && r0.Bottom <= r1.Low ? 0.10 : 0)
            + (r0.Volume > r1.Volume ? 0.10 : 0)
            + 0.05);

    /// <summary>
    /// CDLHARAMI (lookback 11): a long body (BodyLong of the previous bar) followed by a short body (BodyShort) inside
    /// it. ±100 when strictly inside, ±80 when matching one end; the sign is opposite to the first bar's colour.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Harami(in CandleRow r0, in CandleRow r1, in SharedMeans shared, ref double confidence)
    {
        if (!(r1.Body > CandleSettings.BodyLong.Factor * shared.PreviousBody10From10
            && r0.Body <= CandleSettings.BodyShort.Factor * shared.Body10From11))
        {
            return 0;
        }

        int strength;
        if (r0.Top < r1.Top && r0.Bottom > r1.Bottom)
        {
            strength = 100;
        }
        else if (r0.Top <= r1.Top && r0.Bottom >= r1.Bottom)
        {
            strength = 80;
        }
        else
        {
            return 0;
        }

        confidence = HaramiConfidence(r0, r1);
        return -r1.Color * strength;
    }

    /// <summary>0.6 + 0.15 if the second body ≤ 1/3 of the first + 0.10 if the second bar's whole high-low range lies
    /// within the first body + 0.10 if volume fell + 0.05 if the colours are opposite.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static double HaramiConfidence(in CandleRow r0, in CandleRow r1) =>
        Score(0.6
            + (r0.Body * 3 <= r1.Body ? 0.15 : 0)
            + (r0.High <= r1.Top && r0.Low >= r1.Bottom ? 0.10 : 0)
            + (r0.Volume < r1.Volume ? 0.10 : 0)
            + (r0.Color != r1.Color ? 0.05 : 0));

    /// <summary>
    /// CDLPIERCING (+100, lookback 11): long black, then long white opening below the prior low and closing above the
    /// prior body's midpoint but below its open.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Piercing(in CandleRow r0, in CandleRow r1, in SharedMeans shared, ref double confidence)
    {
        double body1 = r1.Body;
        if (r1.Color == -1 && r0.Color == 1
            && body1 > CandleSettings.BodyLong.Factor * shared.PreviousBody10From10
            && r0.Body > CandleSettings.BodyLong.Factor * shared.Body10From11
            && r0.Open < r1.Low
            && r0.Close < r1.Open
            && r0.Close > r1.Close + (body1 * 0.5))
        {
            confidence = PiercingConfidence(r0, r1);
            return 100;
        }

        return 0;
    }

    /// <summary>0.6 + 0.25 × clamp((p − 0.5) / 0.5) where p = (close − prior close) / prior body (how far past the
    /// midpoint toward the prior open) + 0.10 if volume rose + 0.05 if the open gapped below the prior low by ≥ 1 %.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static double PiercingConfidence(in CandleRow r0, in CandleRow r1)
    {
        double penetration = (r0.Close - r1.Close) / r1.Body;
        return Score(0.6 + (0.25 * Unit((penetration - 0.5) / 0.5))
            + (r0.Volume > r1.Volume ? 0.10 : 0)
            + (r0.Open <= r1.Low * 0.99 ? 0.05 : 0));
    }

    /// <summary>
    /// CDLDARKCLOUDCOVER (−100, lookback 11, penetration 0.5): long white, then black opening above the prior high and
    /// closing within the prior body, below its midpoint (by the penetration) but above its open.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int DarkCloudCover(in CandleRow r0, in CandleRow r1, in SharedMeans shared, double penetration, ref double confidence)
    {
        double body1 = r1.Body;
        if (r1.Color == 1 && r0.Color == -1
            && body1 > CandleSettings.BodyLong.Factor * shared.PreviousBody10From10
            && r0.Open > r1.High
            && r0.Close > r1.Open
            && r0.Close < r1.Close - (body1 * penetration))
        {
            confidence = DarkCloudCoverConfidence(r0, r1, penetration);
            return -100;
        }

        return 0;
    }

    /// <summary>0.6 + 0.25 × clamp((p − pen) / (1 − pen)) where p = (prior close − close) / prior body + 0.10 if volume
    /// rose + 0.05 if the open gapped above the prior high by ≥ 1 %.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static double DarkCloudCoverConfidence(in CandleRow r0, in CandleRow r1, double penetration)
    {
        double p = (r1.Close - r0.Close) / r1.Body;
        return Score(0.6 + (0.25 * Unit((p - penetration) / (1 - penetration)))
            + (r0.Volume > r1.Volume ? 0.10 : 0)
            + (r0.Open >= r1.High * 1.01 ? 0.05 : 0));
    }
}
