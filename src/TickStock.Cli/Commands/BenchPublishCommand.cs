using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Akka.Actor;
using Akka.Configuration;
using Akka.Hosting;
using Npgsql;
using StackExchange.Redis;
using TickStock.Actors.Configuration;
using TickStock.Actors.Hosting;
using TickStock.Actors.Infrastructure;
using TickStock.Actors.Publishing;
using TickStock.Core.Contracts;

namespace TickStock.Cli.Commands;

/// <summary>
/// `tickstock bench publish`: N pattern events through the real IntegrationLogger → Publisher path
/// against the configured Redis and PostgreSQL, received by a subscriber; verifies every row and
/// message and prints one JSON line. Latency = hand-off to the pipeline → receipt by the subscriber.
/// </summary>
internal static class BenchPublishCommand
{
    public static Command Create()
    {
        var events = new Option<int>("--events") { Description = "How many events (after the warm-up).", DefaultValueFactory = _ => 20_000 };
        var rate = new Option<double>("--rate") { Description = "Events per second to offer; 0 = as fast as the pipeline takes them.", DefaultValueFactory = _ => 0 };
        var warmup = new Option<int>("--warmup") { Description = "Events per warm-up round, excluded from the figures; rounds repeat until one leaves the JIT with (almost) nothing to compile, at most 15.", DefaultValueFactory = _ => 20_000 };
        var timeline = new Option<bool>("--timeline") { Description = "Also print, per second of the measured part, the worst latency and how many events took over 5 ms (stderr): bursts (a checkpoint, a neighbour's build) versus a steady tail." };
        var inFlight = new Option<int>("--max-in-flight") { Description = "Most events sent but not yet received (default 8,000, about 4–5 MB of messages, under Redis's default 8 MB soft output-buffer limit for a pub/sub client, so a slow subscriber is never cut off; still more than the pipeline holds at once: two 2,000-row writes and a 2,000-event publish).", DefaultValueFactory = _ => 8_000 };
        var command = new Command("publish", "Throughput and latency of the pattern pipeline against the configured Redis/PostgreSQL (rows are written to integration_events on a bench channel).")
        {
            events, rate, warmup, inFlight, timeline,
        };
        command.SetAction((parse, ct) => CliServices.RunAsync(() =>
            RunAsync(parse.GetValue(events), parse.GetValue(rate), parse.GetValue(warmup), parse.GetValue(inFlight), parse.GetValue(timeline), ct)));
        return command;
    }

