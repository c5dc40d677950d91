using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Akka.Actor;
using Akka.Hosting;
using Akka.TestKit;
using TickStock.Actors.Backtesting;
using TickStock.Actors.Configuration;
using TickStock.Actors.Infrastructure;
using TickStock.Core.Backtesting;
using TickStock.Core.Bars;
using TickStock.Core.Jobs;
using TickStock.Core.Loading;
using static TickStock.Actors.Backtesting.BacktestWorkerMessages;

namespace TickStock.Actors.Tests.Backtesting;

/// <summary>
/// A run's side of the fan-out, with a probe standing in for the workers' router (pure actor logic: the stores are
/// in-memory stand-ins that only record): a symbol left unanswered is sent again after the symbol timeout and the
/// first answer wins (a late duplicate changes nothing); a symbol no worker ever answers ends the job <c>failed</c>
/// after the last try — bounded, never hanging.
/// </summary>
public class BacktestRunFanOutTests : HostedTestKit
{
    private static readonly DateOnly Start = new(2024, 1, 2);
    private static readonly DateOnly End = new(2024, 1, 31);

    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider)
    {
    }

    [Fact]
    public async Task An_unanswered_symbol_is_sent_again_after_the_timeout_and_its_first_answer_counts_once()
    {
        var ct = TestContext.Current.CancellationToken;
        var (workers, publisher) = (CreateTestProbe(), new RecordingPublisher());
        var run = StartRun("fan-1", ["AAA", "BBB"], workers, publisher, tries: 3);

        var first = await workers.ExpectMsgAsync<DetectSymbol>(cancellationToken: ct);
        var firstSender = workers.LastSender;
        var second = await workers.ExpectMsgAsync<DetectSymbol>(cancellationToken: ct);
        Assert.Equal(["AAA", "BBB"], new[] { first.Symbol, second.Symbol });
        Assert.Equal(Start, first.Start);
        Assert.Empty(first.Patterns);
        workers.LastSender.Tell(Detected("fan-1", "BBB", "node-b"));

        // AAA's worker "died": no answer, so it is sent again.
        var again = await workers.ExpectMsgAsync<DetectSymbol>(TimeSpan.FromSeconds(10), cancellationToken: ct);
        Assert.Equal("AAA", again.Symbol);
        workers.LastSender.Tell(Detected("fan-1", "AAA", "node-c"));
        firstSender.Tell(Detected("fan-1", "AAA", "node-a")); // the first worker answers after all: ignored
        firstSender.Tell(Detected("other-job", "AAA", "node-a")); // another job's answer: not this run's

        await ExpectTerminatedAsync(run, ct);
        var result = Assert.Single(publisher.Results);
        Assert.Equal("completed", result.GetProperty("status").GetString());
        Assert.Equal(["AAA", "BBB"], result.GetProperty("results").GetProperty("per_symbol").EnumerateObject().Select(p => p.Name).ToArray());
        var fractions = publisher.Progress.Select(p => p.GetProperty("progress").GetDouble()).ToList();
        Assert.Equal(fractions.Order().ToList(), fractions);
        Assert.Equal(1.0, fractions[^1]);
        await workers.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300), ct);
    }

    [Fact]
    public async Task A_symbol_no_worker_answers_fails_the_job_after_the_last_try()
    {
        var ct = TestContext.Current.CancellationToken;
        var (workers, publisher) = (CreateTestProbe(), new RecordingPublisher());
        var run = StartRun("fan-2", ["CCC"], workers, publisher, tries: 2);

        Assert.Equal("CCC", (await workers.ExpectMsgAsync<DetectSymbol>(cancellationToken: ct)).Symbol);
        Assert.Equal("CCC", (await workers.ExpectMsgAsync<DetectSymbol>(TimeSpan.FromSeconds(10), cancellationToken: ct)).Symbol);

        await ExpectTerminatedAsync(run, ct);
        var result = Assert.Single(publisher.Results);
        Assert.Equal("failed", result.GetProperty("status").GetString());
        Assert.Contains("CCC: no backtest worker answered within 0.3s, 2 times", result.GetProperty("error_message").GetString(), StringComparison.Ordinal);
        await workers.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(500), ct);
    }

    [Fact]
    public async Task A_worker_failure_fails_the_job_with_the_symbol_and_reason()
    {
        var ct = TestContext.Current.CancellationToken;
        var (workers, publisher) = (CreateTestProbe(), new RecordingPublisher());
        var run = StartRun("fan-3", ["DDD"], workers, publisher, tries: 3);

        await workers.ExpectMsgAsync<DetectSymbol>(cancellationToken: ct);
        workers.LastSender.Tell(new DetectFailed("fan-3", "DDD", "node-a", "DDD: bar dated 2024-01-03 has a price that is not a positive number"));

        await ExpectTerminatedAsync(run, ct);
        var result = Assert.Single(publisher.Results);
        Assert.Equal("failed", result.GetProperty("status").GetString());
        Assert.Contains("not a positive number", result.GetProperty("error_message").GetString(), StringComparison.Ordinal);
    }

    private IActorRef StartRun(string jobId, string[] symbols, TestProbe workers, RecordingPublisher publisher, int tries)
    {
        var json = $$"""{"type":"backtest_job","job_id":"{{jobId}}","symbols":[{{string.Join(',', symbols.Select(s => $"\"{s}\""))}}],"start_date":"{{Start:yyyy-MM-dd}}","end_date":"{{End:yyyy-MM-dd}}"}""";
        var job = BacktestJobParser.Parse(Encoding.UTF8.GetBytes(json)).Job!;
        var services = new BacktestServices(new RedisConnectionProvider(new RedisSettings()), new AllStored(), new NoLoader(), publisher, new NoLedger());
        var settings = new BacktestCoordinatorSettings { SymbolTimeout = TimeSpan.FromMilliseconds(300), MaxSymbolTries = tries, ProgressInterval = TimeSpan.FromMilliseconds(200) };
        var run = Sys.ActorOf(BacktestRun.PropsFor(job, services, settings, workers.Ref));
        Watch(run);
        return run;
    }

    private async Task ExpectTerminatedAsync(IActorRef run, CancellationToken ct) =>
        Assert.Equal(run, (await ExpectMsgAsync<Terminated>(TimeSpan.FromSeconds(20), cancellationToken: ct)).ActorRef);

    private static SymbolDetected Detected(string jobId, string symbol, string node)
    {
        var bars = Enumerable.Range(0, 5).Select(i => Bar.Daily(Start.AddDays(i + 1), 100 + i, 101 + i, 99 + i, 100.5 + i, 1000)).ToArray();
        return new SymbolDetected(jobId, node, new SymbolSignals(symbol, bars, []));
    }

    private sealed class RecordingPublisher : IBacktestPublisher
    {
        private readonly ConcurrentQueue<JsonElement> _progress = new();
        private readonly ConcurrentQueue<JsonElement> _results = new();

        public IReadOnlyList<JsonElement> Progress => [.. _progress];

        public IReadOnlyList<JsonElement> Results => [.. _results];

        public Task PublishProgressAsync(string json)
        {
            _progress.Enqueue(JsonDocument.Parse(json).RootElement.Clone());
            return Task.CompletedTask;
        }

        public Task PublishResultAsync(string jobId, string json)
        {
            _results.Enqueue(JsonDocument.Parse(json).RootElement.Clone());
            return Task.CompletedTask;
        }
    }

    private sealed class AllStored : IBacktestBarSource
    {
        public Task<IReadOnlyList<string>> MissingAsync(IReadOnlyList<string> symbols, LoadWindow window, CancellationToken ct) => Task.FromResult<IReadOnlyList<string>>([]);

        public Task<SymbolHistory> ReadAsync(string symbol, DateOnly start, DateOnly end, CancellationToken ct) =>
            throw new InvalidOperationException("the run reads no bars itself: its workers do");
    }

    private sealed class NoLoader : IHistoryLoadRequests
    {
        public Task<bool> SubmitAsync(string loadJobId, IReadOnlyList<string> symbols, double years) => throw new InvalidOperationException("nothing is missing");

        public Task<JobStatusDocument?> StatusAsync(string loadJobId) => throw new InvalidOperationException("nothing is missing");

        public Task CancelAsync(string loadJobId, string requestedBy) => Task.CompletedTask;
    }

    private sealed class NoLedger : IBacktestLedger
    {
        public Task RecordAsync(LedgerEntry entry) => Task.CompletedTask;

        public Task<IReadOnlyList<LedgerEntry>> LoadAsync() => Task.FromResult<IReadOnlyList<LedgerEntry>>([]);
    }
}
