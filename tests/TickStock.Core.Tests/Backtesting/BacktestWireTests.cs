using System.Text.Json;
using TickStock.Core.Backtesting;
using TickStock.Core.Calendar;
using Xunit;

namespace TickStock.Core.Tests.Backtesting;

/// <summary>Contract §5's progress and result messages, the progress arithmetic, and the history a job needs.</summary>
public sealed class BacktestWireTests
{
    private static readonly DateTimeOffset T0 = new(2024, 7, 5, 21, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Progress_has_the_contracts_keys_in_order_with_a_fraction_and_unix_times()
    {
        var json = BacktestWire.Progress("j", 0.4242424, "AAPL", T0.AddSeconds(10), T0);
        Assert.Equal(
            """{"event_type":"backtest_progress","source":"TickStockPL","timestamp":1720213200.0,"job_id":"j","progress":0.424242,"current_symbol":"AAPL","estimated_completion":1720213210.0,"status":"running"}""",
            json);
    }

    [Fact]
    public void A_failed_or_cancelled_result_has_null_results_and_the_reason()
    {
        using var doc = JsonDocument.Parse(BacktestWire.Ended("j", BacktestStatus.Cancelled, "cancelled by a cancel_job request", T0));
        Assert.Equal(["event_type", "source", "timestamp", "job_id", "status", "results", "error_message"], doc.RootElement.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal("cancelled", doc.RootElement.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("results").ValueKind);
        Assert.Throws<ArgumentException>(() => BacktestWire.Ended("j", BacktestStatus.Completed, "x", T0));
    }

    [Fact]
    public void Progress_counts_two_units_per_symbol_and_one_for_the_simulation_and_estimates_at_the_pace_so_far()
    {
        var progress = new BacktestProgress(2, T0);
        Assert.Equal(0, progress.Fraction);
        Assert.Equal(T0.AddSeconds(10), progress.EstimatedCompletion(T0.AddSeconds(5))); // no pace yet: 1 s per unit left
        progress.Advance(2);
        Assert.Equal(0.4, progress.Fraction);
        Assert.Equal(T0.AddSeconds(4 + 6), progress.EstimatedCompletion(T0.AddSeconds(4))); // 2 units in 4 s, 3 left
        progress.Advance(10);
        Assert.Equal(1, progress.Fraction);
    }

    [Fact]
    public void The_history_window_starts_300_sessions_before_the_range_and_ends_at_the_last_complete_session()
    {
        var window = BacktestHistoryWindow.Needed(new DateOnly(2024, 1, 2), new DateOnly(2024, 12, 31), T0)!;
        Assert.Equal(301, NyseCalendar.TradingDays(window.FirstDate, new DateOnly(2024, 1, 2)).Count());
        Assert.Equal(new DateOnly(2024, 7, 5), window.LastDate);
        Assert.Null(BacktestHistoryWindow.Needed(new DateOnly(2024, 7, 8), new DateOnly(2024, 8, 1), T0));
        var years = BacktestHistoryWindow.LoadYears(window, T0)!.Value;
        Assert.True(T0.AddDays(-years * 365.25) <= EasternTime.StartOfDay(window.FirstDate));
        Assert.Null(BacktestHistoryWindow.LoadYears(window with { FirstDate = new DateOnly(1990, 1, 2) }, T0));
    }
}
