using System.Globalization;
using System.Text;
using TickStock.Core.Bars;
using TickStock.Core.Indicators;
using Xunit;

namespace TickStock.Core.Tests.Golden;

/// <summary>Indicators agree with TA-Lib to 1e-6 relative from TA-Lib's first output bar on.</summary>
public sealed class IndicatorGoldenTests
{
    private const double RelativeTolerance = 1e-6;

    // Values that are differences of nearly equal numbers (MACD histogram, a flat-window %K) can be ~1e-12 while
    // both sides carry ~1e-14 of rounding noise; below this absolute floor "relative" agreement is meaningless.
    private const double AbsoluteFloor = 1e-9;

    public static TheoryData<string> Files() => new(GoldenData.IndicatorFiles);

    [Theory]
    [MemberData(nameof(Files))]
    public void Indicators_match_talib(string file)
    {
        IReadOnlyList<Bar> bars = GoldenData.LoadBars(file);
        Dictionary<string, double?[]> expected = GoldenData.LoadTable(file + ".ind.csv");
        int rows = expected["i"].Length;

        var sma20 = new SimpleMovingAverage(20);
        var sma50 = new SimpleMovingAverage(50);
        var sma200 = new SimpleMovingAverage(200);
        var ema12 = new ExponentialMovingAverage(12);
        var ema26 = new ExponentialMovingAverage(26);
        var macd = new Macd();
        var bands = new BollingerBands();
        var rsi = new RelativeStrengthIndex();
        var atr = new AverageTrueRange();
        var adx = new AverageDirectionalIndex();
        var stoch = new Stochastic();
        var obv = new OnBalanceVolume();

        var failures = new StringBuilder();
        int failureCount = 0;
        int compared = 0;
        void Check(string column, int i, bool ready, double actual)
        {
            double? want = expected[column][i];
            if (want is null)
            {
                if (ready)
                {
                    Fail($"{file} bar {i} {column}: talib has no value yet, ours={actual}");
                }

                return;
            }

            compared++;
            double w = want.Value;
            if (!ready || !(Math.Abs(actual - w) <= Math.Max(AbsoluteFloor, RelativeTolerance * Math.Abs(w))))
            {
                Fail($"{file} bar {i} {column}: talib={w} ours={(ready ? actual : double.NaN)}");
            }
        }

        void Fail(string message)
        {
            if (++failureCount <= 30)
            {
                failures.AppendLine(message);
            }
        }

        for (int i = 0; i < rows; i++)
        {
            Bar b = bars[i];
            Check("sma20", i, sma20.Update(b.Close), sma20.Value);
            Check("sma50", i, sma50.Update(b.Close), sma50.Value);
            Check("sma200", i, sma200.Update(b.Close), sma200.Value);
            Check("ema12", i, ema12.Update(b.Close), ema12.Value);
            Check("ema26", i, ema26.Update(b.Close), ema26.Value);
            bool macdReady = macd.Update(b.Close);
            Check("macd", i, macdReady, macd.Line);
            Check("macdsignal", i, macdReady, macd.Signal);
            Check("macdhist", i, macdReady, macd.Histogram);
            bool bandsReady = bands.Update(b.Close);
            Check("bbupper", i, bandsReady, bands.Upper);
            Check("bbmiddle", i, bandsReady, bands.Middle);
            Check("bblower", i, bandsReady, bands.Lower);
            Check("rsi14", i, rsi.Update(b.Close), rsi.Value);
            Check("atr14", i, atr.Update(b.High, b.Low, b.Close), atr.Value);
            Check("adx14", i, adx.Update(b.High, b.Low, b.Close), adx.Value);
            bool stochReady = stoch.Update(b.High, b.Low, b.Close);
            Check("stochk", i, stochReady, stoch.K);
            Check("stochd", i, stochReady, stoch.D);
            obv.Update(b.Close, b.Volume);
            Check("obv", i, true, obv.Value);
        }

        Assert.True(compared > rows * 10, string.Create(CultureInfo.InvariantCulture, $"only {compared} values compared"));
        Assert.True(failureCount == 0, $"{failureCount} mismatches:\n{failures}");
    }
}
