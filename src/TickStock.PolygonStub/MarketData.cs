using System.Collections.Concurrent;
using System.Globalization;
using TickStock.Core.Calendar;
using TickStock.Core.Csv;

namespace TickStock.PolygonStub;

/// <summary>
/// Per-date bar source: real bars from the data folder where a file has the date, synthetic ones
/// otherwise; everything cut at the data horizon ("now"). Day bars aggregate the same minutes the
/// minute endpoint serves (extended hours included), as the provider's do, unless a real daily file
/// has the date.
/// </summary>
internal sealed class MarketData(string? dataDirectory)
{
    private readonly ConcurrentDictionary<string, Lazy<RealBars>> _real = new(StringComparer.Ordinal);
    private readonly Lazy<IReadOnlyList<string>> _tickersWithFiles = new(() => ScanTickers(dataDirectory));

    /// <summary>Tickers that have files in the data folder.</summary>
    public IReadOnlyList<string> TickersWithFiles => _tickersWithFiles.Value;

    /// <summary>Minute bars of a date that had ended by <paramref name="now"/>, ascending, produced on demand.</summary>
    public DayMinutes Minutes(string ticker, DateOnly date, DateTimeOffset now) =>
        RealFor(ticker).MinutesByDate.TryGetValue(date, out var real)
            ? new DayMinutes(real, default, now.ToUnixTimeMilliseconds())
            : new DayMinutes(null, SyntheticMarket.MinutesOf(ticker, date), now.ToUnixTimeMilliseconds());

    /// <summary>The day bar of a trading date (stamped 00:00 New York), or null when there is none yet.</summary>
    public StubBar? Day(string ticker, DateOnly date, DateTimeOffset now)
    {
        if (!NyseCalendar.IsTradingDay(date))
        {
            return null;
        }

        var start = EasternTime.StartOfDay(date).ToUnixTimeMilliseconds();
        var real = RealFor(ticker);
        var dayOver = EasternTime.FromEastern(date, NyseCalendar.ExtendedCloseTime(date)) <= now;
        if (dayOver && real.DailyByDate.TryGetValue(date, out var daily))
        {
            return daily with { T = start };
        }

        // Summed minute by minute: the day's minutes are never held together.
        var minutes = Minutes(ticker, date, now);
        var sum = default(BarAccumulator);
        while (minutes.MoveNext(out var m))
        {
            sum.Add(m);
        }

        return sum.IsEmpty ? null : sum.ToBar(start) with { BaseCount = 1 };
    }

    private RealBars RealFor(string ticker) =>
        dataDirectory is null ? RealBars.Empty : _real.GetOrAdd(ticker, t => new Lazy<RealBars>(() => RealBars.Load(dataDirectory, t))).Value;

    private static IReadOnlyList<string> ScanTickers(string? directory)
    {
        if (directory is null)
        {
            return [];
        }

        return new[] { "minute", "daily" }
            .Select(sub => Path.Combine(directory, sub))
            .Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFiles(d, "*.csv"))
            .Select(TickerOfFile)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    internal static string TickerOfFile(string path)
    {
        var name = Path.GetFileNameWithoutExtension(path);
        var cut = name.IndexOf('_', StringComparison.Ordinal);
        return (cut < 0 ? name : name[..cut]).ToUpperInvariant();
    }

    /// <summary>Real bars of one ticker, loaded once on first use (the sample files are small).</summary>
    private sealed record RealBars(IReadOnlyDictionary<DateOnly, StubBar[]> MinutesByDate, IReadOnlyDictionary<DateOnly, StubBar> DailyByDate)
    {
        public static readonly RealBars Empty = new(new Dictionary<DateOnly, StubBar[]>(), new Dictionary<DateOnly, StubBar>());

