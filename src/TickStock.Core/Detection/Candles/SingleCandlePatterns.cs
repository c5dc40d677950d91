namespace TickStock.Core.Detection.Candles;

/// <summary>CDLDOJI: real body ≤ BodyDoji average (10 % of the mean high-low range of the previous 10 bars).</summary>
/// <remarks>
/// Confidence = 0.6 + 0.25 × (1 − body / dojiLimit) + 0.15 × (1 − |upper − lower| / (upper + lower)), capped at 1
/// (a limit of 0 counts as a perfect body; a bar without shadows gets no symmetry bonus).
/// </remarks>
internal sealed class DojiPattern : CandlePattern
{
    private CandleAverage _bodyDoji = new(CandleSettings.BodyDoji, 0);

    public DojiPattern() : base(CandleSettings.BodyDoji.AveragePeriod) { }

    protected override void Start(CandleWindow w) => _bodyDoji.Start(w);

    protected override void Advance(CandleWindow w) => _bodyDoji.Advance(w);

    protected override int Evaluate(CandleWindow w)
    {
        double body = w.RealBody(0);
        double limit = _bodyDoji.Value(w);
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
    private CandleAverage _bodyShort = new(CandleSettings.BodyShort, 0);
    private CandleAverage _shadowLong = new(CandleSettings.ShadowLong, 0);
    private CandleAverage _shadowVeryShort = new(CandleSettings.ShadowVeryShort, 0);
    private CandleAverage _nearPrevious = new(CandleSettings.Near, 1);

    protected LowerShadowPattern()
        : base(Math.Max(Math.Max(Math.Max(CandleSettings.BodyShort.AveragePeriod, CandleSettings.ShadowLong.AveragePeriod),
            CandleSettings.ShadowVeryShort.AveragePeriod), CandleSettings.Near.AveragePeriod) + 1)
    {
    }

    protected abstract int FavourableColor { get; }

    protected abstract int Sign { get; }

    /// <summary>Where the body must sit against the previous bar, given the Near distance of that bar.</summary>
    protected abstract bool BodyPlacement(CandleWindow w, double near);

    protected override void Start(CandleWindow w)
    {
        _bodyShort.Start(w);
        _shadowLong.Start(w);
        _shadowVeryShort.Start(w);
        _nearPrevious.Start(w);
    }

    protected override void Advance(CandleWindow w)
    {
        _bodyShort.Advance(w);
        _shadowLong.Advance(w);
        _shadowVeryShort.Advance(w);
        _nearPrevious.Advance(w);
    }

    protected override int Evaluate(CandleWindow w)
    {
        double body = w.RealBody(0);
        double lower = w.LowerShadow(0);
        double upper = w.UpperShadow(0);
        if (body < _bodyShort.Value(w) && lower > _shadowLong.Value(w) && upper < _shadowVeryShort.Value(w)
            && BodyPlacement(w, _nearPrevious.Value(w)))
        {
            double range = w.HighLow(0);
            double raw = 0.6 + (lower >= 3 * body ? 0.15 : 0) + (upper < 0.05 * range ? 0.10 : 0)
                + (w.Color(0) == FavourableColor ? 0.10 : 0);
            Confidence = Score(raw);
            return Sign * 100;
        }

        return 0;
    }
}

/// <summary>CDLHAMMER (+100): the hammer shape with its body at or near the previous bar's low.</summary>
internal sealed class HammerPattern : LowerShadowPattern
{
    protected override int FavourableColor => 1;

    protected override int Sign => 1;

    protected override bool BodyPlacement(CandleWindow w, double near) => w.BodyBottom(0) <= w.Low(1) + near;
}

/// <summary>CDLHANGINGMAN (−100): the hammer shape with its body at or near the previous bar's high.</summary>
internal sealed class HangingManPattern : LowerShadowPattern
{
    protected override int FavourableColor => -1;

    protected override int Sign => -1;

    protected override bool BodyPlacement(CandleWindow w, double near) => w.BodyBottom(0) >= w.High(1) - near;
}

/// <summary>
/// CDLSHOOTINGSTAR (−100): short body, upper shadow longer than the body, very short lower shadow, body gapping up
/// from the previous body.
/// </summary>
/// <remarks>
/// Confidence = 0.6 + 0.15 if upper shadow ≥ 3 × body + 0.10 if lower shadow &lt; 5 % of the range + 0.10 if black.
/// </remarks>
internal sealed class ShootingStarPattern : CandlePattern
{
    private CandleAverage _bodyShort = new(CandleSettings.BodyShort, 0);
    private CandleAverage _shadowLong = new(CandleSettings.ShadowLong, 0);
    private CandleAverage _shadowVeryShort = new(CandleSettings.ShadowVeryShort, 0);

    public ShootingStarPattern()
        : base(Math.Max(Math.Max(CandleSettings.BodyShort.AveragePeriod, CandleSettings.ShadowLong.AveragePeriod),
            CandleSettings.ShadowVeryShort.AveragePeriod) + 1)
    {
    }

    protected override void Start(CandleWindow w)
    {
        _bodyShort.Start(w);
        _shadowLong.Start(w);
        _shadowVeryShort.Start(w);
    }

    protected override void Advance(CandleWindow w)
    {
        _bodyShort.Advance(w);
        _shadowLong.Advance(w);
        _shadowVeryShort.Advance(w);
    }

    protected override int Evaluate(CandleWindow w)
    {
        double body = w.RealBody(0);
        double upper = w.UpperShadow(0);
        double lower = w.LowerShadow(0);
        if (body < _bodyShort.Value(w) && upper > _shadowLong.Value(w) && lower < _shadowVeryShort.Value(w)
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
