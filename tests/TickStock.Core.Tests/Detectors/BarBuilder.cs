using TickStock.Core.Bars;
using TickStock.Core.Detectors;

namespace TickStock.Core.Tests.Detectors;


/// <summary>Hand-built bar sequences: daily bars on consecutive weekdays, or minute bars of one session.</summary>
internal sealed class BarBuilder
{
    private DateOnly _day = new(2024, 1, 1); // a Monday
    private int _minute;
    private readonly List<Bar> _bars = [];

    public IReadOnlyList<Bar> Bars => _bars;

    public BarBuilder Daily(double open, double high, double low, double close, double volume = 1000, int count = 1)
    {
        for (int i = 0; i < count; i++)
        {
            _bars.Add(Bar.Daily(_day, open, high, low, close, volume));
            _day = _day.AddDays(_day.DayOfWeek == DayOfWeek.Friday ? 3 : 1);
        }

        return this;
    }

    /// <summary>Flat daily bars at a price (range ±0.5).</summary>
    public BarBuilder Flat(double price, int count, double volume = 1000) => Daily(price, price + 0.5, price - 0.5, price, volume, count);

    public BarBuilder NextWeek()
    {
        while (_day.DayOfWeek != DayOfWeek.Monday)
        {
            _day = _day.AddDays(1);
        }

        return this;
    }

    public BarBuilder Minute(double open, double high, double low, double close, double volume = 1000, int session = 20240102)
    {
        var time = new DateTime(2024, 1, 2, 14, 30, 0, DateTimeKind.Utc).AddMinutes(_minute);
        long ms = (long)(time - DateTime.UnixEpoch).TotalMilliseconds;
        _bars.Add(new Bar(ms, open, high, low, close, volume) { SessionDate = session, MinuteOfSession = _minute });
        _minute++;
        return this;
    }

    public BarBuilder NewSession()
    {
        _minute = 0;
        return this;
    }

    /// <summary>Runs an engine over the bars and returns, per bar, its detections of one kind.</summary>
    public static List<Detection>[] Run(IReadOnlyList<Bar> bars, DetectorOptions options)
    {
        var engine = new DetectorEngine(options);
        var perBar = new List<Detection>[bars.Count];
        for (int i = 0; i < bars.Count; i++)
        {
            perBar[i] = [];
            engine.OnBar(bars[i], perBar[i]);
        }

        return perBar;
    }

    public static DetectorOptions Only(PatternKind kind, Timeframe timeframe = Timeframe.Daily) =>
        new() { Timeframe = timeframe, Patterns = [kind] };

    public static DetectorOptions Only(Timeframe timeframe, params PatternKind[] kinds) =>
        new() { Timeframe = timeframe, Patterns = kinds };
}
