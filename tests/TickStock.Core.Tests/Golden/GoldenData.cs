using System.Globalization;
using TickStock.Core.BarFiles;
using TickStock.Core.Bars;

namespace TickStock.Core.Tests.Golden;

/// <summary>Loads the bar files and the TA-Lib expectations written by tools/talib-golden/generate.js.</summary>
internal static class GoldenData
{
    public static string TestDataDir => Path.Combine(AppContext.BaseDirectory, "TestData");

    public static string GoldenDir => Path.Combine(TestDataDir, "golden");

    /// <summary>Real files live in TestData/, generated series in TestData/golden/.</summary>
    public static IReadOnlyList<Bar> LoadBars(string name)
    {
        string path = Path.Combine(TestDataDir, name + ".csv");
        if (!File.Exists(path))
        {
            path = Path.Combine(GoldenDir, name + ".csv");
        }

        using var reader = new StreamReader(path);
        return BarFileReader.ReadAll(reader).Select(r => r.Bar).ToList();
    }

    /// <summary>A golden CSV as column name → per-bar values (null where the cell is empty).</summary>
    public static Dictionary<string, double?[]> LoadTable(string fileName)
    {
        string[] lines = File.ReadAllLines(Path.Combine(GoldenDir, fileName)).Where(l => l.Length > 0).ToArray();
        string[] header = lines[0].Split(',');
        var table = header.ToDictionary(h => h, _ => new double?[lines.Length - 1]);
        for (int row = 1; row < lines.Length; row++)
        {
            string[] cells = lines[row].Split(',');
            for (int c = 0; c < header.Length; c++)
            {
                table[header[c]][row - 1] = cells[c].Length == 0 ? null : double.Parse(cells[c], CultureInfo.InvariantCulture);
            }
        }

        return table;
    }

    public static readonly string[] CandleFiles = ["AAPL", "SPY", "MSFT", "TSLA_2017-2018", "gen_templates", "gen_ties"];

    public static readonly string[] IndicatorFiles = ["SPY", "TSLA_2017-2018", "gen_templates", "gen_ties"];
}
