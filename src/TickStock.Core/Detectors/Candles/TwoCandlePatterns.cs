namespace TickStock.Core.Detectors.Candles;

/// <summary>
/// CDLENGULFING: a body of the opposite colour engulfing the previous body. ±100 when it extends past both ends of
/// the previous body, ±80 when it matches it on one end (TA-Lib ≥ 0.5 behaviour); the sign is the current colour.
/// </summary>
/// <remarks>
/// Confidence = 0.6 + 0.15 if body ≥ 1.5 × previous body + 0.10 if the body also covers the previous bar's whole
/// high-low range + 0.10 if volume rose + 0.05 for opposite colours (always true here, kept so the formula reads
/// like the original producer's).
/// </remarks>
internal sealed class EngulfingPattern : CandlePattern
{
    public EngulfingPattern(CandleAverages averages) : base(averages, 2) { }

    public override int Evaluate(CandleWindow w)
    {
        double o0 = w.Open(0), c0 = w.Close(0), o1 = w.Open(1), c1 = w.Close(1);
        int color = w.Color(0);
        bool whiteEngulfsBlack = color == 1 && w.Color(1) == -1
            && ((c0 >= o1 && o0 < c1) || (c0 > o1 && o0 <= c1));
        bool blackEngulfsWhite = color == -1 && w.Color(1) == 1
            && ((o0 >= c1 && c0 < o1) || (o0 > c1 && c0 <= o1));
        if (!whiteEngulfsBlack && !blackEngulfsWhite)
        {
            return 0;
        }

        double raw = 0.6
            + (w.RealBody(0) >= 1.5 * w.RealBody(1) ? 0.15 : 0)
            + (w.BodyTop(0) >= w.High(1) && w.BodyBottom(0) <= w.Low(1) ? 0.10 : 0)
            + (w.Volume(0) > w.Volume(1) ? 0.10 : 0)
            + 0.05;
        Confidence = Score(raw);
        return o0 != c1 && c0 != o1 ? color * 100 : color * 80;
    }
}

/// <summary>
/// CDLHARAMI: a long body (BodyLong of the previous bar) followed by a short body (BodyShort) inside it. ±100 when
/// strictly inside, ±80 when matching one end; the sign is opposite to the first bar's colour.
/// </summary>
/// <remarks>
/// Confidence = 0.6 + 0.15 if the second body ≤ 1/3 of the first + 0.10 if the second bar's whole high-low range
/// lies within the first body + 0.10 if volume fell + 0.05 if the colours are opposite.
/// </remarks>
internal sealed class HaramiPattern : CandlePattern
{
    private readonly CandleAverage _bodyLongPrevious;
    private readonly CandleAverage _bodyShort;

    public HaramiPattern(CandleAverages averages)
        : base(averages, Math.Max(CandleSettings.BodyShort.AveragePeriod, CandleSettings.BodyLong.AveragePeriod) + 1)
    {
        _bodyLongPrevious = Average(CandleSettings.BodyLong, 1);
        _bodyShort = Average(CandleSettings.BodyShort, 0);
    }

    public override int Evaluate(CandleWindow w)
    {
        if (!(w.RealBody(1) > Value(_bodyLongPrevious, w) && w.RealBody(0) <= Value(_bodyShort, w)))
        {
            return 0;
        }

        double top0 = w.BodyTop(0), bottom0 = w.BodyBottom(0), top1 = w.BodyTop(1), bottom1 = w.BodyBottom(1);
        int strength;
        if (top0 < top1 && bottom0 > bottom1)
        {
            strength = 100;
        }
        else if (top0 <= top1 && bottom0 >= bottom1)
        {
            strength = 80;
        }
        else
        {
            return 0;
        }

        double raw = 0.6
            + (w.RealBody(0) * 3 <= w.RealBody(1) ? 0.15 : 0)
            + (w.High(0) <= top1 && w.Low(0) >= bottom1 ? 0.10 : 0)
            + (w.Volume(0) < w.Volume(1) ? 0.10 : 0)
            + (w.Color(0) != w.Color(1) ? 0.05 : 0);
        Confidence = Score(raw);
        return -w.Color(1) * strength;
    }
}

/// <summary>
/// CDLPIERCING (+100): long black, then long white opening below the prior low and closing above the prior body's
/// midpoint but below its open.
/// </summary>
/// <remarks>
/// Confidence = 0.6 + 0.25 × clamp((p − 0.5) / 0.5) where p = (close − prior close) / prior body (how far past the
/// midpoint toward the prior open) + 0.10 if volume rose + 0.05 if the open gapped below the prior low by ≥ 1 %.
/// </remarks>
internal sealed class PiercingPattern : CandlePattern
{
    private readonly CandleAverage _bodyLongPrevious;
    private readonly CandleAverage _bodyLong;

    public PiercingPattern(CandleAverages averages)
        : base(averages, CandleSettings.BodyLong.AveragePeriod + 1)
    {
        _bodyLongPrevious = Average(CandleSettings.BodyLong, 1);
        _bodyLong = Average(CandleSettings.BodyLong, 0);
    }

    public override int Evaluate(CandleWindow w)
    {
        double body1 = w.RealBody(1);
        if (w.Color(1) == -1 && body1 > Value(_bodyLongPrevious, w)
            && w.Color(0) == 1 && w.RealBody(0) > Value(_bodyLong, w)
            && w.Open(0) < w.Low(1)
            && w.Close(0) < w.Open(1)
            && w.Close(0) > w.Close(1) + (body1 * 0.5))
        {
            double penetration = (w.Close(0) - w.Close(1)) / body1;
            double raw = 0.6 + (0.25 * Unit((penetration - 0.5) / 0.5))
                + (w.Volume(0) > w.Volume(1) ? 0.10 : 0)
                + (w.Open(0) <= w.Low(1) * 0.99 ? 0.05 : 0);
            Confidence = Score(raw);
            return 100;
        }

        return 0;
    }
}

/// <summary>
/// CDLDARKCLOUDCOVER (−100, penetration 0.5): long white, then black opening above the prior high and closing
/// within the prior body, below its midpoint (by the penetration) but above its open.
/// </summary>
/// <remarks>
/// Confidence = 0.6 + 0.25 × clamp((p − pen) / (1 − pen)) where p = (prior close − close) / prior body
/// + 0.10 if volume rose + 0.05 if the open gapped above the prior high by ≥ 1 %.
/// </remarks>
internal sealed class DarkCloudCoverPattern : CandlePattern
{
    private readonly double _penetration;
    private readonly CandleAverage _bodyLongPrevious;

    public DarkCloudCoverPattern(CandleAverages averages, double penetration = 0.5)
        : base(averages, CandleSettings.BodyLong.AveragePeriod + 1)
    {
        _penetration = penetration;
        _bodyLongPrevious = Average(CandleSettings.BodyLong, 1);
    }

    public override int Evaluate(CandleWindow w)
    {
        double body1 = w.RealBody(1);
        if (w.Color(1) == 1 && body1 > Value(_bodyLongPrevious, w)
            && w.Color(0) == -1
            && w.Open(0) > w.High(1)
            && w.Close(0) > w.Open(1)
            && w.Close(0) < w.Close(1) - (body1 * _penetration))
        {
            double penetration = (w.Close(1) - w.Close(0)) / body1;
            double raw = 0.6 + (0.25 * Unit((penetration - _penetration) / (1 - _penetration)))
                + (w.Volume(0) > w.Volume(1) ? 0.10 : 0)
                + (w.Open(0) >= w.High(1) * 1.01 ? 0.05 : 0);
            Confidence = Score(raw);
            return -100;
        }

        return 0;
    }
}