    private static async Task<int> RunAsync(int count, double rate, int warmup, int maxInFlight, bool timeline, CancellationToken ct)
    {
        if (count <= 0 || warmup < 0 || maxInFlight <= 0 || rate < 0)
        {
            throw new CliException("--events and --max-in-flight must be positive, --warmup and --rate not negative", ExitCodes.ConfigurationError);
        }

        var options = CliServices.Options();
        await using var db = await CliServices.PostgresAsync(options, ct).ConfigureAwait(false);
        await using var subscriberConnection = await CliServices.RedisAsync(options, "tickstock-bench-subscriber").ConfigureAwait(false);
        var runId = Guid.NewGuid().ToString("N")[..8];
        var settings = options.Pipeline;
        settings.Channels.Patterns = $"tickstock.bench.{runId}.patterns";
        settings.SpillPath = Path.Combine(Path.GetTempPath(), $"tickstock-bench-{runId}.jsonl");

        var sentAt = new long[count];
        var latencies = new double[count];
        var receivedFlags = new int[count];
        var index = new ConcurrentDictionary<Guid, int>();
        var received = 0;
        var warmupReceived = 0;
        var warmupTarget = int.MaxValue;
        var window = new InFlightWindow(maxInFlight);
        var allReceived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var warmupRoundReceived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // A handler subscription rather than a ChannelMessageQueue: the handler runs as each message
        // is read, one hand-off less per message than the queue's loop (order does not matter here).
        // This run's channel carries only this run's events: one not in the measured set is a warm-up event.
        await subscriberConnection.GetSubscriber().SubscribeAsync(RedisChannel.Literal(settings.Channels.Patterns), (_, message) =>
        {
            var now = Stopwatch.GetTimestamp();
            if (!index.TryGetValue(FlowIdOf((byte[])message!), out var i))
            {
                window.Received();
                if (Interlocked.Increment(ref warmupReceived) >= Volatile.Read(ref warmupTarget)) warmupRoundReceived.TrySetResult();
                return;
            }

            if (Interlocked.Exchange(ref receivedFlags[i], 1) == 1) return;
            latencies[i] = Stopwatch.GetElapsedTime(sentAt[i], now).TotalMilliseconds;
            window.Received();
            if (Interlocked.Increment(ref received) == count) allReceived.TrySetResult();
        }).ConfigureAwait(false);

        var stats = new ProducerStats();
        await using var redis = new RedisConnectionProvider(options.Redis, "tickstock-bench-publisher");
        // The pipeline's actors on the daemon's own dispatcher (hocon/akka.conf io-dispatcher), as
        // AddPatternPipeline places them, so the bench measures what the daemon runs.
        using var system = ActorSystem.Create("bench", ConfigurationFactory.ParseString("akka.loglevel = WARNING").WithFallback(HoconFiles.Load("akka.conf")));
        var pipeline = system.ActorOf(PatternPipelineActor.Props(new IntegrationEventStore(db), redis, stats, settings, dispatcher: PipelineHostingExtensions.IoDispatcher),
            "pattern-pipeline");
        var logger = await ActorRegistry.For(system).WaitForAsync<PatternPipeline>(TimeSpan.FromSeconds(30), ct).ConfigureAwait(false);
        var spill = new SpillFile(settings.SpillPath, settings.SpillMaxBytes);
        await redis.GetAsync().ConfigureAwait(false);

        var measured = Events(count, offset: 0);
        for (var i = 0; i < count; i++) index[measured[i].FlowId] = i;
        var warmupFlowIds = new List<Guid>();

        await Console.Error.WriteLineAsync($"bench publish: warm-up in rounds of {warmup} events (excluded) until the JIT settles, then {count} measured, " +
            (rate > 0 ? $"offered at {rate:0} events/s" : "as fast as accepted") + $", at most {maxInFlight} in flight; audit commits {(settings.AuditCommit == AuditCommitMode.Deferred ? "deferred (not waiting for the WAL flush)" : "synchronous")}; channel {settings.Channels.Patterns}").ConfigureAwait(false);

        // Warm-up first, and drained: the measured part starts with nothing in flight. It runs in
        // rounds until one round makes the JIT compile (almost) nothing new: tiered compilation
        // re-compiles hot methods in the background for several seconds under this load (one
        // 20,000-event warm-up left 12 % of the machine's CPU in the JIT's thread during the measured
        // part and doubled the client's CPU per event). A daemon runs for days: its steady state,
        // with the JIT done, is what is measured.
        var timeout = TimeSpan.FromSeconds(60 + (warmup + count) / 1000.0);
        var roundTimeout = TimeSpan.FromSeconds(30 + warmup / 1000.0);
        var rounds = 0;
        var jitted = long.MaxValue;
        while (warmup > 0 && rounds < MaxWarmupRounds && jitted > SettledJitMethods)
        {
            var before = System.Runtime.JitInfo.GetCompiledMethodCount();
            var events = Events(warmup, offset: (rounds + 1) * warmup);
            warmupFlowIds.AddRange(events.Select(e => e.FlowId));
            warmupRoundReceived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref warmupTarget, (rounds + 1) * warmup);
            if (Volatile.Read(ref warmupReceived) >= warmupTarget) warmupRoundReceived.TrySetResult();
            await SendAsync(events, null).ConfigureAwait(false);
            if (await Task.WhenAny(warmupRoundReceived.Task, Task.Delay(roundTimeout, ct)).ConfigureAwait(false) != warmupRoundReceived.Task)
            {
                // Counted, not waited for again: every later round would wait for the missing ones too.
                await Console.Error.WriteLineAsync($"bench publish: warm-up round {rounds + 1}: only {Volatile.Read(ref warmupReceived)} of {warmupTarget} warm-up events arrived within {roundTimeout.TotalSeconds:0} s; measuring now").ConfigureAwait(false);
                rounds++;
                break;
            }
            // Let the tiering delay (100 ms without new tier-0 methods) pass so this round's hot
            // methods are queued and counted in this round.
            await Task.Delay(250, ct).ConfigureAwait(false);
            jitted = System.Runtime.JitInfo.GetCompiledMethodCount() - before;
            rounds++;
        }

