namespace TickStock.Benchmarks;

internal static class Program
{
    private static int Main(string[] args)
    {
        // `candles-file FILE [rounds]`: the plain timed run tools/talib-golden/bench-ratio.sh compares with npm talib.
        if (args.Length >= 2 && args[0] == "candles-file")
        {
            return CandleRatioRun.Run(args[1], args.Length >= 3 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 5);
        }

        BenchmarkDotNet.Running.BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
