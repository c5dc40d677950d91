using Akka.Event;
using TickStock.Actors.Diagnostics;
using TickStock.Core.Diagnostics;
using TickStock.Core.Jobs;

namespace TickStock.Actors.Loading;

/// <summary>
/// Logging of refused job-channel messages through <see cref="RejectedMessageCounter"/>: the first
/// few of each channel and reason in full, then a periodic count, so a flood of hostile input
/// cannot fill the disk through the log. Used on the actor's thread only.
/// </summary>
public sealed class RefusedMessageLog(int loggedInFull)
{
    private readonly RejectedMessageCounter _counter = new(loggedInFull);

    public long Total => _counter.Total;

    public void Refused(ILoggingAdapter log, string channel, JobRejectReason reason, string? jobId, string? error)
    {
        ArgumentNullException.ThrowIfNull(log);
        PipelineCounters.InboundRefused(channel, JobRejectReasons.Name(reason));
        if (_counter.Count(channel, reason.ToString()))
        {
            log.Warning("Refused a message on {0} ({1}{2}): {3}; {4} refused so far", channel, reason,
                jobId is null ? " without a usable job_id" : ", job " + jobId, error, _counter.Total);
        }
    }

    /// <summary>One line per channel and reason with messages refused but not logged since the last report.</summary>
    public void Report(ILoggingAdapter log)
    {
        ArgumentNullException.ThrowIfNull(log);
        foreach (var count in _counter.TakeReport())
        {
            log.Warning("{0} more messages refused on {1} ({2}) since the last report; {3} in all", count.SinceLastReport, count.Channel, count.Reason, count.Total);
        }
    }
}
