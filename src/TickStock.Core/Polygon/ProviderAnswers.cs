using System.Globalization;
using TickStock.Core.Contracts;

namespace TickStock.Core.Polygon;

/// <summary>What the provider's recent answers say about it, for the <c>polygon</c> health component.</summary>
public sealed record ProviderVerdict(ComponentState State, string Detail);

/// <summary>
/// The provider's recent answers (HTTP statuses of the REST client) and the verdict health draws
/// from them (issue 18.3). A refused key (401) or plan (403) is an <c>error</c> with the
/// provider's reason until a later request succeeds — an operator has to act, waiting will not
/// fix it. One 429 is the rate limiter doing its job; several within <see cref="StormWindow"/> are a
/// storm (another process on the same key, or a plan slower than configured): <c>degraded</c>. A
/// last answer that was a network failure or a 5xx is <c>degraded</c> too (the client retries).
/// Thread-safe: fetchers record from their own threads, the health reporter reads.
/// </summary>
public sealed class ProviderAnswers
{
    /// <summary>How far back 429 answers count towards a storm.</summary>
    public static readonly TimeSpan StormWindow = TimeSpan.FromMinutes(1);

    /// <summary>429 answers within <see cref="StormWindow"/> that make a storm.</summary>
    public const int StormThreshold = 3;

    private readonly Lock _gate = new();
    private readonly Queue<DateTimeOffset> _throttled = new();
    private Answer? _last;
    private Answer? _refusal;
    private long _answers;

    private sealed record Answer(int Status, string? Reason, DateTimeOffset At);

    /// <summary>Requests answered so far (any status, network failures included).</summary>
    public long Answers => Interlocked.Read(ref _answers);

    /// <summary>One answer: <paramref name="status"/> is the HTTP status, 0 when there was none (a network failure).</summary>
    public void Record(int status, string? reason, DateTimeOffset at)
    {
        Interlocked.Increment(ref _answers);
        lock (_gate)
        {
            if (status == 429)
            {
                _throttled.Enqueue(at);
                Forget429sBefore(at - StormWindow);
                return; // says nothing about the key, the plan or reachability
            }

            var answer = new Answer(status, reason, at);
            _last = answer;
            if (status is 401 or 403) _refusal = answer;
            else if (status is >= 200 and < 300) _refusal = null;
        }
    }

    /// <summary>The verdict at <paramref name="now"/>; <paramref name="source"/> names where requests go (stub or provider).</summary>
    public ProviderVerdict Assess(DateTimeOffset now, string source)
    {
        lock (_gate)
        {
            Forget429sBefore(now - StormWindow);
            if (_refusal is { } refused)
            {
                var what = refused.Status == 401 ? "the provider rejected the API key" : "the provider refused a request under this plan";
                return new(ComponentState.Error, $"{source}: {what} ({refused.Status}) at {Clock(refused.At)}: {refused.Reason ?? "no reason given"}");
            }

            if (_throttled.Count >= StormThreshold)
            {
                return new(ComponentState.Degraded, $"{source}: rate limited, {_throttled.Count} answers 429 in the last minute (another process on this key, or a plan slower than POLYGON_RATE_PER_MIN)");
            }

            return _last switch
            {
                null => new(ComponentState.Healthy, $"{source}; no requests yet"),
                { Status: 0 } last => new(ComponentState.Degraded, $"{source}: unreachable at {Clock(last.At)}: {last.Reason ?? "network error"}; retrying"),
                { Status: >= 500 } last => new(ComponentState.Degraded, $"{source}: answered {last.Status} at {Clock(last.At)}; retrying"),
                var last => new(ComponentState.Healthy, $"{source}; last answer {last.Status} at {Clock(last.At)}"),
            };
        }
    }

    private void Forget429sBefore(DateTimeOffset cutoff)
    {
        while (_throttled.TryPeek(out var oldest) && oldest < cutoff) _throttled.Dequeue();
    }

    private static string Clock(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
