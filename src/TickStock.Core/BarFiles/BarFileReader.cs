using System.Globalization;
using TickStock.Core.Bars;
using TickStock.Core.Csv;

namespace TickStock.Core.BarFiles;

/// <summary>One parsed row of a bar file: the bar, the time text as written (echoed by `scan`), and its line.</summary>
public sealed record BarRow(Bar Bar, string TimeText, int LineNumber);

/// <summary>A bar file that cannot be read; the message names the line.</summary>
public sealed class BarFileFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public BarFileFormatException() { }

    /// <summary>Creates the exception.</summary>
    public BarFileFormatException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public BarFileFormatException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Creates the exception for a 1-based line.</summary>
    public BarFileFormatException(int lineNumber, string message)
        : base(string.Create(CultureInfo.InvariantCulture, $"line {lineNumber}: {message}")) => LineNumber = lineNumber;

    /// <summary>The CSV text itself is malformed (e.g. an unterminated quote).</summary>
    public BarFileFormatException(CsvFormatException inner)
        : base(inner?.Message, inner) => LineNumber = inner!.LineNumber;

    /// <summary>1-based line number of the offending line (1 = header); 0 when not about a line.</summary>
    public int LineNumber { get; }
}

/// <summary>How to interpret times in a bar file.</summary>
public sealed record BarFileOptions
{
    /// <summary>
    /// Exchange time zone: times without an offset are exchange-local wall-clock times (as in the shared minute
    /// files); also used to derive session dates of instants given with an offset. Default America/New_York.
    /// </summary>
    public TimeZoneInfo? ExchangeTimeZone { get; init; }

    /// <summary>Regular-session open as minutes after local midnight (09:30 → 570).</summary>
    public int SessionOpenMinute { get; init; } = 570;
}

/// <summary>
/// Reads CSV bar files for `tickstock scan`: a header naming <c>date</c> or <c>datetime</c>/<c>timestamp</c>/<c>time</c>,
/// then <c>open, high, low, close, volume</c> in any order and case; extra columns are ignored. Fields may be
/// double-quoted (RFC 4180, read by <see cref="CsvRecordReader"/>). Blank lines are skipped. Any unreadable row throws <see cref="BarFileFormatException"/>
/// naming its line.
/// </summary>
/// <remarks>
/// Times: <c>yyyy-MM-dd</c> is a daily bar (midnight UTC of that trading date, no session minute). A date-time
/// without offset is exchange-local; with <c>Z</c> or an offset it is an instant. Pure digits are unix seconds
/// (≤ 11 digits) or milliseconds. Intraday bars get their session date and minute-of-session here, once, so the
/// detectors never convert time zones.
/// </remarks>
public static class BarFileReader
{
    private static readonly string[] TimeColumns = ["date", "datetime", "timestamp", "time"];

    private static readonly string[] LocalFormats =
    [
        "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFFFFFF",
        "yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-ddTHH:mm:ss.FFFFFFF",
    ];

    /// <summary>Reads every row of a bar file.</summary>
    public static List<BarRow> ReadAll(TextReader reader, BarFileOptions? options = null)
    {
        var rows = new List<BarRow>();
        foreach (BarRow row in Read(reader, options))
        {
            rows.Add(row);
        }

        return rows;
    }

    /// <summary>Streams the rows of a bar file.</summary>
    public static IEnumerable<BarRow> Read(TextReader reader, BarFileOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        options ??= new BarFileOptions();
        TimeZoneInfo zone = options.ExchangeTimeZone ?? DefaultZone.Value;
        return ReadCore(reader, zone, options.SessionOpenMinute);
    }

