using TickStock.Core.Bars;
using TickStock.Core.Indicators;

namespace TickStock.Core.Detectors;

/// <summary>
/// The shared indicators of one symbol+timeframe stream, updated once per bar by <see cref="DetectorEngine"/> before
/// its detectors run, with the previous bar's values kept for cross detection. Also the source of the event's
/// <c>indicators</c> object (rsi, relative_volume, relative_strength).
/// </summary>
/// <remarks>
/// Memory is per symbol and timeframe (a SymbolActor holds four of these), so indicators nobody reads are not kept:
/// an intraday stream has SMA(fast/slow) and the Bollinger bands only when a detector that reads them is enabled
/// (their properties stay NaN otherwise; the daily stream always has them, the combo tracker reads its SMA), and the
/// relative strength ring is created by the first reference index close.
/// </remarks>
public sealed class MarketState
{
    private readonly ExponentialMovingAverage _emaFast;
    private readonly ExponentialMovingAverage _emaSlow;
    private readonly SimpleMovingAverage? _smaFast;
    private readonly SimpleMovingAverage? _smaSlow;
    private readonly RelativeStrengthIndex _rsi;
    private readonly BollingerBands? _bands;
    private readonly AverageTrueRange _atr;
    private readonly RelativeVolume _relativeVolume;
    private readonly int _relativeStrengthPeriod;
    private RelativeStrength? _relativeStrength;
    private readonly SessionVwap _vwap = new();

    /// <param name="options">Periods of the indicators.</param>
    /// <param name="simpleAverages">Keep SMA(fast) and SMA(slow) (false: they stay NaN).</param>
    /// <param name="bands">Keep the Bollinger bands (false: they stay NaN).</param>
    internal MarketState(DetectorOptions options, bool simpleAverages = true, bool bands = true)
    {
        _emaFast = new ExponentialMovingAverage(options.MACrossover.Fast);
        _emaSlow = new ExponentialMovingAverage(options.MACrossover.Slow);
        if (simpleAverages)
        {
            _smaFast = new SimpleMovingAverage(options.TrendCross.Fast);
            _smaSlow = new SimpleMovingAverage(options.TrendCross.Slow);
        }

        _rsi = new RelativeStrengthIndex(options.Rsi.Period);
        _bands = bands ? new BollingerBands(options.Bollinger.Period, options.Bollinger.Deviations) : null;
        _atr = new AverageTrueRange(options.Indicators.AtrPeriod);
        _relativeVolume = new RelativeVolume(options.Indicators.RelativeVolumePeriod);
        _relativeStrengthPeriod = options.Indicators.RelativeStrengthPeriod;
        ArgumentOutOfRangeException.ThrowIfLessThan(_relativeStrengthPeriod, 1);
    }

    /// <summary>Index of the current bar (0-based); -1 before the first.</summary>
    public long Index { get; private set; } = -1;

    /// <summary>The current bar.</summary>
    public Bar Bar { get; private set; }

    /// <summary>The previous bar (valid when <see cref="Index"/> ≥ 1).</summary>
    public Bar Previous { get; private set; }