        public static RealBars Load(string directory, string ticker)
        {
            var minutes = new SortedDictionary<DateOnly, SortedDictionary<long, StubBar>>();
            foreach (var row in Rows(Path.Combine(directory, "minute"), ticker))
            {
                var et = DateTime.ParseExact(row.When, ["yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None);
                var t = EasternTime.FromEastern(et).ToUnixTimeMilliseconds();
                var date = DateOnly.FromDateTime(et);
                if (!minutes.TryGetValue(date, out var day))
                {
                    minutes[date] = day = [];
                }

                day[t] = new StubBar(t, (double)row.O, (double)row.H, (double)row.L, (double)row.C, row.V, StubBar.NoVwap, 0, 1);
            }

            var daily = new Dictionary<DateOnly, StubBar>();
            foreach (var row in Rows(Path.Combine(directory, "daily"), ticker))
            {
                var date = DateOnly.ParseExact(row.When, "yyyy-MM-dd", CultureInfo.InvariantCulture);
                daily[date] = new StubBar(EasternTime.StartOfDay(date).ToUnixTimeMilliseconds(), (double)row.O, (double)row.H, (double)row.L, (double)row.C, row.V, StubBar.NoVwap, 0, 1);
            }

            return new RealBars(minutes.ToDictionary(kv => kv.Key, kv => kv.Value.Values.ToArray()), daily);
        }

        private static IEnumerable<(string When, decimal O, decimal H, decimal L, decimal C, long V)> Rows(string folder, string ticker)
        {
            if (!Directory.Exists(folder))
            {
                yield break;
            }

            foreach (var file in Directory.EnumerateFiles(folder, "*.csv").Where(f => TickerOfFile(f) == ticker).Order(StringComparer.Ordinal))
            {
                using var reader = new StreamReader(file);
                var csv = new CsvRecordReader(reader);
                int[]? columns = null; // datetime-or-date, open, high, low, close, volume
                while (Next(csv, file) is { } f)
                {
                    if (CsvRecordReader.IsBlank(f))
                    {
                        continue;
                    }

                    if (columns is null)
                    {
                        columns = Columns(f, $"{file} line {csv.LineNumber}");
                        continue;
                    }

                    string Field(int column) => f[columns[column]];
                    decimal Number(int column, string name) =>
                        decimal.TryParse(Field(column), NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                            ? value
                            : throw new InvalidDataException($"{file} line {csv.LineNumber}: invalid number '{Field(column)}' in column '{name}'");

                    if (f.Count <= columns.Max())
                    {
                        throw new InvalidDataException($"{file} line {csv.LineNumber}: expected {columns.Max() + 1} fields, found {f.Count}");
                    }

                    yield return (Field(0), Number(1, "open"), Number(2, "high"), Number(3, "low"), Number(4, "close"),
                        (long)Math.Round(Number(5, "volume"), MidpointRounding.AwayFromZero));
                }
            }
        }

        private static List<string>? Next(CsvRecordReader csv, string file)
        {
            try
            {
                return csv.ReadRecord();
            }
            catch (CsvFormatException ex)
            {
                throw new InvalidDataException($"{file} {ex.Message}", ex);
            }
        }

        /// <summary>Column indexes of a header: datetime (else date), open, high, low, close, volume.</summary>
        private static int[] Columns(List<string> header, string where)
        {
            var names = header.Select(h => h.Trim().ToLowerInvariant()).ToList();
            int Find(string name) => names.IndexOf(name) is >= 0 and var i
                ? i
                : throw new InvalidDataException($"{where}: the header has no '{name}' column");
            return [names.Contains("datetime") ? Find("datetime") : Find("date"), Find("open"), Find("high"), Find("low"), Find("close"), Find("volume")];
        }

    }
}

/// <summary>
/// One date's minutes up to the data horizon: a real day's array or a synthetic generator. Minutes
/// ascend, so the first one past the horizon ends the day.
/// </summary>
internal struct DayMinutes(StubBar[]? real, SyntheticDay synthetic, long horizon)
{
    private SyntheticDay _synthetic = synthetic;
    private int _next;

    public bool MoveNext(out StubBar bar)
    {
        var found = real is null ? _synthetic.MoveNext(out bar) : TryReal(out bar);
        return found && bar.T + 60_000 <= horizon;
    }

    private bool TryReal(out StubBar bar)
    {
        if (_next < real!.Length)
        {
            bar = real[_next++];
            return true;
        }

        bar = default;
        return false;
    }
}