    private static readonly Lazy<TimeZoneInfo> DefaultZone = new(() =>
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
        }
        catch (TimeZoneNotFoundException)
        {
            return TimeZoneInfo.Utc;
        }
    });

    private static IEnumerable<BarRow> ReadCore(TextReader reader, TimeZoneInfo zone, int sessionOpenMinute)
    {
        var csv = new CsvRecordReader(reader);
        int lineNumber = 0;
        Columns? columns = null;
        while (Next(csv) is { } fields)
        {
            lineNumber = csv.LineNumber;
            if (CsvRecordReader.IsBlank(fields))
            {
                continue;
            }

            if (columns is null)
            {
                columns = Columns.FromHeader(fields, lineNumber);
                continue;
            }

            yield return ParseRow(fields, columns, lineNumber, zone, sessionOpenMinute);
        }

        if (columns is null)
        {
            throw new BarFileFormatException(Math.Max(lineNumber, 1), "empty file: expected a header with date/datetime/timestamp, open, high, low, close, volume");
        }
    }

    private static List<string>? Next(CsvRecordReader csv)
    {
        try
        {
            return csv.ReadRecord();
        }
        catch (CsvFormatException ex)
        {
            throw new BarFileFormatException(ex);
        }
    }

    private static BarRow ParseRow(List<string> fields, Columns c, int lineNumber, TimeZoneInfo zone, int sessionOpenMinute)
    {
        if (fields.Count < c.MinFieldCount)
        {
            throw new BarFileFormatException(lineNumber, string.Create(CultureInfo.InvariantCulture,
                $"expected at least {c.MinFieldCount} fields, found {fields.Count}"));
        }

        string timeText = fields[c.Time].Trim();
        Bar bar = ParseTime(timeText, lineNumber, zone, sessionOpenMinute) with
        {
            Open = Number(fields, c.Open, "open", lineNumber),
            High = Number(fields, c.High, "high", lineNumber),
            Low = Number(fields, c.Low, "low", lineNumber),
            Close = Number(fields, c.Close, "close", lineNumber),
            Volume = Number(fields, c.Volume, "volume", lineNumber),
        };
        return new BarRow(bar, timeText, lineNumber);
    }

    private static double Number(List<string> fields, int index, string name, int lineNumber)
    {
        string text = fields[index].Trim();
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value))
        {
            return value;
        }

        throw new BarFileFormatException(lineNumber, $"invalid number '{text}' in column '{name}'");
    }

    private static Bar ParseTime(string text, int lineNumber, TimeZoneInfo zone, int sessionOpenMinute)
    {
        if (text.Length == 10 && DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly date))
        {
            return Bar.Daily(date, 0, 0, 0, 0, 0);
        }

        DateTime local;
        DateTime utc;
        if (text.Length > 0 && text.All(char.IsAsciiDigit) && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long epoch))
        {
            long ms = text.Length <= 11 ? epoch * 1000 : epoch;
            utc = DateTime.UnixEpoch.AddMilliseconds(ms);
            local = TimeZoneInfo.ConvertTimeFromUtc(utc, zone);
        }
        else if (DateTime.TryParseExact(text, LocalFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTime wall))
        {
            local = wall;
            utc = zone.IsInvalidTime(wall) ? DateTime.SpecifyKind(wall - zone.BaseUtcOffset, DateTimeKind.Utc) : TimeZoneInfo.ConvertTimeToUtc(wall, zone);
        }
        else if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset instant))
        {
            utc = instant.UtcDateTime;
            local = TimeZoneInfo.ConvertTimeFromUtc(utc, zone);
        }
        else
        {
            throw new BarFileFormatException(lineNumber, $"invalid time '{text}' (expected yyyy-MM-dd, yyyy-MM-dd HH:mm[:ss], ISO 8601 or unix seconds/ms)");
        }

        long timeMs = (long)(DateTime.SpecifyKind(utc, DateTimeKind.Utc) - DateTime.UnixEpoch).TotalMilliseconds;
        int minuteOfSession = (local.Hour * 60) + local.Minute - sessionOpenMinute;
        return new Bar(timeMs, 0, 0, 0, 0, 0)
        {
            SessionDate = (local.Year * 10000) + (local.Month * 100) + local.Day,
            MinuteOfSession = minuteOfSession,
        };
    }

    private sealed record Columns(int Time, int Open, int High, int Low, int Close, int Volume)
    {
        public int MinFieldCount { get; } = new[] { Time, Open, High, Low, Close, Volume }.Max() + 1;

        public static Columns FromHeader(List<string> header, int lineNumber)
        {
            int Find(string name) => header.FindIndex(h => string.Equals(h.Trim(), name, StringComparison.OrdinalIgnoreCase));

            int time = -1;
            foreach (string candidate in TimeColumns)
            {
                time = Find(candidate);
                if (time >= 0)
                {
                    break;
                }
            }

            var missing = new List<string>();
            if (time < 0)
            {
                missing.Add("date|datetime|timestamp");
            }

            int Require(string name)
            {
                int index = Find(name);
                if (index < 0)
                {
                    missing.Add(name);
                }

                return index;
            }

            var columns = new Columns(time, Require("open"), Require("high"), Require("low"), Require("close"), Require("volume"));
            if (missing.Count > 0)
            {
                throw new BarFileFormatException(lineNumber, "header is missing column(s): " + string.Join(", ", missing));
            }

            return columns;
        }
    }
}
