using TickStock.Core.Calendar;
using TickStock.Core.Polygon;
using Xunit;

namespace TickStock.Core.Tests.Polygon;

public sealed class PolygonResponseParserTests
{
    private static byte[] Fixture(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "TestData", name));

    [Fact]
    public void Recorded_asc_daily_response_with_exponent_volumes()
    {
        var r = PolygonResponseParser.ParseAggregates(Fixture("aggs_AAPL_1_day_2023-01-01_2023-01-10_asc.openbb-vcr.json"));
        Assert.True(r.Succeeded, r.Error);
        var page = r.Value!;
        Assert.Equal("AAPL", page.Ticker);
        Assert.Equal(6, page.ResultsCount);
        Assert.Equal(6, page.Count);
        Assert.Equal("7b7ea352e9d8d54ea2e3d3e21ff097c7", page.RequestId);
        Assert.True(page.IsSuccessStatus);
        Assert.Null(page.NextUrl);
        Assert.Equal(112117471m, page.Bars[0].Volume);
        var bar = page.Bars[0].ToBar();
        Assert.Equal(112117471L, bar.Volume);
        Assert.Equal(130.28m, bar.Open);
        Assert.Equal(new DateOnly(2023, 1, 3), EasternTime.EasternDate(bar.Start));
        Assert.DoesNotContain(page.Bars, b => EasternTime.EasternDate(DateTimeOffset.FromUnixTimeMilliseconds(b.StartUnixMs)) == new DateOnly(2023, 1, 2));
        Assert.All(page.Bars, b => Assert.True(NyseCalendar.IsTradingDay(EasternTime.EasternDate(DateTimeOffset.FromUnixTimeMilliseconds(b.StartUnixMs)))));
    }

    [Fact]
    public void Recorded_desc_response_is_newest_first()
    {
        var page = PolygonResponseParser.ParseAggregates(Fixture("aggs_AAPL_1_day_2023-01-01_2023-01-10_desc.openbb-vcr.json")).Value!;
        Assert.True(page.Bars[0].StartUnixMs > page.Bars[^1].StartUnixMs);
    }

    [Fact]
    public void Recorded_client_python_response_spans_a_dst_change()
    {
        var page = PolygonResponseParser.ParseAggregates(Fixture("aggs_AAPL_1_day_2005-04-01_2005-04-04.client-python.json")).Value!;
        Assert.Equal([new DateOnly(2005, 4, 1), new DateOnly(2005, 4, 4)], page.Bars.Select(b => EasternTime.EasternDate(b.ToBar().Start)));
        Assert.Equal(82132, page.Bars[0].Trades);
    }

    [Fact]
    public void Recorded_grouped_daily_has_a_ticker_per_row_and_no_envelope_ticker()
    {
        var page = PolygonResponseParser.ParseAggregates(Fixture("grouped_daily_us_stocks_2005-04-04.client-python.json")).Value!;
        Assert.Null(page.Ticker);
        Assert.Equal("GIK", page.Bars.Single().Ticker);
        Assert.Equal(1602705600000, page.Bars.Single().StartUnixMs);
    }

    [Fact]
    public void Recorded_upcoming_holidays_agree_with_the_calendar()
    {
        var rows = PolygonResponseParser.ParseUpcomingHolidays(Fixture("marketstatus_upcoming_2022.client-python.json")).Value!;
        Assert.NotEmpty(rows);
        foreach (var row in rows.Where(r => r.Exchange == "NYSE"))
        {
            var date = DateOnly.ParseExact(row.Date!, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            if (row.Status == "closed")
            {
                Assert.True(NyseCalendar.IsHoliday(date), row.Date);
            }
            else
            {
                Assert.Equal("early-close", row.Status);
                var session = NyseCalendar.GetSession(date)!;
                Assert.True(session.IsEarlyClose, row.Date);
                Assert.Equal(row.Close, session.CloseUtc);
                Assert.Equal(row.Open, session.OpenUtc);
            }
        }
    }

    [Fact]
    public void Recorded_tickers_page_has_a_next_url()
    {
        var page = PolygonResponseParser.ParseTickersPage(Fixture("v3_reference_tickers_page1.client-python.json")).Value!;
        Assert.Equal(["A", "AA"], page.Results!.Select(t => t.Ticker));
        Assert.StartsWith("https://api.massive.com/v3/reference/tickers?cursor=", page.NextUrl, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"ticker":"XYZ","queryCount":0,"resultsCount":0,"adjusted":true,"status":"OK","request_id":"abc","count":0}""")]
    [InlineData("""{"ticker":"XYZ","queryCount":0,"resultsCount":0,"adjusted":true,"results":null,"status":"OK","request_id":"abc"}""")]
    public void Empty_results_are_an_empty_list(string body)
    {
        var page = PolygonResponseParser.ParseAggregates(body).Value!;
        Assert.Empty(page.Bars);
        Assert.True(page.IsSuccessStatus);
    }

    [Fact]
    public void Error_bodies_are_described_not_thrown()
    {
        var html = PolygonResponseParser.DescribeError(504, "<html><head><title>504 Gateway Time-out</title></head><body>nginx/1.19.2</body></html>");
        Assert.False(html.IsJson);
        Assert.Equal("HTTP 504: 504 Gateway Time-out", html.Text);
        Assert.False(PolygonResponseParser.ParseAggregates("<html>oops</html>").Succeeded);

        var throttled = PolygonResponseParser.DescribeError(429, """{"status":"ERROR","request_id":"r1","error":"You've exceeded the maximum requests per minute"}""");
        Assert.Equal("ERROR", throttled.Status);
        Assert.Equal("r1", throttled.RequestId);
        Assert.StartsWith("You've exceeded", throttled.Text, StringComparison.Ordinal);

        var forbidden = PolygonResponseParser.DescribeError(403, """{"status":"NOT_AUTHORIZED","request_id":"r2","message":"Your plan doesn't include this data timeframe."}""");
        Assert.Equal("NOT_AUTHORIZED", forbidden.Status);
        Assert.StartsWith("Your plan", forbidden.Text, StringComparison.Ordinal);
        Assert.Equal("HTTP 502", PolygonResponseParser.DescribeError(502, "").Text);
    }
}
