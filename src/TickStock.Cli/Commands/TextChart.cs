using System.Text;

namespace TickStock.Cli.Commands;

/// <summary>
/// An area chart of a series in text: one column per character, eighth-block characters for the top edge, so it reads
/// in any terminal and in a captured log (no colours or cursor control needed).
/// </summary>
internal static class TextChart
{
    private const string Eighths = "▁▂▃▄▅▆▇█";

    /// <summary>
    /// Renders <paramref name="values"/> as <paramref name="height"/> lines of at most <paramref name="width"/> characters,
    /// top line first. Long series are sampled (the last value of each column's span), so the last value is always shown.
    /// </summary>
    public static string[] Render(IReadOnlyList<double> values, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if (values.Count == 0)
        {
            return [];
        }

        int columns = Math.Min(width, values.Count);
        var sampled = new double[columns];
        for (int c = 0; c < columns; c++)
        {
            // Column c covers values (c·n/columns, (c+1)·n/columns]; it shows the span's last value.
            int index = (int)(((long)(c + 1) * values.Count / columns) - 1);
            sampled[c] = values[index];
        }

        double min = sampled.Min();
        double max = sampled.Max();
        int levels = height * 8;
        var heights = new int[columns];
        for (int c = 0; c < columns; c++)
        {
            // A flat series fills the lowest row only; otherwise min → 1 eighth, max → the full height.
            heights[c] = max > min ? 1 + (int)Math.Round((sampled[c] - min) / (max - min) * (levels - 1)) : 1;
        }

        var lines = new string[height];
        var line = new StringBuilder(columns);
        for (int row = 0; row < height; row++)
        {
            int floor = (height - 1 - row) * 8; // eighths below this row
            line.Clear();
            foreach (int h in heights)
            {
                int inRow = Math.Clamp(h - floor, 0, 8);
                line.Append(inRow == 0 ? ' ' : Eighths[inRow - 1]);
            }

            lines[row] = line.ToString().TrimEnd();
        }

        return lines;
    }
}