    /// <summary>EMA(fast) now / on the previous bar (NaN until ready).</summary>
    public double EmaFast { get; private set; } = double.NaN;
    /// <summary>EMA(fast) on the previous bar.</summary>
    public double PreviousEmaFast { get; private set; } = double.NaN;
    /// <summary>EMA(slow) now.</summary>
    public double EmaSlow { get; private set; } = double.NaN;
    /// <summary>EMA(slow) on the previous bar.</summary>
    public double PreviousEmaSlow { get; private set; } = double.NaN;
    /// <summary>SMA(50) now.</summary>
    public double SmaFast { get; private set; } = double.NaN;
    /// <summary>SMA(50) on the previous bar.</summary>
    public double PreviousSmaFast { get; private set; } = double.NaN;
    /// <summary>SMA(200) now.</summary>
    public double SmaSlow { get; private set; } = double.NaN;
    /// <summary>SMA(200) on the previous bar.</summary>
    public double PreviousSmaSlow { get; private set; } = double.NaN;
    /// <summary>RSI now.</summary>
    public double Rsi { get; private set; } = double.NaN;
    /// <summary>RSI on the previous bar.</summary>
    public double PreviousRsi { get; private set; } = double.NaN;
    /// <summary>Upper Bollinger band now.</summary>
    public double BandUpper { get; private set; } = double.NaN;
    /// <summary>Lower Bollinger band now.</summary>
    public double BandLower { get; private set; } = double.NaN;
    /// <summary>Band standard deviation now.</summary>
    public double BandDeviation { get; private set; } = double.NaN;
    /// <summary>Upper band on the previous bar.</summary>
    public double PreviousBandUpper { get; private set; } = double.NaN;
    /// <summary>Lower band on the previous bar.</summary>
    public double PreviousBandLower { get; private set; } = double.NaN;
    /// <summary>ATR now (NaN until ready).</summary>
    public double Atr { get; private set; } = double.NaN;
    /// <summary>Volume / mean volume of the previous bars (NaN until ready).</summary>
    public double RelativeVolume { get; private set; } = double.NaN;
    /// <summary>Mean volume of the previous bars.</summary>
    public double MeanVolume { get; private set; } = double.NaN;
    /// <summary>Relative strength against the reference index (NaN unless reference index closes are supplied).</summary>
    public double RelativeStrength { get; private set; } = double.NaN;
    /// <summary>Session VWAP (sessions by <see cref="Bars.Bar.SessionDate"/>).</summary>
    public double Vwap { get; private set; } = double.NaN;

    /// <summary>Percent change of the close against the previous close (the event's price_change); 0 on the first bar.</summary>
    public double PriceChangePercent => Index >= 1 && Previous.Close != 0 ? (Bar.Close - Previous.Close) / Previous.Close * 100.0 : 0;

    internal void Update(in Bar bar, double referenceIndexClose)
    {
        Previous = Bar;
        Bar = bar;
        Index++;
        PreviousEmaFast = EmaFast;
        PreviousEmaSlow = EmaSlow;
        PreviousSmaFast = SmaFast;
        PreviousSmaSlow = SmaSlow;
        PreviousRsi = Rsi;
        PreviousBandUpper = BandUpper;
        PreviousBandLower = BandLower;

        EmaFast = _emaFast.Update(bar.Close) ? _emaFast.Value : double.NaN;
        EmaSlow = _emaSlow.Update(bar.Close) ? _emaSlow.Value : double.NaN;
        if (_smaFast is not null)
        {
            SmaFast = _smaFast.Update(bar.Close) ? _smaFast.Value : double.NaN;
            SmaSlow = _smaSlow!.Update(bar.Close) ? _smaSlow.Value : double.NaN;
        }

        Rsi = _rsi.Update(bar.Close) ? _rsi.Value : double.NaN;
        if (_bands is not null && _bands.Update(bar.Close))
        {
            BandUpper = _bands.Upper;
            BandLower = _bands.Lower;
            BandDeviation = _bands.StandardDeviation;
        }

        Atr = _atr.Update(bar.High, bar.Low, bar.Close) ? _atr.Value : double.NaN;
        _relativeVolume.Update(bar.Volume);
        RelativeVolume = _relativeVolume.Value;
        MeanVolume = _relativeVolume.PreviousMean;
        if (!double.IsNaN(referenceIndexClose))
        {
            _relativeStrength ??= new RelativeStrength(_relativeStrengthPeriod);
            _relativeStrength.Update(bar.Close, referenceIndexClose);
            RelativeStrength = _relativeStrength.Value;
        }

        _vwap.Update(bar.SessionDate, bar.High, bar.Low, bar.Close, bar.Volume);
        Vwap = _vwap.Value;
    }
}
