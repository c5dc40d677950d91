namespace TickStock.Core.Universe;

/// <summary>
/// Universe file names: the <c>universe_type</c> → file map and confinement of a job's
/// <c>csv_file</c> to the universes folder. Pure: existence checks are the caller's.
/// </summary>
public static class UniverseFiles
{
    private static readonly Dictionary<string, string[]> ByType = new(StringComparer.OrdinalIgnoreCase)
    {
        ["SP500"] = ["sp_500.csv"],
        ["NASDAQ100"] = ["nasdaq_100.csv"],
        ["DOW30"] = ["dow_30.csv"],
        ["ETF"] = ["curated_etfs.csv", "curated-etfs.csv"],
    };

    /// <summary>
    /// Candidate file names for a universe type, in preference order: the fixed map, otherwise
    /// <c>{type lower-cased}.csv</c> when the type is a plain word. Empty when the type is unusable.
    /// </summary>
    public static IReadOnlyList<string> CandidatesForType(string universeType)
    {
        ArgumentNullException.ThrowIfNull(universeType);
        var type = universeType.Trim();
        if (ByType.TryGetValue(type, out var names))
        {
            return names;
        }

        if (type.Length is > 0 and <= 64 && type.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            return [type.ToLowerInvariant() + ".csv"];
        }

        return [];
    }

    // File names the consumer spells two ways (contract §6): either finds the file that exists.
    private static readonly string[][] Spellings = [["curated_etfs.csv", "curated-etfs.csv"]];

    /// <summary>
    /// Candidate file names for a job's <c>csv_file</c>, in preference order: the name itself, then
    /// its other accepted spelling (<c>curated_etfs.csv</c> ↔ <c>curated-etfs.csv</c>).
    /// </summary>
    public static IReadOnlyList<string> CandidatesForFile(string csvFile)
    {
        ArgumentNullException.ThrowIfNull(csvFile);
        var spellings = Array.Find(Spellings, names => names.Contains(csvFile, StringComparer.OrdinalIgnoreCase));
        return spellings is null ? [csvFile] : [csvFile, .. spellings.Where(n => !string.Equals(n, csvFile, StringComparison.OrdinalIgnoreCase))];
    }

    /// <summary>
    /// Validates a job's <c>csv_file</c>: a bare file name (no separators, no '..', not rooted, no
    /// NUL or control characters, ending in .csv). Returns null when acceptable, else the reason.
    /// </summary>
    public static string? ValidateFileName(string? csvFile)
    {
        if (string.IsNullOrWhiteSpace(csvFile))
        {
            return "csv_file is empty";
        }

        if (csvFile.Length > 255)
        {
            return "csv_file is longer than 255 characters";
        }

        if (csvFile.Any(char.IsControl))
        {
            return "csv_file contains control characters";
        }

        if (csvFile.Contains('/', StringComparison.Ordinal) || csvFile.Contains('\\', StringComparison.Ordinal) || csvFile.Contains(':', StringComparison.Ordinal))
        {
            return "csv_file must be a bare file name inside the universes folder (no directories)";
        }

        if (csvFile.Contains("..", StringComparison.Ordinal) || csvFile.Trim() != csvFile || csvFile.StartsWith('.'))
        {
            return "csv_file must be a bare file name inside the universes folder (no '..', no leading dot or spaces)";
        }

        if (!csvFile.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
        {
            return "csv_file must name a .csv file";
        }

        return null;
    }

    /// <summary>
    /// Full path of a universe file inside <paramref name="universesDirectory"/>, or null with the
    /// reason when the name is not acceptable or would resolve outside the folder.
    /// </summary>
    public static string? ResolvePath(string universesDirectory, string? csvFile, out string? error)
    {
        ArgumentNullException.ThrowIfNull(universesDirectory);
        error = ValidateFileName(csvFile);
        if (error is not null)
        {
            return null;
        }

        var root = Path.GetFullPath(universesDirectory);
        var full = Path.GetFullPath(Path.Combine(root, csvFile!));
        var rootWithSeparator = Path.EndsInDirectorySeparator(root) ? root : root + Path.DirectorySeparatorChar;
        if (!full.StartsWith(rootWithSeparator, StringComparison.Ordinal))
        {
            error = "csv_file resolves outside the universes folder";
            return null;
        }

        return full;
    }
}
