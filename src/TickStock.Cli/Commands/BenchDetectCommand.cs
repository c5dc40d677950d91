using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TickStock.Actors.Configuration;
using TickStock.Actors.Hosting;
using TickStock.Actors.MarketData;
using TickStock.Actors.Publishing;
using TickStock.Actors.Symbols;
using TickStock.Core.Bars;
using TickStock.Core.Detectors;
using TickStock.Core.Detectors.Candles;

namespace TickStock.Cli.Commands;

/// <summary>
/// `tickstock bench detect`: the 12 candlesticks alone and the full catalog over N bars on one thread, then the full
/// catalog through sharded SymbolActors (same AddTickStockCluster + AddSymbolSharding as the daemon) for S symbols,
/// publishing to a counting sink. Prints one JSON line.
/// </summary>
internal static class BenchDetectCommand
{
    private const int BatchSize = 250;

    private static readonly TimeSpan WarmupTime = TimeSpan.FromSeconds(2);

    public static Command Create()
    {
        var bars = new Option<int>("--bars") { Description = "Bars per measurement.", DefaultValueFactory = _ => 1_000_000 };
        var symbols = new Option<int>("--symbols") { Description = "Symbols (SymbolActors) for the actor measurement.", DefaultValueFactory = _ => 500 };
        var command = new Command("detect", "Detector throughput: candlesticks, full catalog (one thread), full catalog through SymbolActors.") { bars, symbols };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(bars), parse.GetValue(symbols), ct));
        return command;
    }

    private static async Task<int> RunAsync(int barCount, int symbolCount, CancellationToken ct)
    {
        if (barCount < 1000 || symbolCount < 1)
        {
            await Console.Error.WriteLineAsync("tickstock bench detect: --bars must be ≥ 1000 and --symbols ≥ 1").ConfigureAwait(false);
            return ExitCodes.ConfigurationError;
        }

        Bar[] daily = DailySeries(barCount);
        Bar[] minutes = new SyntheticFeed(["BENCH"], new DateOnly(2020, 1, 2)).MinuteSeries(barCount)["BENCH"];

        Warmup(daily, minutes);
        double cdlRate = barCount / Time(() => Candlesticks(daily));
        double dailySeconds = Time(() => Catalog(daily, Timeframe.Daily));
        double minuteRate = barCount / Time(() => Catalog(minutes, Timeframe.OneMinute));
        var (actorSeconds, bytesPerActor) = await ThroughActorsAsync(barCount, symbolCount, ct).ConfigureAwait(false);
        double actorRate = barCount / actorSeconds;

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"bars\":{barCount},\"seconds\":{dailySeconds:0.###},\"cdl_bars_per_sec\":{cdlRate:0},\"bars_per_sec\":{barCount / dailySeconds:0},\"intraday_bars_per_sec\":{minuteRate:0},\"actor_bars_per_sec\":{actorRate:0},\"symbols\":{symbolCount},\"bytes_per_actor\":{bytesPerActor:0}}}"));
        return ExitCodes.Ok;
    }

    /// <summary>
    /// Runs the single-thread paths over the first 50,000 bars for <see cref="WarmupTime"/>. Tiered JIT optimises a hot
    /// method only after it has run a while (and, with dynamic PGO, again after profiling it, each step after a quiet
    /// 100 ms and on a background thread), so one short pass left the first timed run partly in unoptimised code:
    /// the figures then measured the JIT as much as the detectors and swung with the machine's load.
    /// </summary>
    private static void Warmup(Bar[] daily, Bar[] minutes)
    {
        Bar[] head = daily[..Math.Min(daily.Length, 50_000)];
        Bar[] minuteHead = minutes[..Math.Min(minutes.Length, 50_000)];
        var watch = Stopwatch.StartNew();
        do
        {
            Candlesticks(head);
            Catalog(head, Timeframe.Daily);
            Catalog(minuteHead, Timeframe.OneMinute);
        }
        while (watch.Elapsed < WarmupTime);
    }

    private static double Time(Func<long> run)
    {
        var watch = Stopwatch.StartNew();
        long sink = run();
        watch.Stop();
        GC.KeepAlive(sink);
        return watch.Elapsed.TotalSeconds;
    }

    private static long Candlesticks(Bar[] bars)
    {
        var scanner = new CandlestickScanner();
        long fired = 0;
        foreach (Bar bar in bars) fired += scanner.OnBar(bar);
        return fired;
    }

    private static long Catalog(Bar[] bars, Timeframe timeframe)
    {
        var engine = new DetectorEngine(new DetectorOptions { Timeframe = timeframe });
        var output = new List<Detection>(64);
        long detections = 0;
        foreach (Bar bar in bars)
        {
            output.Clear();
            detections += engine.OnBar(bar, output);
        }

        return detections;
    }

    /// <summary>A deterministic random-walk daily series (one bar per calendar day; the catalog does not care).</summary>
    private static Bar[] DailySeries(int count)
    {
        var random = new Random(7);
        var bars = new Bar[count];
        var date = new DateOnly(1900, 1, 1);
        double price = 100;
        for (int i = 0; i < count; i++)
        {
            double open = price * (1 + ((random.NextDouble() - 0.5) * 0.01));
            double close = open * (1 + ((random.NextDouble() - 0.5) * 0.04));
            double high = Math.Max(open, close) * (1 + (random.NextDouble() * 0.01));
            double low = Math.Min(open, close) * (1 - (random.NextDouble() * 0.01));
            bars[i] = Bar.Daily(date.AddDays(i), open, high, low, close, 1e6 * (0.5 + random.NextDouble()) * (random.NextDouble() < 0.02 ? 5 : 1));
            price = Math.Clamp(close, 5, 5000);
        }

        return bars;
    }

    /// <summary>
    /// Seconds per <paramref name="barCount"/> bars through the actors (each symbol's first bar, which creates its
    /// engines, untimed), and the managed heap each
    /// SymbolActor holds once its windows are full (live bytes after a full collection, after the
    /// run minus before the entities started, per symbol; sharding's per-entity share included).
    /// </summary>
    private static async Task<(double Seconds, double BytesPerActor)> ThroughActorsAsync(int barCount, int symbolCount, CancellationToken ct)
    {
        var symbols = Enumerable.Range(0, symbolCount).Select(i => $"B{i:D4}").ToList();
        int perSymbol = Math.Max(2, barCount / symbolCount);
        var series = new SyntheticFeed(symbols, new DateOnly(2020, 1, 2)).MinuteSeries(perSymbol);
        // Each symbol's first bar goes in untimed, with the entity's start: a SymbolState creates its engines on the
        // first bar of their kind, and that one-off cost per symbol is start-up, not throughput.
        var firstBars = symbols.Select(symbol => new SymbolCommands.MinuteBars(symbol, new ArraySegment<Bar>(series[symbol], 0, 1))).ToList();
        var batches = new List<SymbolCommands.MinuteBars>();
        for (int start = 1; start < perSymbol; start += BatchSize)
        {
            foreach (string symbol in symbols)
            {
                batches.Add(new SymbolCommands.MinuteBars(symbol, new ArraySegment<Bar>(series[symbol], start, Math.Min(BatchSize, perSymbol - start))));
            }
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        var cluster = new NodeClusterSettings { Port = 0 };
        builder.Services.AddAkka("tickstock-bench", (akka, _) => akka
            .AddHocon("akka.loglevel = ERROR\nakka.stdout-loglevel = OFF\nakka.log-dead-letters = off", HoconAddMode.Prepend)
            .AddTickStockCluster(cluster)
            .AddSymbolSharding(cluster)
            .WithActors((system, registry) => registry.Register<PatternPipeline>(system.ActorOf(Props.Create(() => new CountingSink()), "null-pipeline"))));
        using IHost host = builder.Build();
        await host.StartAsync(ct).ConfigureAwait(false);
        try
        {
            var registry = host.Services.GetRequiredService<ActorRegistry>();
            var region = await registry.WaitForAsync<SymbolRegion>(TimeSpan.FromSeconds(30), ct).ConfigureAwait(false);
            long heapBefore = GC.GetTotalMemory(forceFullCollection: true);

            // Start every entity first: sharding start-up is not what is measured.
            await Task.WhenAll(symbols.Select(s => region.Ask<SymbolQueries.SymbolStatus>(new SymbolQueries.GetStatus(s), TimeSpan.FromSeconds(60), ct))).ConfigureAwait(false);
            await Task.WhenAll(firstBars.Select(first => region.Ask<SymbolCommands.Ack>(first, TimeSpan.FromSeconds(120), ct))).ConfigureAwait(false);

            var watch = Stopwatch.StartNew();
            using var inFlight = new SemaphoreSlim(symbolCount * 2);
            var pending = new List<Task>(batches.Count);
            foreach (var batch in batches)
            {
                await inFlight.WaitAsync(ct).ConfigureAwait(false);
                pending.Add(AskAsync(region, batch, inFlight, ct));
            }

            await Task.WhenAll(pending).ConfigureAwait(false);
            watch.Stop();
            pending.Clear();
            long heapAfter = GC.GetTotalMemory(forceFullCollection: true);
            GC.KeepAlive(batches);
            GC.KeepAlive(firstBars);
            return (watch.Elapsed.TotalSeconds * barCount / ((double)(perSymbol - 1) * symbolCount), (heapAfter - heapBefore) / (double)symbolCount);
        }
        finally
        {
            await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static async Task AskAsync(IActorRef region, SymbolCommands.MinuteBars batch, SemaphoreSlim inFlight, CancellationToken ct)
    {
        try
        {
            await region.Ask<SymbolCommands.Ack>(batch, TimeSpan.FromSeconds(120), ct).ConfigureAwait(false);
        }
        finally
        {
            inFlight.Release();
        }
    }

    /// <summary>The pattern pipeline stand-in: counts and drops.</summary>
    private sealed class CountingSink : ReceiveActor
    {
        private long _count;

        public CountingSink() => Receive<PatternCommands.PatternDetected>(_ => _count++);
    }
}
