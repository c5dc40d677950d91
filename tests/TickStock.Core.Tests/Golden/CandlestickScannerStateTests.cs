using TickStock.Core.Bars;
using TickStock.Core.Detectors.Candles;
using Xunit;

namespace TickStock.Core.Tests.Golden;

/// <summary>
/// What the scanner's shared state must not change: a function run alone (only the running sums it reads are kept)
/// reports exactly what it reports among all 12, a reset scanner replays a history exactly, and the state of one
/// symbol stays one small object that allocates nothing per bar.
/// </summary>
public sealed class CandlestickScannerStateTests
{
    public static TheoryData<string> Files() => new(GoldenData.CandleFiles);

    [Theory]
    [MemberData(nameof(Files))]
    public void Each_function_alone_reports_what_it_reports_among_all(string file)
    {
        IReadOnlyList<Bar> bars = GoldenData.LoadBars(file);
        var all = new CandlestickScanner();
        var alone = new CandlestickScanner[CandlestickScanner.FunctionCount];
        for (int k = 0; k < alone.Length; k++)
        {
            var only = new bool[CandlestickScanner.FunctionCount];
            only[k] = true;
            alone[k] = new CandlestickScanner(only);
        }

        int fires = 0;
        for (int i = 0; i < bars.Count; i++)
        {
            all.OnBar(bars[i]);
            for (int k = 0; k < alone.Length; k++)
            {
                alone[k].OnBar(bars[i]);
                var function = (CandleFunction)k;
                int value = all.Value(function);
                Assert.True(value == alone[k].Value(function), $"{file} bar {i} {function}: {value} among all, {alone[k].Value(function)} alone");
                Assert.Equal(CandlestickScanner.FunctionCount - 1, alone[k].Values.ToArray().Where((_, j) => j != k).Count(v => v == 0));
                if (value != 0)
                {
                    fires++;
                    Assert.Equal(all.Confidence(function), alone[k].Confidence(function));
                }
            }
        }

        Assert.True(fires > 0, $"{file}: nothing fired");
    }

    [Fact]
    public void A_reset_scanner_replays_a_history_exactly()
    {
        IReadOnlyList<Bar> first = GoldenData.LoadBars("gen_ties");
        IReadOnlyList<Bar> second = GoldenData.LoadBars("gen_templates");
        var fresh = new CandlestickScanner();
        var reused = new CandlestickScanner();
        foreach (Bar bar in first)
        {
            reused.OnBar(bar);
        }

        reused.Reset();
        Assert.Equal(0, reused.BarCount);
        Assert.All(reused.Values.ToArray(), v => Assert.Equal(0, v));
        for (int i = 0; i < second.Count; i++)
        {
            fresh.OnBar(second[i]);
            reused.OnBar(second[i]);
            Assert.True(fresh.Values.SequenceEqual(reused.Values), $"bar {i}");
        }
    }

    [Fact]
    public void A_scanner_is_one_small_object_and_allocates_nothing_per_bar()
    {
        Bar[] bars = [.. GoldenData.LoadBars("gen_templates")];
        Feed(new CandlestickScanner(), bars);

        long before = GC.GetAllocatedBytesForCurrentThread();
        var scanner = new CandlestickScanner();
        long constructed = GC.GetAllocatedBytesForCurrentThread();
        Feed(scanner, bars);

        long fed = GC.GetAllocatedBytesForCurrentThread();

        // Part of every SymbolActor's state: 4 bar rows (with their sums), 16 bodies and ranges, 12 values and confidences.
        Assert.InRange(constructed - before, 1, 1536);
        Assert.Equal(0, fed - constructed);
    }

    private static void Feed(CandlestickScanner scanner, Bar[] bars)
    {
        for (int i = 0; i < bars.Length; i++)
        {
            scanner.OnBar(bars[i]);
        }
    }
}
