using TickStock.Core.Contracts;
using TickStock.Core.Polygon;
using Xunit;

namespace TickStock.Core.Tests.Polygon;

/// <summary>Issue 18.3: the polygon health component follows the provider's answers.</summary>
public sealed class ProviderAnswersTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 15, 0, 0, TimeSpan.Zero);

    [Fact]
    public void No_requests_yet_is_healthy_and_says_so()
    {
        var verdict = new ProviderAnswers().Assess(T0, "embedded local stub");
        Assert.Equal(ComponentState.Healthy, verdict.State);
        Assert.Equal("embedded local stub; no requests yet", verdict.Detail);
    }

    [Theory]
    [InlineData(401, "rejected the API key (401)")]
    [InlineData(403, "refused a request under this plan (403)")]
    public void A_refusal_is_an_error_with_the_reason_until_a_request_succeeds(int status, string said)
    {
        var answers = new ProviderAnswers();
        answers.Record(200, null, T0);
        answers.Record(status, "Unknown API Key", T0.AddSeconds(1));
        answers.Record(503, "HTTP 503", T0.AddSeconds(2)); // a later outage does not hide the refusal

        var refused = answers.Assess(T0.AddHours(1), "provider API key configured");
        Assert.Equal(ComponentState.Error, refused.State);
        Assert.Equal($"provider API key configured: the provider {said} at 2026-12-03T15:00:01Z: Unknown API Key", refused.Detail);

        answers.Record(200, null, T0.AddHours(2));
        Assert.Equal(ComponentState.Healthy, answers.Assess(T0.AddHours(2), "p").State);
    }

    [Fact]
    public void One_or_two_429s_are_the_limiter_working_three_in_a_minute_are_a_storm()
    {
        var answers = new ProviderAnswers();
        answers.Record(429, null, T0);
        answers.Record(429, null, T0.AddSeconds(30));
        answers.Record(200, null, T0.AddSeconds(31));
        Assert.Equal(ComponentState.Healthy, answers.Assess(T0.AddSeconds(31), "p").State);

        answers.Record(429, null, T0.AddSeconds(59));
        var storm = answers.Assess(T0.AddSeconds(59), "p");
        Assert.Equal(ComponentState.Degraded, storm.State);
        Assert.StartsWith("p: rate limited, 3 answers 429 in the last minute", storm.Detail, StringComparison.Ordinal);

        // The first one ages out of the window: two left, no storm.
        Assert.Equal(ComponentState.Healthy, answers.Assess(T0.AddSeconds(61), "p").State);
    }

    [Theory]
    [InlineData(0, "p: unreachable at 2026-12-03T15:00:00Z: connection refused; retrying")]
    [InlineData(502, "p: answered 502 at 2026-12-03T15:00:00Z; retrying")]
    public void A_last_answer_that_failed_in_transit_or_on_the_server_is_degraded(int status, string detail)
    {
        var answers = new ProviderAnswers();
        answers.Record(status, "connection refused", T0);
        Assert.Equal(new ProviderVerdict(ComponentState.Degraded, detail), answers.Assess(T0, "p"));

        answers.Record(200, null, T0.AddSeconds(1));
        Assert.Equal(new ProviderVerdict(ComponentState.Healthy, "p; last answer 200 at 2026-12-03T15:00:01Z"), answers.Assess(T0.AddSeconds(1), "p"));
        Assert.Equal(2, answers.Answers);
    }
}
