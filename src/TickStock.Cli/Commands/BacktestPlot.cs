using System.Globalization;
using ScottPlot;
using ScottPlot.TickGenerators;
using TickStock.Core.Backtesting;

namespace TickStock.Cli.Commands;

/// <summary>`--plot FILE.png`: the equity curve above its drawdown (percent below the running peak), dates shared.</summary>
internal static class BacktestPlot
{
    private const int Width = 1200;
    private const int Height = 700;

    public static void Save(string path, BacktestResult result, IReadOnlyList<string> symbols, BacktestRequest request)
    {
        SimulationOutcome outcome = result.Outcome;
        // The series' first value is the capital before the first date; it is drawn on the first date.
        double[] xs = new double[outcome.Dates.Count];
        double[] equity = new double[outcome.Dates.Count];
        double[] drawdown = new double[outcome.Dates.Count];
        double peak = outcome.Equity[0];
        for (int i = 0; i < xs.Length; i++)
        {
            xs[i] = outcome.Dates[i].ToDateTime(TimeOnly.MinValue).ToOADate();
            equity[i] = outcome.Equity[i + 1];
            peak = Math.Max(peak, equity[i]);
            drawdown[i] = peak > 0 ? -(peak - equity[i]) / peak * 100 : 0;
        }

        var multiplot = new Multiplot();
        IMultiplot plots = multiplot;
        plots.AddPlots(2);
        Plot top = plots.GetPlot(0);
        Plot bottom = plots.GetPlot(1);

        var line = top.Add.Scatter(xs, equity);
        line.MarkerSize = 0;
        line.LineWidth = 1.5f;
        top.Add.HorizontalLine(request.Parameters.InitialCapital).LinePattern = LinePattern.Dashed;
        IsoDates(top);
        top.YLabel("equity");
        string names = symbols.Count <= 6 ? string.Join(", ", symbols) : $"{string.Join(", ", symbols.Take(6))} +{symbols.Count - 6}";
        top.Title(string.Create(CultureInfo.InvariantCulture, $"{names}  {BacktestJson.Date(request.Start)} … {BacktestJson.Date(request.End)}  " +
            $"roi {result.Roi * 100:0.00} %  max drawdown {result.MaxDrawdown * 100:0.00} %  {result.TotalTrades} trades"));

        bottom.Add.FillY(xs, drawdown, new double[xs.Length]);
        IsoDates(bottom);
        bottom.YLabel("drawdown %");

        var rows = new ScottPlot.MultiplotLayouts.DraggableRows();
        multiplot.Layout = rows;
        rows.SetHeights([Height * 0.65f, Height * 0.35f]);
        multiplot.SharedAxes.ShareX([top, bottom]);
        plots.SavePng(path, Width, Height);
    }

    private static void IsoDates(Plot plot)
    {
        if (plot.Axes.DateTimeTicksBottom().TickGenerator is DateTimeAutomatic ticks)
        {
            ticks.LabelFormatter = date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        }
    }
}
