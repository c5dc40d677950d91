using TickStock.Core.BarFiles;
using TickStock.Core.Backtesting;
using TickStock.Core.Bars;
using TickStock.Core.Detectors;
using Xunit;

namespace TickStock.Core.Tests.Backtesting;

/// <summary>Signals are the live catalog's raw detections on the range's bars, after exactly 300 bars of warm-up.</summary>
public sealed class SignalDetectorTests
{
    internal static SymbolHistory Load(string file, string symbol)
    {
        using var reader = new StreamReader(Path.Combine(AppContext.BaseDirectory, "TestData", file));
        Assert.True(SymbolHistory.TryCreate(symbol, BarFileReader.Read(reader).Select(r => r.Bar), out SymbolHistory? history, out string? error), error);
        return history!;
    }

    [Fact]
    public void Signals_are_the_engines_detections_on_the_range_bars_after_300_bars_of_warm_up()
    {
        SymbolHistory spy = Load("SPY.csv", "SPY");
        var start = new DateOnly(2012, 1, 3);
        var end = new DateOnly(2012, 12, 31);

        SymbolSignals signals = SignalDetector.Detect(spy, start, end, null);

        // The reference: a fresh engine fed the 300 bars before the start, then the range, as `scan` would over a file cut so.
        int first = spy.Bars.ToList().FindIndex(b => SymbolHistory.DateOf(b) >= start);
        int last = spy.Bars.ToList().FindLastIndex(b => SymbolHistory.DateOf(b) <= end);
        var engine = new DetectorEngine(new DetectorOptions { Timeframe = Timeframe.Daily });
        var output = new List<Detection>();
        var expected = new List<Signal>();
        for (int i = first - 300; i <= last; i++)
        {
            output.Clear();
            engine.OnBar(spy.Bars[i], output);
            if (i >= first)
            {
                expected.AddRange(output.Select(d => new Signal(i - first, d.Kind, d.Direction)));
            }
        }

        Assert.Equal(last - first + 1, signals.Bars.Count);
        Assert.Equal(start, SymbolHistory.DateOf(signals.Bars[0]));
        Assert.True(expected.Count > 100);
        Assert.Equal(expected, signals.Signals);
    }

    [Fact]
    public void More_history_than_300_bars_does_not_change_the_signals()
    {
        // Only the last 300 bars before the start are warm-up: cutting older bars off must not change anything.
        SymbolHistory spy = Load("SPY.csv", "SPY");
        var start = new DateOnly(2015, 1, 2);
        int first = spy.Bars.ToList().FindIndex(b => SymbolHistory.DateOf(b) >= start);
        Assert.True(SymbolHistory.TryCreate("SPY", spy.Bars.Skip(first - 300), out SymbolHistory? cut, out _));

        var full = SignalDetector.Detect(spy, start, new DateOnly(2015, 12, 31), null);
        var trimmed = SignalDetector.Detect(cut!, start, new DateOnly(2015, 12, 31), null);

        Assert.Equal(full.Signals, trimmed.Signals);
        Assert.NotEmpty(full.Signals);
    }

    [Fact]
    public void Only_the_requested_patterns_give_signals()
    {
        SymbolHistory spy = Load("SPY.csv", "SPY");

        SymbolSignals signals = SignalDetector.Detect(spy, new DateOnly(2010, 1, 1), new DateOnly(2013, 12, 31),
            [PatternKind.BullishEngulfing, PatternKind.BearishEngulfing]);

        Assert.NotEmpty(signals.Signals);
        Assert.All(signals.Signals, s => Assert.Contains(s.Kind, new[] { PatternKind.BullishEngulfing, PatternKind.BearishEngulfing }));
    }

    [Fact]
    public void A_range_without_bars_gives_no_bars_and_no_signals()
    {
        SymbolSignals signals = SignalDetector.Detect(Load("TSLA_2017-2018.csv", "TSLA"), new DateOnly(2020, 1, 1), new DateOnly(2020, 12, 31), null);

        Assert.Empty(signals.Bars);
        Assert.Empty(signals.Signals);
    }

    [Fact]
    public void Histories_refuse_intraday_bars_duplicate_dates_and_non_positive_prices()
    {
        Bar day = Bar.Daily(new DateOnly(2024, 1, 2), 10, 11, 9, 10, 100);

        Assert.False(SymbolHistory.TryCreate("X", [day, day with { Close = 10.5 }], out _, out string? duplicate));
        Assert.Contains("two bars dated 2024-01-02", duplicate, StringComparison.Ordinal);
        Assert.False(SymbolHistory.TryCreate("X", [new Bar(1_704_205_800_000, 1, 1, 1, 1, 1) { MinuteOfSession = 0 }], out _, out string? intraday));
        Assert.Contains("daily bars", intraday, StringComparison.Ordinal);
        Assert.False(SymbolHistory.TryCreate("X", [day with { Low = 0 }], out _, out string? zero));
        Assert.Contains("positive", zero, StringComparison.Ordinal);
        Assert.True(SymbolHistory.TryCreate("X", [day with { TimeMs = day.TimeMs + 86_400_000 }, day], out SymbolHistory? sorted, out _));
        Assert.Equal(day, sorted!.Bars[0]);
    }

    [Fact]
    public void Signal_sets_refuse_unordered_bars_and_signals_outside_them()
    {
        Bar d1 = Bar.Daily(new DateOnly(2024, 1, 2), 10, 11, 9, 10, 100);
        Bar d2 = Bar.Daily(new DateOnly(2024, 1, 3), 10, 11, 9, 10, 100);

        Assert.Throws<ArgumentException>(() => new SymbolSignals("X", [d2, d1], []));
        Assert.Throws<ArgumentException>(() => new SymbolSignals("X", [d1, d1], []));
        Assert.Throws<ArgumentException>(() => new SymbolSignals("X", [d1, d2], [new Signal(2, PatternKind.Doji, Direction.Neutral)]));
        Assert.Throws<ArgumentException>(() => new SymbolSignals("X", [d1, d2],
            [new Signal(1, PatternKind.Doji, Direction.Neutral), new Signal(0, PatternKind.Doji, Direction.Neutral)]));
    }
}
