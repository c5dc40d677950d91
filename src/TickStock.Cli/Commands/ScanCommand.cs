using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Spectre.Console;
using TickStock.Core.BarFiles;
using TickStock.Core.Bars;
using TickStock.Core.Detectors;

namespace TickStock.Cli.Commands;

/// <summary>
/// `tickstock scan FILE.csv`: runs the detector catalog (the same <see cref="DetectorEngine"/> the SymbolActors run)
/// over a bar file and prints the raw detections; <c>--cooldown N</c> applies the publication stage. No services.
/// </summary>
internal static class ScanCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("FILE") { Description = "CSV bar file: header date or datetime/timestamp, then open, high, low, close, volume (any case; extra columns ignored)." };
        var symbol = new Option<string?>("--symbol") { Description = "Symbol to report (default: the file name up to the first '_' or '.')." };
        var timeframe = new Option<string?>("--timeframe") { Description = "daily | 1min | 5min | 15min (default: daily for date-only rows, else 1min)." };
        var patterns = new Option<string?>("--patterns") { Description = "Comma list of patterns or groups (e.g. Doji,Engulfing,Volume_Spike); default: the timeframe's catalog." };
        var minConfidence = new Option<double>("--min-confidence") { Description = "Report only detections with at least this confidence (0..1).", DefaultValueFactory = _ => 0 };
        var format = new Option<string>("--format") { Description = "table | jsonl | csv", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "jsonl", "csv");
        var cooldown = new Option<int?>("--cooldown") { Description = "Apply the publication stage: same pattern not again within N bars." };

        var command = new Command("scan", "Run the pattern catalog over a CSV file of bars and print the detections (needs no Redis or PostgreSQL).")
        {
            file, symbol, timeframe, patterns, minConfidence, format, cooldown,
        };
        command.SetAction(parse => Run(
            parse.GetValue(file)!,
            parse.GetValue(symbol),
            parse.GetValue(timeframe),
            parse.GetValue(patterns),
            parse.GetValue(minConfidence),
            parse.GetValue(format)!,
            parse.GetValue(cooldown)));
        return command;
    }

    private static int Run(FileInfo file, string? symbol, string? timeframeText, string? patternList, double minConfidence, string format, int? cooldown)
    {
        if (!file.Exists)
        {
            return Fail($"{file.FullName}: no such file");
        }

        Timeframe? timeframe = null;
        if (timeframeText is not null)
        {
            if (!TimeframeExtensions.TryParse(timeframeText, out Timeframe parsed))
            {
                return Fail($"unknown timeframe '{timeframeText}' (daily, 1min, 5min, 15min)");
            }

            timeframe = parsed;
        }

        List<PatternKind>? kinds = null;
        if (!string.IsNullOrWhiteSpace(patternList))
        {
            kinds = [];
            foreach (string name in patternList.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!PatternCatalog.TryResolve(name, out IReadOnlyList<PatternKind> resolved))
                {
                    return Fail($"unknown pattern '{name}'");
                }

                kinds.AddRange(resolved);
            }
        }

        if (cooldown is < 0)
        {
            return Fail("--cooldown must be ≥ 0");
        }

        symbol ??= DefaultSymbol(file.Name);
        var output = new List<Detection>(16);
        var rows = new List<(string Time, Detection Detection)>();
        using var stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = false };
        var writer = CreateWriter(format, stdout, symbol);
        PublicationDeduplicator? dedup = cooldown is { } n ? PublicationDeduplicator.WithCooldown(n) : null;
        DetectorEngine? engine = null;
        long bars = 0;
        try
        {
            using var reader = new StreamReader(file.FullName);
            foreach (BarRow row in BarFileReader.Read(reader))
            {
                engine ??= new DetectorEngine(new DetectorOptions
                {
                    Timeframe = timeframe ?? (row.Bar.MinuteOfSession == -1 ? Timeframe.Daily : Timeframe.OneMinute),
                    Patterns = kinds,
                });
                output.Clear();
                engine.OnBar(row.Bar, output);
                bars++;
                foreach (Detection d in output)
                {
                    if (d.Confidence < minConfidence || (dedup is not null && !dedup.TryPublish(symbol, d)))
                    {
                        continue;
                    }

                    writer.Write(row.TimeText, d);
                }
            }
        }
        catch (BarFileFormatException ex)
        {
            stdout.Flush();
            return Fail($"{file.Name}: {ex.Message}");
        }
        catch (IOException ex)
        {
            return Fail($"{file.Name}: {ex.Message}");
        }

        writer.Finish(bars);
        stdout.Flush();
        return ExitCodes.Ok;
    }

    private static string DefaultSymbol(string fileName)
    {
        string stem = Path.GetFileNameWithoutExtension(fileName);
        int cut = stem.IndexOf('_', StringComparison.Ordinal);
        return (cut > 0 ? stem[..cut] : stem).ToUpperInvariant();
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"tickstock scan: {message}");
        return ExitCodes.ConfigurationError;
    }

    private static IDetectionWriter CreateWriter(string format, TextWriter stdout, string symbol) => format switch
    {
        "jsonl" => new JsonLinesWriter(stdout, symbol),
        "csv" => new CsvWriter(stdout, symbol),
        _ => new TableWriter(symbol),
    };

    private interface IDetectionWriter
    {
        void Write(string time, in Detection detection);

        void Finish(long bars);
    }

    private sealed class JsonLinesWriter(TextWriter output, string symbol) : IDetectionWriter
    {
        private readonly MemoryStream _buffer = new();

        public void Write(string time, in Detection detection)
        {
            _buffer.SetLength(0);
            using (var json = new Utf8JsonWriter(_buffer))
            {
                json.WriteStartObject();
                json.WriteString("symbol", symbol);
                json.WriteString("time", time);
                json.WriteString("pattern", detection.Pattern);
                json.WriteString("direction", detection.DirectionName);
                json.WriteNumber("confidence", detection.Confidence);
                json.WriteString("tier", detection.TierName);
                json.WriteEndObject();
            }

            output.WriteLine(Encoding.UTF8.GetString(_buffer.GetBuffer(), 0, (int)_buffer.Length));
        }

        public void Finish(long bars)
        {
        }
    }

    private sealed class CsvWriter : IDetectionWriter
    {
        private readonly TextWriter _output;
        private readonly string _symbol;

        public CsvWriter(TextWriter output, string symbol)
        {
            _output = output;
            _symbol = symbol;
            _output.WriteLine("symbol,time,pattern,direction,confidence,tier,timeframe,price");
        }

        public void Write(string time, in Detection d) =>
            _output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{Quote(_symbol)},{Quote(time)},{d.Pattern},{d.DirectionName},{d.Confidence},{d.TierName},{d.Timeframe.ToWireName()},{d.Price}"));

        public void Finish(long bars)
        {
        }

        private static string Quote(string text) =>
            text.AsSpan().IndexOfAny(",\"\n") >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
    }

    private sealed class TableWriter(string symbol) : IDetectionWriter
    {
        private readonly Table _table = new Table().AddColumns("time", "pattern", "direction", "confidence", "tier", "price");
        private int _count;

        public void Write(string time, in Detection d)
        {
            _count++;
            _table.AddRow(
                Markup.Escape(time),
                d.Pattern,
                d.DirectionName,
                d.Confidence.ToString("0.000", CultureInfo.InvariantCulture),
                d.TierName,
                d.Price.ToString("0.####", CultureInfo.InvariantCulture));
        }

        public void Finish(long bars)
        {
            _table.Title = new TableTitle(Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{symbol}: {_count} detections over {bars} bars")));
            AnsiConsole.Write(_table);
        }
    }
}
