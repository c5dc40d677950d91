using System.Globalization;
using TickStock.Core.Calendar;
using TickStock.Core.Market;

namespace TickStock.Core.Tests.Loading;

/// <summary>Reads the real SPY test files (naive New York times / trading dates).</summary>
internal static class SpyFiles
{
    public static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "TestData", name);

    public static IEnumerable<OhlcvBar> Minutes()
    {
        foreach (var line in File.ReadLines(PathOf("SPY_2020-12-15_2020-12-18.csv")).Skip(1))
        {
            var f = line.Split(',');
            var et = DateTime.ParseExact(f[0], "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
            yield return new OhlcvBar(EasternTime.FromEastern(et), D(f[1]), D(f[2]), D(f[3]), D(f[4]), long.Parse(f[5], CultureInfo.InvariantCulture));
        }
    }

    public static IEnumerable<DatedBar> Daily()
    {
        foreach (var line in File.ReadLines(PathOf("SPY_2020-09-01_2021-01-12.csv")).Skip(1))
        {
            var f = line.Split(',');
            yield return new DatedBar(DateOnly.ParseExact(f[0], "yyyy-MM-dd", CultureInfo.InvariantCulture), D(f[1]), D(f[2]), D(f[3]), D(f[4]), long.Parse(f[6], CultureInfo.InvariantCulture));
        }
    }

    private static decimal D(string s) => decimal.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);
}
