namespace TickStock.Core.Jobs;

/// <summary>Status documents of jobs that are not (yet) running on the board.</summary>
public static class JobStatusDocuments
{
    /// <summary>A job that cannot run: <c>failed</c> at once, with the reason.</summary>
    public static JobStatusDocument Rejected(string jobId, string? jobType, string error, DateTime now, string? submittedAt, string? description) => new()
    {
        JobId = jobId,
        JobType = jobType ?? "unknown",
        Status = JobStatusValues.Failed,
        Message = error,
        ErrorMessage = error,
        StartedAt = now,
        CompletedAt = now,
        SubmittedAt = submittedAt,
        Description = description,
    };

    /// <summary>A job accepted while a dependency is down: <c>running</c>, saying what it waits for.</summary>
    public static JobStatusDocument Waiting(DataLoadJob job, string waitingFor, DateTime since)
    {
        ArgumentNullException.ThrowIfNull(job);
        return new()
        {
            JobId = job.JobId,
            JobType = job.JobType,
            Status = JobStatusValues.Running,
            Message = $"waiting for {waitingFor}",
            StartedAt = since,
            SubmittedAt = job.SubmittedAt,
            Description = job.Description,
        };
    }

    /// <summary>A job cancelled while it waited to start: <c>failed</c> + <c>cancelled</c>, naming who.</summary>
    public static JobStatusDocument CancelledBeforeStart(DataLoadJob job, string? requestedBy, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(job);
        var text = LoadJobState.CancelText(requestedBy);
        return new()
        {
            JobId = job.JobId,
            JobType = job.JobType,
            Status = JobStatusValues.Failed,
            Message = text,
            ErrorMessage = text,
            Cancelled = true,
            StartedAt = now,
            CompletedAt = now,
            SubmittedAt = job.SubmittedAt,
            Description = job.Description,
        };
    }
}
