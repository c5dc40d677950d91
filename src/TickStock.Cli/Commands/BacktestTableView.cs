using System.Globalization;
using Spectre.Console;
using TickStock.Core.Backtesting;
using TickStock.Core.Detectors;

namespace TickStock.Cli.Commands;

/// <summary>The human view of a backtest: a summary, the per-pattern table, the equity curve in text, and optionally the trades.</summary>
internal static class BacktestTableView
{
    private const int ChartWidth = 60;
    private const int ChartHeight = 10;

    public static void Write(IReadOnlyList<string> symbols, BacktestRequest request, BacktestResult result, bool trades)
    {
        if (Console.IsOutputRedirected)
        {
            // A file or a pipe has no width; Spectre's 80 columns would wrap the tables into unreadable cells.
            AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 132);
        }

        AnsiConsole.Write(new Rule(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"Backtest {BacktestJson.Date(request.Start)} … {BacktestJson.Date(request.End)}: {Names(symbols)}"))).LeftJustified());
        AnsiConsole.Write(Summary(request, result));
        AnsiConsole.Write(PerPattern(result));
        AnsiConsole.Write(EquityChart(result));
        if (trades)
        {
            AnsiConsole.Write(Trades(result));
        }
    }

    private static string Names(IReadOnlyList<string> symbols) =>
        symbols.Count <= 8 ? string.Join(", ", symbols) : string.Join(", ", symbols.Take(8)) + string.Create(CultureInfo.InvariantCulture, $" and {symbols.Count - 8} more");

    private static Grid Summary(BacktestRequest request, BacktestResult result)
    {
        SimulationOutcome o = result.Outcome;
        var grid = new Grid().AddColumn().AddColumn();
        void Row(string name, string value) => grid.AddRow(Markup.Escape(name), Markup.Escape(value));
        Row("final equity", Money(result.FinalEquity) + "  (from " + Money(request.Parameters.InitialCapital) + ")");
        Row("roi", Percent(result.Roi));
        Row("trades", Invariant($"{result.TotalTrades}  (win rate {Percent(result.WinRate)})"));
        Row("sharpe ratio", result.SharpeRatio.ToString("0.00", CultureInfo.InvariantCulture));
        Row("max drawdown", Percent(result.MaxDrawdown));
        Row("signals", Invariant($"{o.SignalCount}  (skipped: ") + string.Join(", ",
            BacktestNames.SkipReasons.Where(r => o.Skipped[(int)r] > 0).Select(r => Invariant($"{BacktestNames.Of(r)} {o.Skipped[(int)r]}"))
                .DefaultIfEmpty("none")) + ")");
        Row("days", Invariant($"{o.Dates.Count}"));
        return grid;
    }

    private static Table PerPattern(BacktestResult result)
    {
        var table = new Table { Title = new TableTitle("per pattern (* fewer than 30 trades; exits stop/target/time/end)") }
            .AddColumns("pattern", "signals", "trades", "win %", "avg %", "PF", "expectancy", "bars", "exits", "fwd 5 %");
        foreach (PatternStatistics p in result.PerPattern)
        {
            ForwardReturn five = p.Forward.First(f => f.Horizon == 5);
            bool none = p.Trades == 0;
            table.AddRow(
                Markup.Escape(p.Pattern + (p.LowSample ? "*" : string.Empty)),
                Invariant($"{p.Signals}"),
                Invariant($"{p.Trades}"),
                none ? "–" : Number(p.WinRate * 100),
                none ? "–" : Number(p.AverageReturn * 100),
                p.ProfitFactor is { } pf ? Number(pf) : "–",
                none ? "–" : Money(p.Expectancy),
                none ? "–" : p.AverageBarsHeld.ToString("0.0", CultureInfo.InvariantCulture),
                string.Join('/', BacktestNames.ExitReasons.Select(r => p.Exits[(int)r].ToString(CultureInfo.InvariantCulture))),
                five.Mean is { } mean ? Number(mean * 100) : "–");
        }

        foreach (int column in new[] { 1, 2, 3, 4, 5, 6, 7, 9 })
        {
            table.Columns[column].RightAligned();
        }

        return table;
    }

    private static Panel EquityChart(BacktestResult result)
    {
        IReadOnlyList<double> equity = result.Outcome.Equity;
        string[] lines = TextChart.Render(equity, ChartWidth, ChartHeight);
        string top = Money(equity.Max());
        string bottom = Money(equity.Min());
        int labelWidth = Math.Max(top.Length, bottom.Length);
        var body = new List<string>(lines.Length + 1);
        for (int i = 0; i < lines.Length; i++)
        {
            string label = i == 0 ? top : i == lines.Length - 1 ? bottom : string.Empty;
            body.Add(label.PadLeft(labelWidth) + " │" + lines[i]);
        }

        IReadOnlyList<DateOnly> dates = result.Outcome.Dates;
        if (dates.Count > 0)
        {
            string first = BacktestJson.Date(dates[0]);
            string last = BacktestJson.Date(dates[^1]);
            int span = Math.Min(ChartWidth, equity.Count);
            body.Add(new string(' ', labelWidth + 2) + first + last.PadLeft(Math.Max(1, span - first.Length)));
        }

        return new Panel(Markup.Escape(string.Join('\n', body))) { Header = new PanelHeader("equity") };
    }

    private static Table Trades(BacktestResult result)
    {
        var table = new Table { Title = new TableTitle("trades") }
            .AddColumns("symbol", "pattern", "side", "entry", "price", "qty", "exit", "price", "reason", "pnl", "return", "bars");
        foreach (Trade t in result.Outcome.Trades)
        {
            table.AddRow(
                Markup.Escape(t.Symbol), t.Pattern, BacktestNames.Of(t.Side), BacktestJson.Date(t.EntryDate),
                Price(t.EntryPrice), Invariant($"{t.Quantity}"), BacktestJson.Date(t.ExitDate), Price(t.ExitPrice),
                BacktestNames.Of(t.Reason), Money(t.Pnl), Percent(t.Return), Invariant($"{t.BarsHeld}"));
        }

        foreach (int column in new[] { 4, 5, 7, 9, 10, 11 })
        {
            table.Columns[column].RightAligned();
        }

        return table;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string Money(double value) => BacktestJson.Money(value).ToString("#,0.00", CultureInfo.InvariantCulture);

    private static string Price(double value) => BacktestJson.Money(value).ToString("0.00##", CultureInfo.InvariantCulture);

    private static string Number(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);

    private static string Percent(double fraction) => (fraction * 100).ToString("0.00", CultureInfo.InvariantCulture) + " %";
}