        await Console.Error.WriteLineAsync($"bench publish: warm-up took {rounds} rounds ({rounds * warmup} events); the last one JIT-compiled {(rounds == 0 ? 0 : jitted)} methods").ConfigureAwait(false);
        // The measured rows go into the table as the warm-up found it: its rows removed and vacuumed
        // away, as deploy/bench-publish.sh leaves the table before its raw \copy (otherwise the
        // measured part alone inserts into indexes 4× the size, behind the warm-up's WAL).
        await DeleteRowsAsync(db, [.. warmupFlowIds], ct).ConfigureAwait(false);
        await VacuumAsync(db, ct).ConfigureAwait(false);
        // The bench's own fixtures (every event and its index) live for the whole run: promote them
        // now so the collector does not copy them during the measured part (a daemon has no such set).
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);

        using var gcPauses = new GcPauseRecorder();
        gcPauses.Start();
        var hostBefore = HostCpuTimes.Read();
        var cpuBefore = Environment.CpuUsage.TotalTime;
        var workItemsBefore = ThreadPool.CompletedWorkItemCount;
        var gcBefore = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration(), GC.GetTotalAllocatedBytes());
        var measuredStart = Stopwatch.GetTimestamp();
        await SendAsync(measured, sentAt).ConfigureAwait(false);
        await Task.WhenAny(allReceived.Task, Task.Delay(timeout, ct)).ConfigureAwait(false);
        var seconds = Stopwatch.GetElapsedTime(measuredStart).TotalSeconds;
        var hostAfter = HostCpuTimes.Read();
        var cpu = Environment.CpuUsage.TotalTime - cpuBefore;
        var workItems = ThreadPool.CompletedWorkItemCount - workItemsBefore;
        await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"bench publish: measured part used {cpu.TotalMilliseconds * 1000 / count:0.0} µs of this process's CPU and {workItems / (double)count:0.00} thread-pool work items per event; " +
            $"GCs gen0/1/2 {GC.CollectionCount(0) - gcBefore.Item1}/{GC.CollectionCount(1) - gcBefore.Item2}/{GC.CollectionCount(2) - gcBefore.Item3}, " +
            $"paused {(GC.GetTotalPauseDuration() - gcBefore.Item4).TotalMilliseconds:0.0} ms, allocated {(GC.GetTotalAllocatedBytes() - gcBefore.Item5) / count} B per event")).ConfigureAwait(false);

        if (HostCpuTimes.StolenPercent(hostBefore, hostAfter) is { } stolen)
        {
            await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"bench publish: the hypervisor took {stolen:0.0} % of the machine's CPU time during the measured part (steal, /proc/stat)")).ConfigureAwait(false);
        }

        var pauses = gcPauses.Stop();
        if (pauses.Count > 0)
        {
            var longest = pauses.MaxBy(p => p.Milliseconds);
            await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"bench publish: GC paused the process {pauses.Count} times, longest {longest.Milliseconds:0.0} ms (gen {longest.Generation}), median {pauses.Select(p => p.Milliseconds).Order().ElementAt(pauses.Count / 2):0.0} ms")).ConfigureAwait(false);
        }

        Task SendAsync(PatternEvent[] events, long[]? sentTimes) =>
            rate > 0 ? SendPacedAsync(events, sentTimes) : SendUnpacedAsync(events, sentTimes);

        async Task SendUnpacedAsync(PatternEvent[] events, long[]? sentTimes)
        {
            for (var i = 0; i < events.Length; i++)
            {
                await window.WaitForRoomAsync(ct).ConfigureAwait(false);
                if (sentTimes is not null) sentTimes[i] = Stopwatch.GetTimestamp();
                logger.Tell(new PatternCommands.PatternDetected(events[i]));
            }
        }

        // A steady offered rate needs a pacer finer than Task.Delay: its timer fired every ~4 ms on
        // this machine, so "2,000 events/s" went out as bursts of 8. A dedicated thread sleeping 1 ms
        // at a time (the kernel's high-resolution sleep; no spinning, which would take CPU from the
        // services being measured) sends what has fallen due on each wake: 2–3 events per ~1.1 ms.
        Task SendPacedAsync(PatternEvent[] events, long[]? sentTimes) => Task.Factory.StartNew(() =>
        {
            var start = Stopwatch.GetTimestamp();
            var next = 0;
            while (next < events.Length)
            {
                ct.ThrowIfCancellationRequested();
                var due = (int)Math.Min(events.Length, Math.Floor(Stopwatch.GetElapsedTime(start).TotalSeconds * rate) + 1);
                for (; next < due; next++)
                {
                    var room = window.WaitForRoomAsync(ct);
                    if (!room.IsCompleted) room.GetAwaiter().GetResult(); // own thread, not the pool's
                    if (sentTimes is not null) sentTimes[next] = Stopwatch.GetTimestamp();
                    logger.Tell(new PatternCommands.PatternDetected(events[next]));
                }

                if (next < events.Length) Thread.Sleep(1);
            }
        }, ct, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        // A database outage during the run (a fault drill: stop PostgreSQL mid-bench, README) leaves
        // rows in the spill file until the database answers again: wait for them before counting.
        var drainDeadline = DateTime.UtcNow.AddSeconds(60);
        while ((stats.PostgresDown || spill.HasRows) && DateTime.UtcNow < drainDeadline) await Task.Delay(100, ct).ConfigureAwait(false);
        if (stats.RowsSpilled > 0)
        {
            await Console.Error.WriteLineAsync($"bench publish: PostgreSQL failed during the run: {stats.RowsSpilled} rows went to the spill file; " +
                (spill.HasRows || stats.PostgresDown ? "still not drained after 60 s" : "drained")).ConfigureAwait(false);
        }
        await pipeline.Ask<PipelineCommands.FlushCompleted>(PipelineCommands.Flush.Instance, TimeSpan.FromSeconds(30)).ConfigureAwait(false);

        if (timeline)
        {
            var perSecond = Enumerable.Range(0, count).Where(i => receivedFlags[i] == 1)
                .GroupBy(i => (int)Stopwatch.GetElapsedTime(measuredStart, sentAt[i]).TotalSeconds)
                .Select(g => $"{g.Key}s:max {g.Max(i => latencies[i]):0.0}/>5ms {g.Count(i => latencies[i] > 5)}");
            await Console.Error.WriteLineAsync("bench publish: per second of sending, worst latency (ms) and events over 5 ms: " + string.Join(" ", perSecond)).ConfigureAwait(false);
        }

        var sorted = latencies.Where((_, i) => receivedFlags[i] == 1).Order().ToArray();
        if (sorted.Length > 0)
        {
            // The tail beyond p99 (stderr: the JSON line's fields are fixed by the issue).
            await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"bench publish: latency p90 {Percentile(sorted, 0.90):0.000} ms, p99.9 {Percentile(sorted, 0.999):0.000} ms, max {sorted[^1]:0.000} ms")).ConfigureAwait(false);
        }

        var rows = await CountRowsAsync(db, measured.Select(e => e.FlowId).ToArray(), ct).ConfigureAwait(false);
        var lost = count - sorted.Length;
        var result = new Dictionary<string, object>
        {
            ["events"] = count,
            ["seconds"] = Math.Round(seconds, 3),
            ["events_per_sec"] = Math.Round(sorted.Length / seconds, 0),
            ["p50_ms"] = Math.Round(Percentile(sorted, 0.50), 3),
            ["p99_ms"] = Math.Round(Percentile(sorted, 0.99), 3),
            ["lost"] = lost,
            ["rows"] = rows,
        };
        Console.WriteLine(JsonSerializer.Serialize(result));
        await DeleteRowsAsync(db, measured.Select(e => e.FlowId).ToArray(), ct).ConfigureAwait(false);
        File.Delete(settings.SpillPath);
        await system.Terminate().ConfigureAwait(false);
        var warmupMissing = warmupFlowIds.Count - Volatile.Read(ref warmupReceived);
        if (warmupMissing > 0)
        {
            await Console.Error.WriteLineAsync($"bench publish: {warmupMissing} of {warmupFlowIds.Count} warm-up events never arrived").ConfigureAwait(false);
        }

        return lost == 0 && rows == count && warmupMissing <= 0 ? ExitCodes.Ok : ExitCodes.ResultFailed;
    }

    /// <summary>Warm-up rounds stop when one compiled at most this many methods...</summary>
    private const int SettledJitMethods = 20;

    /// <summary>...or after this many rounds, settled or not (the stderr line says which).</summary>
    private const int MaxWarmupRounds = 15;

    /// <summary>Distinct events (own flow_ids) that look like live intraday patterns.</summary>
    private static PatternEvent[] Events(int n, int offset)
    {
        var events = new PatternEvent[n];
        var now = DateTimeOffset.UtcNow;
        for (var k = 0; k < n; k++)
        {
            var i = offset + k;
            events[k] = PatternEvent.Create($"B{i % 500}", i % 2 == 0 ? "Volume_Spike" : "Price_Breakout", 0.75, PatternTier.Intraday, "1min",
                100 + (i % 100), 1.5, 10_000 + i, now, new Dictionary<string, double> { ["rsi"] = 50 });
        }

        return events;
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static async Task<long> CountRowsAsync(NpgsqlDataSource db, Guid[] flowIds, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT count(*) FROM integration_events WHERE checkpoint = 'PATTERN_PUBLISHED' AND flow_id = ANY($1)");
        cmd.Parameters.Add(new NpgsqlParameter { Value = flowIds });
        return (long)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
    }

    /// <summary>VACUUM (ANALYZE) of integration_events where this role may (its owner); a notice otherwise, and the run goes on.</summary>
    private static async Task VacuumAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct).ConfigureAwait(false);
        var skipped = false;
        connection.Notice += (_, e) => skipped |= e.Notice.MessageText.Contains("skipping", StringComparison.Ordinal);
        await using var cmd = new NpgsqlCommand("VACUUM (ANALYZE) integration_events", connection);
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        if (skipped) await Console.Error.WriteLineAsync("bench publish: integration_events not vacuumed after the warm-up (this role does not own it)").ConfigureAwait(false);
    }

    /// <summary>The bench's rows are verified, then removed so they never show up as real patterns (monitor, consumer).</summary>
    private static async Task DeleteRowsAsync(NpgsqlDataSource db, Guid[] flowIds, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("DELETE FROM integration_events WHERE flow_id = ANY($1)");
        cmd.Parameters.Add(new NpgsqlParameter { Value = flowIds });
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Reads data.flow_id without materialising the document (the subscriber must keep up).</summary>
    private static Guid FlowIdOf(byte[] payload)
    {
        var reader = new Utf8JsonReader(payload);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("flow_id"u8) && reader.Read())
            {
                // Straight from the UTF-8 bytes (a UUID never needs unescaping): no string per message.
                return System.Buffers.Text.Utf8Parser.TryParse(reader.ValueSpan, out Guid id, out _, 'D') ? id : Guid.Empty;
            }
        }

        return Guid.Empty;
    }

    /// <summary>
    /// Bounds the events sent but not yet received. When the window is full the sender sleeps until
    /// a chunk has drained, rather than waking once per received message: the load generator's own
    /// wake-ups would otherwise cost a thread-pool hop per event on the machine being measured.
    /// </summary>
    private sealed class InFlightWindow(int size)
    {
        private readonly int _resumeAt = size - Math.Max(1, Math.Min(256, size / 4));
        private int _inFlight;
        private TaskCompletionSource? _resume;

        public void Received()
        {
            // Every count from full to _resumeAt is passed exactly once, so one receiver wakes the sender.
            if (Interlocked.Decrement(ref _inFlight) == _resumeAt) Volatile.Read(ref _resume)?.TrySetResult();
        }

        public async Task WaitForRoomAsync(CancellationToken ct)
        {
            if (Volatile.Read(ref _inFlight) >= size)
            {
                var resume = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                Interlocked.Exchange(ref _resume, resume);
                // Re-read after publishing the waiter: a drain that passed _resumeAt before it saw
                // no waiter to wake, and this read sees its effect.
                if (Volatile.Read(ref _inFlight) > _resumeAt) await resume.Task.WaitAsync(ct).ConfigureAwait(false);
            }

            Interlocked.Increment(ref _inFlight);
        }
    }
}
