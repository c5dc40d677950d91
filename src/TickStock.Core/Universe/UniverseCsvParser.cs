using System.Text;
using System.Text.RegularExpressions;
using TickStock.Core.Csv;

namespace TickStock.Core.Universe;

/// <summary>One symbol of a universe with the optional descriptive columns.</summary>
public sealed record UniverseEntry(string Symbol, string? Name, string? Sector);

/// <summary>A symbol that failed the validity rule; it still counts in <c>total_symbols</c>.</summary>
public sealed record InvalidSymbol(string Symbol, string Reason);

/// <summary>
/// The outcome of parsing a universe file. On failure (<see cref="Error"/> set) the lists are empty.
/// <see cref="TotalSymbols"/> = valid + invalid (distinct, non-blank).
/// </summary>
public sealed record UniverseParseResult(
    IReadOnlyList<UniverseEntry> Symbols,
    IReadOnlyList<InvalidSymbol> InvalidSymbols,
    int BlankRowsSkipped,
    int DuplicatesSkipped,
    string? Error)
{
    public bool Succeeded => Error is null;
    public int TotalSymbols => Symbols.Count + InvalidSymbols.Count;

    internal static UniverseParseResult Failure(string error) => new([], [], 0, 0, error);
}

/// <summary>Bounds that keep a hostile universe file from exhausting memory.</summary>
public sealed record UniverseParseLimits(long MaxChars = 16 * 1024 * 1024, int MaxFieldChars = 4096, int MaxSymbols = 100_000, int MaxNameChars = 200)
{
    public static readonly UniverseParseLimits Default = new();
}

/// <summary>
/// Parses a universe CSV per contract §6: header matched case-insensitively (a UTF-8 BOM is
/// tolerated), only <c>symbol</c> required, <c>name</c>/<c>sector</c> read when present, other
/// columns ignored; symbols trimmed and upper-cased; blank rows and duplicates skipped; symbols not
/// matching <see cref="SymbolRules.Pattern"/> reported separately.
/// </summary>
public static class UniverseCsvParser
{
    /// <summary>Parses a universe from a stream (UTF-8, BOM optional).</summary>
    public static UniverseParseResult Parse(Stream utf8Csv, UniverseParseLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(utf8Csv);
        using var reader = new StreamReader(utf8Csv, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true, leaveOpen: true);
        return Parse(reader, limits);
    }

    /// <summary>Parses a universe from text.</summary>
    public static UniverseParseResult Parse(TextReader csv, UniverseParseLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(csv);
        limits ??= UniverseParseLimits.Default;
        try
        {
            return ParseBounded(new CsvRecordReader(csv, new CsvLimits(limits.MaxChars, limits.MaxFieldChars)), limits);
        }
        catch (CsvFormatException ex)
        {
            // A bound broken, an unterminated quote, text after a closing quote: the message names the line.
            return UniverseParseResult.Failure("universe file rejected: " + ex.Message);
        }
        catch (DecoderFallbackException)
        {
            return UniverseParseResult.Failure("universe file is not valid UTF-8");
        }
    }

    /// <summary>Parses a universe held in a string.</summary>
    public static UniverseParseResult ParseText(string csv, UniverseParseLimits? limits = null)
    {
        using var reader = new StringReader(csv);
        return Parse(reader, limits);
    }

    private static UniverseParseResult ParseBounded(CsvRecordReader reader, UniverseParseLimits limits)
    {
        List<string>? header;
        do
        {
            header = reader.ReadRecord();
        }
        while (header is not null && header.All(string.IsNullOrWhiteSpace));

        if (header is null)
        {
            return UniverseParseResult.Failure("universe file is empty (no header row)");
        }

        var symbolColumn = ColumnIndex(header, "symbol");
        if (symbolColumn < 0)
        {
            return UniverseParseResult.Failure("universe file has no 'symbol' column in its header");
        }

        var nameColumn = ColumnIndex(header, "name");
        var sectorColumn = ColumnIndex(header, "sector");
        var valid = new List<UniverseEntry>();
        var invalid = new List<InvalidSymbol>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int blank = 0, duplicates = 0;
        while (reader.ReadRecord() is { } record)
        {
            var raw = symbolColumn < record.Count ? record[symbolColumn] : string.Empty;
            var symbol = SymbolRules.Normalize(raw);
            if (symbol.Length == 0)
            {
                blank++;
                continue;
            }

            if (!seen.Add(symbol))
            {
                duplicates++;
                continue;
            }

            if (seen.Count > limits.MaxSymbols)
            {
                return UniverseParseResult.Failure($"universe file has more than {limits.MaxSymbols} symbols");
            }

            if (SymbolRules.IsValid(symbol))
            {
                valid.Add(new UniverseEntry(symbol, Optional(record, nameColumn, limits), Optional(record, sectorColumn, limits)));
            }
            else
            {
                invalid.Add(new InvalidSymbol(SymbolRules.ForDisplay(symbol), SymbolRules.InvalidReason));
            }
        }

        return new UniverseParseResult(valid, invalid, blank, duplicates, null);
    }

    private static int ColumnIndex(List<string> header, string name)
    {
        for (var i = 0; i < header.Count; i++)
        {
            if (string.Equals(header[i].Trim(), name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    private static string? Optional(List<string> record, int column, UniverseParseLimits limits)
    {
        if (column < 0 || column >= record.Count)
        {
            return null;
        }

        var value = record[column].Trim();
        if (value.Length == 0)
        {
            return null;
        }

        return value.Length > limits.MaxNameChars ? value[..limits.MaxNameChars] : value;
    }
}

/// <summary>The symbol rule shared by universe files and job messages (fits VARCHAR(10)).</summary>
public static partial class SymbolRules
{
    /// <summary>The validity pattern from contract §6.</summary>
    public const string Pattern = @"^[A-Z][A-Z0-9.\-]{0,9}$";

    public const string InvalidReason = @"invalid symbol: must match ^[A-Z][A-Z0-9.\-]{0,9}$";

    private const int DisplayLength = 24;

    /// <summary>Trimmed and upper-cased (invariant), the form in which symbols are compared and stored.</summary>
    public static string Normalize(string? raw) => (raw ?? string.Empty).Trim().ToUpperInvariant();

    /// <summary>Whether a normalized symbol is valid.</summary>
    public static bool IsValid(string symbol) => ValidSymbol().IsMatch(symbol);

    /// <summary>Cuts an invalid symbol down to a size fit for a status key or log line.</summary>
    public static string ForDisplay(string symbol) =>
        symbol.Length <= DisplayLength ? symbol : string.Concat(symbol.AsSpan(0, DisplayLength), "…");

    [GeneratedRegex(Pattern, RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex ValidSymbol();
}
