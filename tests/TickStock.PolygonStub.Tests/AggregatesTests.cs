using System.Globalization;
using System.Text.Json;
using TickStock.Core.Calendar;
using TickStock.Core.Polygon;
using Xunit;

namespace TickStock.PolygonStub.Tests;

public sealed class AggregatesTests
{
    private static DateTimeOffset Start(PolygonAggregate a) => DateTimeOffset.FromUnixTimeMilliseconds(a.StartUnixMs);

    [Fact]
    public async Task Envelope_fields_are_in_wire_order_with_request_id_header()
    {
        await using var server = await StubClient.Start();
        using var http = StubClient.Client(server);
        using var response = await http.GetAsync(new Uri("/v2/aggs/ticker/AAPL/range/1/day/2025-01-06/2025-01-10?adjusted=True", UriKind.Relative));
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        using var doc = JsonDocument.Parse(body);
        Assert.Equal(["ticker", "queryCount", "resultsCount", "adjusted", "results", "status", "request_id", "count"],
            doc.RootElement.EnumerateObject().Select(p => p.Name));
        var requestId = doc.RootElement.GetProperty("request_id").GetString()!;
        Assert.Matches("^[0-9a-f]{32}$", requestId);
        Assert.Equal(requestId, response.Headers.GetValues("X-Request-Id").Single());
        Assert.Equal(["v", "vw", "o", "c", "h", "l", "t", "n"], doc.RootElement.GetProperty("results")[0].EnumerateObject().Select(p => p.Name));

        // 2025-01-09 (Carter) closed: Mon, Tue, Wed, Fri.
        var page = PolygonResponseParser.ParseAggregates(body).Value!;
        Assert.Equal(4, page.ResultsCount);
        Assert.Equal([new DateOnly(2025, 1, 6), new DateOnly(2025, 1, 7), new DateOnly(2025, 1, 8), new DateOnly(2025, 1, 10)],
            page.Bars.Select(b => EasternTime.EasternDate(Start(b))));
        Assert.All(page.Bars, b => Assert.Equal(TimeSpan.Zero, EasternTime.ToEastern(Start(b)).TimeOfDay));
    }

    [Fact]
    public async Task Empty_ranges_and_nodata_tickers_omit_results()
    {
        await using var server = await StubClient.Start();
        using var http = StubClient.Client(server);
        foreach (var path in new[] { "/v2/aggs/ticker/AAPL/range/1/day/2025-01-11/2025-01-12", "/v2/aggs/ticker/NODATA1/range/1/day/2024-01-01/2024-12-31", "/v2/aggs/ticker/AAPL/range/1/minute/2025-01-09/2025-01-09" })
        {
            var body = await http.GetStringAsync(new Uri(path, UriKind.Relative));
            using var doc = JsonDocument.Parse(body);
            Assert.False(doc.RootElement.TryGetProperty("results", out _), path);
            Assert.Equal(0, doc.RootElement.GetProperty("resultsCount").GetInt32());
            Assert.Equal(0, doc.RootElement.GetProperty("queryCount").GetInt32());
            Assert.Equal("OK", doc.RootElement.GetProperty("status").GetString());
        }
    }

    [Fact]
    public async Task Minute_bars_cover_extended_hours_with_gaps_and_exponent_volumes_parse()
    {
        await using var server = await StubClient.Start();
        using var http = StubClient.Client(server);
        var bars = await StubClient.GetAll(http, "/v2/aggs/ticker/MSFT/range/1/minute/2025-01-14/2025-01-14?limit=50000");
        Assert.InRange(bars.Count, 600, 959); // some empty minutes
        var times = bars.Select(b => TimeOnly.FromDateTime(EasternTime.ToEastern(Start(b)))).ToList();
        Assert.True(times.Min() >= new TimeOnly(4, 0));
        Assert.True(times.Max() < new TimeOnly(20, 0));
        Assert.Contains(times, t => t < new TimeOnly(9, 30));
        Assert.Contains(times, t => t >= new TimeOnly(16, 0));
        Assert.Equal(bars.Count, bars.Select(b => b.StartUnixMs).Distinct().Count());
    }

    [Fact]
    public async Task Day_bar_is_the_aggregate_of_that_days_extended_hours_minutes()
    {
        await using var server = await StubClient.Start();
        using var http = StubClient.Client(server);
        foreach (var date in new[] { "2025-01-14", "2024-11-29" }) // a full day and an early close
        {
            var minutes = await StubClient.GetAll(http, $"/v2/aggs/ticker/NVDA/range/1/minute/{date}/{date}?limit=50000");
            var day = (await StubClient.GetAggs(http, $"/v2/aggs/ticker/NVDA/range/1/day/{date}/{date}")).Bars.Single();
            Assert.Equal(minutes[0].Open, day.Open);
            Assert.Equal(minutes[^1].Close, day.Close);
            Assert.Equal(minutes.Max(m => m.High), day.High);
            Assert.Equal(minutes.Min(m => m.Low), day.Low);
            Assert.Equal(minutes.Sum(m => m.Volume), day.Volume);
            Assert.Equal(EasternTime.StartOfDay(DateOnly.Parse(date, CultureInfo.InvariantCulture)).ToUnixTimeMilliseconds(), day.StartUnixMs);
        }

        var early = await StubClient.GetAll(http, "/v2/aggs/ticker/NVDA/range/1/minute/2024-11-29/2024-11-29?limit=50000");
        Assert.True(TimeOnly.FromDateTime(EasternTime.ToEastern(Start(early[^1]))) < new TimeOnly(17, 0));
    }

