using System.Diagnostics;
using System.Globalization;
using TickStock.Core.BarFiles;
using TickStock.Core.Bars;
using TickStock.Core.Detectors.Candles;

namespace TickStock.Benchmarks;

/// <summary>
/// The C# half of <c>tools/talib-golden/bench-ratio.sh</c>: the 12 candlesticks over the bars of one file, the same
/// file npm <c>talib</c> reads, so the two rates compare identical bars. Prints one JSON line.
/// Run: <c>dotnet tests/TickStock.Benchmarks/bin/Release/net10.0/TickStock.Benchmarks.dll candles-file FILE.csv [rounds]</c>.
/// </summary>
/// <remarks>
/// Not a BenchmarkDotNet job (that is <see cref="DetectorBenchmarks.Candlesticks"/>): the script alternates it with the
/// Node run, and a plain process keeps each half short. Warm-up runs long enough for tiered JIT and dynamic PGO to
/// reach the final code (several quiet 100 ms windows), then each timed round is one full pass; the median is reported.
/// </remarks>
internal static class CandleRatioRun
{
    private static readonly TimeSpan WarmupTime = TimeSpan.FromSeconds(2);

    public static int Run(string file, int rounds)
    {
        Bar[] bars;
        using (var reader = new StreamReader(file))
        {
            bars = [.. BarFileReader.Read(reader).Select(row => row.Bar)];
        }

        Bar[] head = bars[..Math.Min(bars.Length, 50_000)];
        var warmup = Stopwatch.StartNew();
        while (warmup.Elapsed < WarmupTime)
        {
            Scan(head);
        }

        // Wall time, and the process's CPU time: on a loaded machine the CPU time still says what a pass costs.
        var seconds = new double[Math.Max(1, rounds)];
        var cpuSeconds = new double[seconds.Length];
        using var process = Process.GetCurrentProcess();
        long fired = 0;
        for (int k = 0; k < seconds.Length; k++)
        {
            process.Refresh();
            TimeSpan cpu = process.TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            fired = Scan(bars);
            seconds[k] = watch.Elapsed.TotalSeconds;
            process.Refresh();
            cpuSeconds[k] = (process.TotalProcessorTime - cpu).TotalSeconds;
        }

        double median = Median(seconds);
        double cpuMedian = Median(cpuSeconds);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"bars\":{bars.Length},\"functions\":{CandlestickScanner.FunctionCount},\"seconds\":{median:0.######},\"cdl_bars_per_sec\":{bars.Length / median:0},\"cpu_seconds\":{cpuMedian:0.######},\"cdl_bars_per_cpu_sec\":{bars.Length / cpuMedian:0},\"fired\":{fired}}}"));
        return 0;
    }

    private static double Median(double[] values)
    {
        Array.Sort(values);
        return values[values.Length / 2];
    }

    private static long Scan(Bar[] bars)
    {
        var scanner = new CandlestickScanner();
        long fired = 0;
        foreach (ref readonly Bar bar in bars.AsSpan())
        {
            fired += scanner.OnBar(bar);
        }

        return fired;
    }
}
