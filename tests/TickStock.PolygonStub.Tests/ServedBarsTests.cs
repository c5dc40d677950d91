using System.Globalization;
using TickStock.Core.Polygon;
using Xunit;

namespace TickStock.PolygonStub.Tests;

/// <summary>
/// What the stub serves, stated plainly (the digest in <see cref="ServedBarsDigestTests"/> only proves that it did
/// not change): real CSV rows come back field for field at the right instant, and synthetic bars are well-formed
/// bars a provider could send. Instants are computed here with fixed offsets for the dates used (EDT = UTC−4 until
/// 2020-11-01, EST = UTC−5 after it and in January), not with the calendar code under test.
/// </summary>
public sealed class ServedBarsTests
{
    private static string SampleFile(string folder, string name) => Path.Combine(StubClient.RepoRoot(), "data", "sample", folder, name);

    private static decimal D(string s) => decimal.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static long UnixMs(DateTime naiveNewYork, int utcOffsetHours) =>
        new DateTimeOffset(naiveNewYork, TimeSpan.FromHours(utcOffsetHours)).ToUnixTimeMilliseconds();

    private static Task<PolygonStubServer> StartWithSamples() =>
        StubClient.Start(new PolygonStubOptions { Now = StubClient.DefaultNow, DataDirectory = Path.Combine(StubClient.RepoRoot(), "data", "sample") });

    [Fact]
    public async Task Real_minute_rows_are_served_field_for_field_at_their_eastern_start_minute()
    {
        var rows = File.ReadLines(SampleFile("minute", "SPY_2020-12-15_2020-12-18.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        await using var server = await StartWithSamples();
        using var http = StubClient.Client(server);
        var served = await StubClient.GetAll(http, "/v2/aggs/ticker/SPY/range/1/minute/2020-12-15/2020-12-18?limit=50000");

        Assert.Equal(1564, rows.Count); // 4 days × 391 minutes, 09:30–16:00
        Assert.Equal(rows.Count, served.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            var f = rows[i];
            var start = DateTime.ParseExact(f[0], "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
            var bar = served[i];
            Assert.Equal(UnixMs(start, -5), bar.StartUnixMs);
            Assert.Equal((D(f[1]), D(f[2]), D(f[3]), D(f[4]), D(f[5])), (bar.Open, bar.High, bar.Low, bar.Close, bar.Volume));
            Assert.Null(bar.Vwap); // the CSV has none; the stub does not invent one
        }

        // Readable spot checks: the first and the last row of the file.
        Assert.Equal(1608042600000, served[0].StartUnixMs); // 2020-12-15 09:30 EST = 14:30Z
        Assert.Equal((367.4m, 367.62m, 367.36m, 367.46m, 407870m), (served[0].Open, served[0].High, served[0].Low, served[0].Close, served[0].Volume));
        Assert.Equal(1608325200000, served[^1].StartUnixMs); // 2020-12-18 16:00 EST = 21:00Z
    }

    [Fact]
    public async Task Real_daily_rows_are_served_as_day_bars_starting_at_new_york_midnight()
    {
        var rows = File.ReadLines(SampleFile("daily", "SPY_2020-09-01_2021-01-12.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        await using var server = await StartWithSamples();
        using var http = StubClient.Client(server);
        var served = await StubClient.GetAll(http, "/v2/aggs/ticker/SPY/range/1/day/2020-09-01/2021-01-12");

        Assert.Equal(rows.Count, served.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            var f = rows[i];
            var date = DateTime.ParseExact(f[0], "yyyy-MM-dd", CultureInfo.InvariantCulture);
            var offset = date < new DateTime(2020, 11, 1) ? -4 : -5;
            var bar = served[i];
            Assert.Equal(UnixMs(date, offset), bar.StartUnixMs);
            // Columns: date,open,high,low,close,adj_close,volume; the unadjusted close is served.
            Assert.Equal((D(f[1]), D(f[2]), D(f[3]), D(f[4]), D(f[6])), (bar.Open, bar.High, bar.Low, bar.Close, bar.Volume));
        }
    }

    [Fact]
    public async Task Synthetic_minute_and_day_bars_are_well_formed()
    {
        await using var server = await StubClient.Start();
        using var http = StubClient.Client(server);
        var minutes = await StubClient.GetAll(http, "/v2/aggs/ticker/AAPL/range/1/minute/2025-01-13/2025-01-14?limit=50000");
        var days = await StubClient.GetAll(http, "/v2/aggs/ticker/AAPL/range/1/day/2024-01-01/2024-12-31");

        foreach (var bar in minutes.Concat(days))
        {
            Assert.True(bar.Low > 0, $"low {bar.Low} at {bar.StartUnixMs}");
            Assert.True(bar.Low <= Math.Min(bar.Open, bar.Close) && Math.Max(bar.Open, bar.Close) <= bar.High, $"OHLC {bar.Open}/{bar.High}/{bar.Low}/{bar.Close} at {bar.StartUnixMs}");
            Assert.True(bar.Vwap is { } vw && bar.Low <= vw && vw <= bar.High, $"vwap {bar.Vwap} outside {bar.Low}–{bar.High} at {bar.StartUnixMs}");
            Assert.True(bar.Volume > 0 && bar.Trades > 0, $"volume {bar.Volume}, trades {bar.Trades} at {bar.StartUnixMs}");
            foreach (var price in new[] { bar.Open, bar.High, bar.Low, bar.Close })
            {
                Assert.Equal(decimal.Truncate(price * 100), price * 100); // whole cents
            }
        }

        // Minutes: on minute boundaries, strictly increasing, inside 04:00–20:00 EST of the two days asked for.
        var from = UnixMs(new DateTime(2025, 1, 13, 4, 0, 0), -5);
        var to = UnixMs(new DateTime(2025, 1, 14, 20, 0, 0), -5);
        Assert.All(minutes, m => Assert.Equal(0, m.StartUnixMs % 60_000));
        Assert.All(minutes.Zip(minutes.Skip(1)), p => Assert.True(p.First.StartUnixMs < p.Second.StartUnixMs));
        Assert.All(minutes, m => Assert.InRange(m.StartUnixMs, from, to - 60_000));
        Assert.DoesNotContain(minutes, m => m.StartUnixMs >= UnixMs(new DateTime(2025, 1, 13, 20, 0, 0), -5) && m.StartUnixMs < UnixMs(new DateTime(2025, 1, 14, 4, 0, 0), -5));

        // Days: 252 sessions in 2024, none on Independence Day (a Thursday) or Christmas (a Wednesday).
        Assert.Equal(252, days.Count);
        Assert.DoesNotContain(days, d => d.StartUnixMs == UnixMs(new DateTime(2024, 7, 4), -4));
        Assert.DoesNotContain(days, d => d.StartUnixMs == UnixMs(new DateTime(2024, 12, 25), -5));
        Assert.Contains(days, d => d.StartUnixMs == UnixMs(new DateTime(2024, 7, 5), -4));
    }
}