    [Theory]
    [InlineData("asc", 1000)]
    [InlineData("desc", 777)]
    public async Task Paging_returns_every_bar_exactly_once(string sort, int limit)
    {
        await using var server = await StubClient.Start();
        using var http = StubClient.Client(server);
        var whole = await StubClient.GetAll(http, "/v2/aggs/ticker/AAPL/range/1/minute/2025-01-06/2025-01-10?limit=50000&sort=asc");
        var first = await StubClient.GetAggs(http, $"/v2/aggs/ticker/AAPL/range/1/minute/2025-01-06/2025-01-10?limit={limit}&sort={sort}");
        Assert.NotNull(first.NextUrl);
        Assert.DoesNotContain("apiKey", first.NextUrl, StringComparison.Ordinal);
        Assert.Contains("?cursor=", first.NextUrl, StringComparison.Ordinal);
        Assert.Equal(limit, first.ResultsCount);
        var paged = await StubClient.GetAll(http, $"/v2/aggs/ticker/AAPL/range/1/minute/2025-01-06/2025-01-10?limit={limit}&sort={sort}");
        var expected = whole.Select(b => b.StartUnixMs).ToList();
        if (sort == "desc")
        {
            expected.Reverse();
        }

        Assert.Equal(expected, paged.Select(b => b.StartUnixMs));
        Assert.Equal(whole.Sum(b => b.Volume), paged.Sum(b => b.Volume));
    }

    [Fact]
    public async Task Hour_limit_counts_base_minutes_and_drops_no_bar()
    {
        await using var server = await StubClient.Start();
        using var http = StubClient.Client(server);
        var first = await StubClient.GetAggs(http, "/v2/aggs/ticker/AAPL/range/1/hour/2025-01-06/2025-01-10?limit=500");
        Assert.True(first.QueryCount <= 500);
        Assert.True(first.ResultsCount < first.QueryCount);
        var paged = await StubClient.GetAll(http, "/v2/aggs/ticker/AAPL/range/1/hour/2025-01-06/2025-01-10?limit=500");
        var whole = await StubClient.GetAll(http, "/v2/aggs/ticker/AAPL/range/1/hour/2025-01-06/2025-01-10?limit=50000");
        Assert.Equal(whole.Select(b => (b.StartUnixMs, b.Volume)), paged.Select(b => (b.StartUnixMs, b.Volume)));
        Assert.Equal(4 * 16, whole.Count);
    }

    [Fact]
    public async Task Week_and_month_bars_start_on_sunday_and_the_first()
    {
        await using var server = await StubClient.Start();
        using var http = StubClient.Client(server);
        var days = await StubClient.GetAll(http, "/v2/aggs/ticker/JPM/range/1/day/2024-01-01/2024-12-31");
        Assert.Equal(252, days.Count);
        var weeks = await StubClient.GetAll(http, "/v2/aggs/ticker/JPM/range/1/week/2024-01-01/2024-12-31");
        Assert.All(weeks, w => Assert.Equal(DayOfWeek.Sunday, EasternTime.EasternDate(Start(w)).DayOfWeek));
        var months = await StubClient.GetAll(http, "/v2/aggs/ticker/JPM/range/1/month/2024-01-01/2024-12-31");
        Assert.Equal(12, months.Count);
        Assert.All(months, m => Assert.Equal(1, EasternTime.EasternDate(Start(m)).Day));
        Assert.Equal(days.Sum(d => d.Volume), months.Sum(m => m.Volume));
        // Weeks snap outward to whole Sunday-based weeks: 2023-12-31 .. 2025-01-04.
        var weekDays = await StubClient.GetAll(http, "/v2/aggs/ticker/JPM/range/1/day/2023-12-31/2025-01-04");
        Assert.Equal(weekDays.Sum(d => d.Volume), weeks.Sum(m => m.Volume));
        Assert.All(days, d => Assert.True(NyseCalendar.IsTradingDay(EasternTime.EasternDate(Start(d)))));
    }

