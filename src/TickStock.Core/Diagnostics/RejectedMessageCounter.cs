namespace TickStock.Core.Diagnostics;

/// <summary>Messages refused on one channel for one reason since the previous report, and in all.</summary>
public sealed record RejectedMessageCount(string Channel, string Reason, long SinceLastReport, long Total);

/// <summary>
/// Keeps hostile or broken input from filling the log (issue 18.13): the first few refused
/// messages of each (channel, reason) are logged in full, the rest only counted, and the counts
/// are reported periodically. Pure: the caller logs and schedules the reports.
/// </summary>
public sealed class RejectedMessageCounter(int logFirstPerReason)
{
    private readonly Dictionary<(string Channel, string Reason), (long Pending, long Total)> _counts = [];

    /// <summary>Refused messages counted so far, all channels and reasons.</summary>
    public long Total { get; private set; }

    /// <summary>Counts one refused message; true when it is among the first few of its kind and should be logged in full.</summary>
    public bool Count(string channel, string reason)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(reason);
        var key = (channel, reason);
        var (pending, total) = _counts.GetValueOrDefault(key);
        total++;
        Total++;
        var logIt = total <= logFirstPerReason;
        _counts[key] = (logIt ? pending : pending + 1, total);
        return logIt;
    }

    /// <summary>The kinds with messages counted but not logged since the last report (then reset).</summary>
    public IReadOnlyList<RejectedMessageCount> TakeReport()
    {
        var report = new List<RejectedMessageCount>();
        foreach (var ((channel, reason), (pending, total)) in _counts.OrderBy(p => p.Key.Channel, StringComparer.Ordinal).ThenBy(p => p.Key.Reason, StringComparer.Ordinal).ToList())
        {
            if (pending > 0)
            {
                report.Add(new RejectedMessageCount(channel, reason, pending, total));
                _counts[(channel, reason)] = (0, total);
            }
        }

        return report;
    }
}
