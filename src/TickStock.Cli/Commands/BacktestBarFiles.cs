using TickStock.Core.Backtesting;
using TickStock.Core.BarFiles;
using TickStock.Core.Bars;

namespace TickStock.Cli.Commands;

/// <summary>A bar file set that cannot be used; the message is the whole error line (file, line, reason).</summary>
internal sealed class BacktestInputException : Exception
{
    public BacktestInputException()
    {
    }

    public BacktestInputException(string message)
        : base(message)
    {
    }

    public BacktestInputException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

/// <summary>
/// Reads the PATHs of <c>tickstock backtest file</c>: bar files, or folders of <c>SYMBOL[_…].csv</c> files (every
/// *.csv directly inside, in ordinal order), the symbol being the file name up to the first '_' or '.', upper-cased,
/// as the replay source names them. Files of one symbol are merged by date.
/// </summary>
internal static class BacktestBarFiles
{
    public static IReadOnlyList<SymbolHistory> Load(IEnumerable<string> paths)
    {
        var files = new List<string>();
        foreach (string path in paths)
        {
            if (Directory.Exists(path))
            {
                string[] inFolder = Directory.GetFiles(path, "*.csv").Order(StringComparer.Ordinal).ToArray();
                if (inFolder.Length == 0)
                {
                    throw new BacktestInputException($"{path}: no *.csv files in this folder");
                }

                files.AddRange(inFolder);
            }
            else if (File.Exists(path))
            {
                files.Add(path);
            }
            else
            {
                throw new BacktestInputException($"{path}: no such file or folder");
            }
        }

        var bySymbol = new SortedDictionary<string, List<Bar>>(StringComparer.Ordinal);
        foreach (string file in files.Distinct(StringComparer.Ordinal))
        {
            string symbol = SymbolOf(file);
            if (!bySymbol.TryGetValue(symbol, out List<Bar>? bars))
            {
                bySymbol[symbol] = bars = [];
            }

            bars.AddRange(Read(file));
        }

        var histories = new List<SymbolHistory>(bySymbol.Count);
        foreach ((string symbol, List<Bar> bars) in bySymbol)
        {
            if (!SymbolHistory.TryCreate(symbol, bars, out SymbolHistory? history, out string? error))
            {
                throw new BacktestInputException(error!);
            }

            histories.Add(history!);
        }

        return histories;
    }

    /// <summary>The replay source's rule: the file name up to the first '_' (or the extension), upper case.</summary>
    public static string SymbolOf(string file)
    {
        string stem = Path.GetFileNameWithoutExtension(file);
        int cut = stem.IndexOf('_', StringComparison.Ordinal);
        string symbol = (cut >= 0 ? stem[..cut] : stem).ToUpperInvariant();
        return symbol.Length > 0 ? symbol : throw new BacktestInputException($"{file}: no symbol in the file name (expected SYMBOL[_…].csv)");
    }

    private static List<Bar> Read(string file)
    {
        try
        {
            using var reader = new StreamReader(file);
            var bars = new List<Bar>();
            foreach (BarRow row in BarFileReader.Read(reader))
            {
                if (row.Bar.MinuteOfSession != -1)
                {
                    throw new BacktestInputException($"{file}: line {row.LineNumber}: '{row.TimeText}' is an intraday time (backtests need daily bars: date-only rows)");
                }

                bars.Add(row.Bar);
            }

            return bars;
        }
        catch (BarFileFormatException ex)
        {
            throw new BacktestInputException($"{file}: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new BacktestInputException($"{file}: {ex.Message}", ex);
        }
    }
}