    [Fact]
    public async Task Nothing_after_now_and_ms_bounds_work()
    {
        var now = DateTimeOffset.Parse("2025-01-15T15:00:30Z", CultureInfo.InvariantCulture); // 10:00:30 EST
        await using var server = await StubClient.Start(new PolygonStubOptions { Now = now });
        using var http = StubClient.Client(server);
        var minutes = await StubClient.GetAll(http, "/v2/aggs/ticker/AAPL/range/1/minute/2025-01-15/2025-01-20?limit=50000");
        Assert.All(minutes, m => Assert.True(m.StartUnixMs + 60_000 <= now.ToUnixTimeMilliseconds()));
        var lastExpected = EasternTime.FromEastern(new DateOnly(2025, 1, 15), new TimeOnly(9, 59)).ToUnixTimeMilliseconds();
        Assert.InRange(minutes.Max(m => m.StartUnixMs), lastExpected - (5 * 60_000), lastExpected);
        var days = await StubClient.GetAll(http, "/v2/aggs/ticker/AAPL/range/1/day/2025-01-13/2025-01-31");
        Assert.Equal(3, days.Count); // 13, 14 and the partial 15th
        var fromMs = EasternTime.FromEastern(new DateOnly(2025, 1, 14), new TimeOnly(9, 30)).ToUnixTimeMilliseconds();
        var toMs = fromMs + (59 * 60_000);
        var hour = await StubClient.GetAll(http, $"/v2/aggs/ticker/AAPL/range/1/minute/{fromMs}/{toMs}");
        Assert.All(hour, m => Assert.InRange(m.StartUnixMs, fromMs, toMs));
        Assert.InRange(hour.Count, 50, 60);
    }

    [Fact]
    public async Task Real_csv_bars_are_served_and_synthetic_fills_elsewhere()
    {
        await using var server = await StubClient.Start(new PolygonStubOptions { Now = StubClient.DefaultNow, DataDirectory = Path.Combine(StubClient.RepoRoot(), "data", "sample") });
        using var http = StubClient.Client(server);
        var minutes = await StubClient.GetAll(http, "/v2/aggs/ticker/SPY/range/1/minute/2020-12-15/2020-12-15?limit=50000");
        Assert.Equal(391, minutes.Count);
        Assert.Equal(367.4m, minutes[0].Open);
        Assert.Equal(407870m, minutes[0].Volume);
        var day = (await StubClient.GetAggs(http, "/v2/aggs/ticker/SPY/range/1/day/2020-09-01/2020-09-01")).Bars.Single();
        Assert.Equal(350.209991m, day.Open);
        Assert.Equal(54999300m, day.Volume);
        var synthetic = await StubClient.GetAll(http, "/v2/aggs/ticker/SPY/range/1/minute/2024-06-03/2024-06-03?limit=50000");
        Assert.True(synthetic.Count > 391);
        var grouped = await http.GetStringAsync(new Uri("/v2/aggs/grouped/locale/us/market/stocks/2020-12-15", UriKind.Relative));
        var groupedPage = PolygonResponseParser.ParseAggregates(grouped).Value!;
        Assert.Contains(groupedPage.Bars, b => b.Ticker == "SPY");
        Assert.Null(groupedPage.Ticker);
    }

    [Fact]
    public async Task Synthetic_bars_are_deterministic_across_servers()
    {
        string a, b;
        await using (var s1 = await StubClient.Start())
        {
            using var http = StubClient.Client(s1);
            a = JsonSerializer.Serialize((await StubClient.GetAggs(http, "/v2/aggs/ticker/TSLA/range/1/day/2024-01-01/2024-03-01")).Bars);
        }

        await using (var s2 = await StubClient.Start())
        {
            using var http = StubClient.Client(s2);
            b = JsonSerializer.Serialize((await StubClient.GetAggs(http, "/v2/aggs/ticker/TSLA/range/1/day/2024-01-01/2024-03-01")).Bars);
        }

        Assert.Equal(a, b);
    }

    /// <summary>
    /// A year of minutes for five symbols pages through completely: every bar once, each on a trading
    /// day. How fast the stub serves it is measured by the benchmarks project, not asserted here:
    /// <c>dotnet run -c Release --project tests/TickStock.Benchmarks -- --filter '*StubBenchmarks.MinutesOneYearFiveSymbols*' --job short</c>.
    /// </summary>
    [Fact]
    public async Task A_year_of_minutes_for_many_symbols_pages_completely()
    {
        await using var server = await StubClient.Start();
        using var http = StubClient.Client(server);
        var total = 0;
        foreach (var ticker in new[] { "S1", "S2", "S3", "S4", "S5" })
        {
            var bars = await StubClient.GetAll(http, $"/v2/aggs/ticker/{ticker}/range/1/minute/2024-01-01/2024-12-31?limit=50000");
            Assert.Equal(bars.Count, bars.Select(b => b.StartUnixMs).Distinct().Count());
            Assert.All(bars, b => Assert.True(NyseCalendar.IsTradingDay(EasternTime.EasternDate(Start(b)))));
            Assert.Equal(252, bars.Select(b => EasternTime.EasternDate(Start(b))).Distinct().Count());
            total += bars.Count;
        }

        Assert.InRange(total, 5 * 252 * 500, 5 * 252 * 960);
    }
}
