using System.Globalization;

namespace TickStock.Cli.Commands;

/// <summary>
/// The machine's CPU time from the first line of Linux's /proc/stat, in clock ticks: total, and the
/// part the hypervisor gave to other guests ("steal"). On a shared virtual machine a latency tail
/// often comes from there, so the bench reports it beside its figures. Null where there is no
/// /proc/stat or its first line is not the expected shape.
/// </summary>
internal readonly record struct HostCpuTimes(long Total, long Steal)
{
    public static HostCpuTimes? Read()
    {
        try
        {
            using var reader = new StreamReader("/proc/stat");
            return Parse(reader.ReadLine());
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>"cpu  user nice system idle iowait irq softirq steal …": steal is the 8th number.</summary>
    public static HostCpuTimes? Parse(string? line)
    {
        var fields = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields is null || fields.Length < 9 || fields[0] != "cpu") return null;
        long total = 0;
        // guest and guest_nice (9th, 10th) are already counted in user and nice.
        for (var i = 1; i <= Math.Min(8, fields.Length - 1); i++)
        {
            if (!long.TryParse(fields[i], NumberStyles.None, CultureInfo.InvariantCulture, out var value)) return null;
            total += value;
        }

        return new HostCpuTimes(total, long.Parse(fields[8], NumberStyles.None, CultureInfo.InvariantCulture));
    }

    /// <summary>Share of the CPU time between two samples that was stolen, in percent.</summary>
    public static double? StolenPercent(HostCpuTimes? before, HostCpuTimes? after) =>
        before is { } b && after is { } a && a.Total > b.Total ? 100.0 * (a.Steal - b.Steal) / (a.Total - b.Total) : null;
}
