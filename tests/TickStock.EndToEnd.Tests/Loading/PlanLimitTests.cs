using TickStock.PolygonStub;

namespace TickStock.EndToEnd.Tests.Loading;

/// <summary>Provider plan limits (403 NOT_AUTHORIZED, issue 18.8): load what the plan allows and say what it left out.</summary>
public class PlanLimitTests
{
    private const string Now = "2024-07-05T21:00:00Z";
    private static readonly TimeSpan JobTimeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task History_before_the_plan_is_clipped_with_a_warning_and_refused_minutes_leave_the_daily_rows_and_a_successful_symbol()
    {
        await using var stub = await RecordingStub.StartAsync(new PolygonStubOptions
        {
            RequiredApiKey = "plan-key",
            Now = DateTimeOffset.Parse(Now, System.Globalization.CultureInfo.InvariantCulture),
            Faults = new PolygonStubFaults { PlanHistoryStart = new DateOnly(2024, 1, 2), PathRules = [new PathFaultRule("/NOMIN/range/1/minute/", 403)] },
        });
        await using var h = await LoadingHarness.CreateAsync("plan");
        var daemon = await h.StartDaemonAsync(Now, new Dictionary<string, string?>
        {
            ["POLYGON_API_KEY"] = "plan-key",
            ["POLYGON_BASE_URL"] = stub.BaseUrl,
            ["POLYGON_RATE_PER_MIN"] = "1000000",
            ["POLYGON_PLAN_HISTORY_YEARS"] = "0.5", // half a year back from 2024-07-05: 2024-01-06, inside what the stub's plan serves
        });

        // A year of day bars on a plan that serves half a year: the request is clipped, the symbol loads.
        await h.PublishAsync(LoadingHarness.Job("p-1", "historical_load", "\"symbols\":[\"AAPL\"],\"years\":1,\"timespan\":\"day\""));
        var clipped = (await h.WaitForEndAsync("p-1", JobTimeout, daemon))[^1];
        Assert.True(clipped.Str("status") == "completed", clipped.ToString());
        Assert.Equal(new[] { "AAPL" }, clipped.Strings("successful_symbols"));
        Assert.Contains("not authorized by the provider plan (403)", clipped.GetProperty("errors").Str("AAPL"), StringComparison.Ordinal);
        Assert.Equal(0, await h.CountAsync("SELECT count(*) FROM ohlcv_daily WHERE date < '2024-01-06'"));
        Assert.True(await h.CountAsync("SELECT count(*) FROM ohlcv_daily WHERE symbol = 'AAPL'") > 100);

        // Day and minute bars, minutes refused: the daily rows stand and the symbol counts as loaded, with a warning.
        await h.PublishAsync(LoadingHarness.Job("p-2", "multi_timeframe_load", "\"symbols\":[\"NOMIN\"],\"timeframes\":[\"day\",\"minute\"],\"years\":0.02"));
        var noMinutes = (await h.WaitForEndAsync("p-2", JobTimeout, daemon))[^1];
        Assert.True(noMinutes.Str("status") == "completed", noMinutes.ToString());
        Assert.Equal(new[] { "NOMIN" }, noMinutes.Strings("successful_symbols"));
        Assert.Contains("minute bars not loaded", noMinutes.GetProperty("errors").Str("NOMIN"), StringComparison.Ordinal);
        Assert.Equal(5, noMinutes.GetProperty("rows").GetProperty("ohlcv_daily").GetInt64());
        Assert.Equal(0, await h.CountAsync("SELECT count(*) FROM ohlcv_1min WHERE symbol = 'NOMIN'"));
    }
}
