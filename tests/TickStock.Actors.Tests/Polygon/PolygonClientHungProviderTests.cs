using System.Globalization;
using Microsoft.Extensions.Logging;
using TickStock.Actors.Configuration;
using TickStock.Actors.Polygon;
using TickStock.Core.Market;
using TickStock.PolygonStub;
using TickStock.Testing;

namespace TickStock.Actors.Tests.Polygon;

/// <summary>
/// A provider that accepts connections and never answers (the proxy's black hole in front of the real
/// stub): the client must give up on its configured request timeout, retry, fail the call as
/// <see cref="PolygonFailureKind.GaveUp"/>, and work again once the provider answers. The timeout is set
/// small here; the test asserts the outcome, not how long it took.
/// </summary>
public sealed class PolygonClientHungProviderTests
{
    private static readonly DateOnly Day = new(2025, 1, 14);

    [Fact]
    public async Task A_provider_that_never_answers_fails_the_call_after_the_configured_timeout_and_attempts()
    {
        await using var stub = await PolygonStubServer.StartAsync(new PolygonStubOptions { Now = DateTimeOffset.Parse("2025-01-15T21:00:00Z", CultureInfo.InvariantCulture) });
        await using var proxy = new TcpProxy(new Uri(stub.BaseUrl).Port);
        var polygon = new PolygonSettings { BaseUrl = $"http://127.0.0.1:{proxy.Port}", ApiKey = "k", RequestTimeout = TimeSpan.FromSeconds(1) };
        var settings = PolygonClientSettings.For(polygon, _ => Task.FromResult(polygon.BaseUrl!)) with { MaxAttempts = 3, BaseDelay = TimeSpan.FromMilliseconds(10) };
        var log = new WarningLog();
        using var client = new PolygonClient(settings, UnlimitedRateLimiter.Instance, log);

        // Answering: one day bar (and a pooled keep-alive connection through the proxy). The stub's first
        // answer can be slow on a cold, busy machine, so this phase may retry; the count starts after it.
        Assert.Single(await ReadAll(client));
        var callsBefore = client.Calls;

        // Hung: the first attempt waits on the open connection, the next ones on new connections that are
        // accepted and never answered. Each ends on the request timeout; after 3 the call fails.
        proxy.BlackHole();
        var failure = await Assert.ThrowsAsync<PolygonException>(() => ReadAll(client).WaitAsync(TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken));
        Assert.Equal(PolygonFailureKind.GaveUp, failure.Kind);
        Assert.Contains("gave up after 3 attempts: network error", failure.Message, StringComparison.Ordinal);
        Assert.True(client.Calls - callsBefore == 3, string.Join("\n", log.Lines));
        Assert.True(proxy.SwallowedConnections >= 1, "the retries should have opened connections the provider swallowed");

        // Answering again: the same client recovers.
        proxy.Restore();
        Assert.Single(await ReadAll(client));
    }

    [Fact]
    public void The_configured_timeout_and_key_reach_the_client_settings()
    {
        var real = PolygonClientSettings.For(new PolygonSettings { ApiKey = "k3y", RequestTimeout = TimeSpan.FromSeconds(7) }, _ => Task.FromResult("x"));
        Assert.Equal((TimeSpan.FromSeconds(7), "k3y"), (real.RequestTimeout, real.ApiKey));

        var embedded = PolygonClientSettings.For(new PolygonSettings(), _ => Task.FromResult("x"));
        Assert.Equal((TimeSpan.FromSeconds(60), null), (embedded.RequestTimeout, embedded.ApiKey));
    }

    /// <summary>The client's retry warnings, to show in a failure message.</summary>
    private sealed class WarningLog : ILogger<PolygonClient>
    {
        public System.Collections.Concurrent.ConcurrentQueue<string> Lines { get; } = new();

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Enqueue(formatter(state, exception));
    }

    private static async Task<List<OhlcvBar>> ReadAll(PolygonClient client)
    {
        var bars = new List<OhlcvBar>();
        await foreach (var bar in client.GetAggregatesAsync("AAPL", "day", Day, Day, TestContext.Current.CancellationToken))
        {
            bars.Add(bar);
        }

        return bars;
    }
}
