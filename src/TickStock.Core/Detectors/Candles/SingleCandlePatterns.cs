namespace TickStock.Core.Detectors.Candles;

/// <summary>CDLDOJI: real body ≤ BodyDoji average (10 % of the mean high-low range of the previous 10 bars).</summary>
/// <remarks>
/// Confidence = 0.6 + 0.25 × (1 − body / dojiLimit) + 0.15 × (1 − |upper − lower| / (upper + lower)), capped at 1
/// (a limit of 0 counts as a perfect body; a bar without shadows gets no symmetry bonus).
/// </remarks>
internal sealed class DojiPattern : CandlePattern
{
    private readonly CandleAverage _bodyDoji;

    public DojiPattern(CandleAverages averages)
        : base(averages, CandleSettings.BodyDoji.AveragePeriod) => _bodyDoji = Average(CandleSettings.BodyDoji, 0);

    public override int Evaluate(CandleWindow w)
    {
        double body = w.RealBody(0);
        double limit = Value(_bodyDoji, w);
        if (!(body <= limit))
        {
            return 0;
        }

        double smallness = limit > 0 ? 1 - (body / limit) : 1;
        double upper = w.UpperShadow(0);
        double lower = w.LowerShadow(0);
        double shadows = upper + lower;
        double symmetry = shadows > 0 ? 1 - (Math.Abs(upper - lower) / shadows) : 0;
        Confidence = Score(0.6 + (0.25 * Unit(smallness)) + (0.15 * Unit(symmetry)));
        return 100;
    }
}

/// <summary>
/// Shared shape of CDLHAMMER and CDLHANGINGMAN: short body (BodyShort), lower shadow longer than the body
/// (ShadowLong), very short upper shadow (ShadowVeryShort); they differ in where the body sits against the
/// previous bar (Near average of the previous bar).
/// </summary>
/// <remarks>
/// Confidence = 0.6 + 0.15 if lower shadow ≥ 3 × body + 0.10 if upper shadow &lt; 5 % of the range + 0.10 for the
/// favourable colour (white for the Hammer, black for the Hanging Man).
/// </remarks>
internal abstract class LowerShadowPattern : CandlePattern
{
    private readonly CandleAverage _bodyShort;
    private readonly CandleAverage _shadowLong;
    private readonly CandleAverage _shadowVeryShort;
    private readonly CandleAverage _nearPrevious;

    // +1 for the Hammer (white favoured, body near the previous low), −1 for the Hanging Man (black, near the
    // previous high): fields rather than virtual members, because this runs on every bar.
    private readonly int _sign;

    protected LowerShadowPattern(CandleAverages averages, int sign)
        : base(averages, Math.Max(Math.Max(Math.Max(CandleSettings.BodyShort.AveragePeriod, CandleSettings.ShadowLong.AveragePeriod),
            CandleSettings.ShadowVeryShort.AveragePeriod), CandleSettings.Near.AveragePeriod) + 1)
    {
        _sign = sign;
        _bodyShort = Average(CandleSettings.BodyShort, 0);
        _shadowLong = Average(CandleSettings.ShadowLong, 0);
        _shadowVeryShort = Average(CandleSettings.ShadowVeryShort, 0);
        _nearPrevious = Average(CandleSettings.Near, 1);
    }

    public override int Evaluate(CandleWindow w)
    {
        double body = w.RealBody(0);
        double lower = w.LowerShadow(0);
        double upper = w.UpperShadow(0);
        if (body < Value(_bodyShort, w) && lower > Value(_shadowLong, w) && upper < Value(_shadowVeryShort, w)
            && BodyPlacement(w, Value(_nearPrevious, w)))
        {
            double range = w.HighLow(0);
            double raw = 0.6 + (lower >= 3 * body ? 0.15 : 0) + (upper < 0.05 * range ? 0.10 : 0)
                + (w.Color(0) == _sign ? 0.10 : 0);
            Confidence = Score(raw);
            return _sign * 100;
        }

        return 0;
    }

    /// <summary>Where the body must sit against the previous bar, given the Near distance of that bar.</summary>
    private bool BodyPlacement(CandleWindow w, double near) =>
        _sign > 0 ? w.BodyBottom(0) <= w.Low(1) + near : w.BodyBottom(0) >= w.High(1) - near;
}

/// <summary>CDLHAMMER (+100): the hammer shape with its body at or near the previous bar's low.</summary>
internal sealed class HammerPattern(CandleAverages averages) : LowerShadowPattern(averages, 1);

/// <summary>CDLHANGINGMAN (−100): the hammer shape with its body at or near the previous bar's high.</summary>
internal sealed class HangingManPattern(CandleAverages averages) : LowerShadowPattern(averages, -1);

/// <summary>
/// CDLSHOOTINGSTAR (−100): short body, upper shadow longer than the body, very short lower shadow, body gapping up
/// from the previous body.
/// </summary>
/// <remarks>
/// Confidence = 0.6 + 0.15 if upper shadow ≥ 3 × body + 0.10 if lower shadow &lt; 5 % of the range + 0.10 if black.
/// </remarks>
internal sealed class ShootingStarPattern : CandlePattern
{
    private readonly CandleAverage _bodyShort;
    private readonly CandleAverage _shadowLong;
    private readonly CandleAverage _shadowVeryShort;

    public ShootingStarPattern(CandleAverages averages)
        : base(averages, Math.Max(Math.Max(CandleSettings.BodyShort.AveragePeriod, CandleSettings.ShadowLong.AveragePeriod),
            CandleSettings.ShadowVeryShort.AveragePeriod) + 1)
    {
        _bodyShort = Average(CandleSettings.BodyShort, 0);
        _shadowLong = Average(CandleSettings.ShadowLong, 0);
        _shadowVeryShort = Average(CandleSettings.ShadowVeryShort, 0);
    }

    public override int Evaluate(CandleWindow w)
    {
        double body = w.RealBody(0);
        double upper = w.UpperShadow(0);
        double lower = w.LowerShadow(0);
        if (body < Value(_bodyShort, w) && upper > Value(_shadowLong, w) && lower < Value(_shadowVeryShort, w)
            && w.BodyBottom(0) > w.BodyTop(1))
        {
            double range = w.HighLow(0);
            double raw = 0.6 + (upper >= 3 * body ? 0.15 : 0) + (lower < 0.05 * range ? 0.10 : 0) + (w.Color(0) == -1 ? 0.10 : 0);
            Confidence = Score(raw);
            return -100;
        }

        return 0;
    }
}
