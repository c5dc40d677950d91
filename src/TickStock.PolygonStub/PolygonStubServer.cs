using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TickStock.Core.Calendar;

namespace TickStock.PolygonStub;

/// <summary>
/// A local Polygon/Massive-compatible server (see shared/spec/polygon-api.md §6 and §7): aggregates,
/// grouped daily, upcoming market holidays and the v3 tickers reference, with both auth styles and
/// fault injection, and the stocks WebSocket (<c>/stocks</c>, minute aggregates) with its own faults. Start it with <see cref="StartAsync"/>, or map it into another app with
/// <see cref="MapPolygonStub"/>.
/// </summary>
public sealed class PolygonStubServer : IAsyncDisposable
{
    private PolygonStubServer(WebApplication app, string baseUrl, PolygonStubStats stats, TimeProvider clock)
    {
        App = app;
        BaseUrl = baseUrl;
        Stats = stats;
        MarketClock = clock;
    }

    /// <summary>The clock of the stub's market (REST horizon and stream minutes).</summary>
    public TimeProvider MarketClock { get; }

    /// <summary>Re-anchors a <see cref="PolygonStubOptions.ClockSpeed"/> clock (the feed benchmark freezes it, then puts a minute boundary just ahead).</summary>
    public void SetMarketClock(DateTimeOffset marketNow, double speed)
    {
        if (MarketClock is not ScaledTimeProvider scaled) throw new InvalidOperationException("the stub was started without ClockSpeed");
        scaled.Set(marketNow, speed);
    }

    /// <summary>The running web application.</summary>
    public WebApplication App { get; }

    /// <summary>The bound base URL without trailing slash, e.g. <c>http://127.0.0.1:54321</c>.</summary>
    public string BaseUrl { get; }

    /// <summary>Request counters.</summary>
    public PolygonStubStats Stats { get; }

    /// <summary>Starts Kestrel on <see cref="PolygonStubOptions.Host"/>:<see cref="PolygonStubOptions.Port"/> (0 = ephemeral).</summary>
    public static async Task<PolygonStubServer> StartAsync(PolygonStubOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
        builder.WebHost.UseUrls(string.Create(CultureInfo.InvariantCulture, $"http://{options.Host}:{options.Port}"));
        var app = builder.Build();
        var stats = app.MapPolygonStub(options);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new PolygonStubServer(app, address.TrimEnd('/'), stats, stats.MarketClock ?? options.Time);
    }

    public Task StopAsync(CancellationToken cancellationToken = default) => App.StopAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync().ConfigureAwait(false);
        await App.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>Maps the stub's endpoints onto any ASP.NET Core app (the daemon embeds it this way).</summary>
public static class PolygonStubEndpoints
{
    private const int FlushEveryBars = 1000;

    private const string RateLimitText = "You've exceeded the maximum requests per minute, please wait or upgrade your subscription to continue. https://polygon.io/pricing";
    private const string NotAuthorizedText = "Your plan doesn't include this data timeframe. Please upgrade your plan at https://polygon.io/pricing";

    /// <summary>Maps the endpoints and the auth/fault middleware; returns the request counters.</summary>
    public static PolygonStubStats MapPolygonStub(this WebApplication app, PolygonStubOptions options)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(options);
        var stats = new PolygonStubStats();
        var faults = new FaultInjector(options.Faults, options.Time);
        var data = new MarketData(options.DataDirectory);
        if (options.ClockSpeed is { } speed && options.Now is { } start)
        {
            // The market's clock (REST horizon and stream minutes) runs from Now; the rate-limit window keeps real time.
            options = options with { Now = null, Time = new ScaledTimeProvider(start, speed, options.Time) };
        }

        stats.MarketClock = options.Time;
        var stream = new StreamEndpoint(options, data, stats);
        app.Lifetime.ApplicationStopping.Register(stream.Stop);
        app.UseWebSockets();
        app.Map("/stocks", stream.AcceptAsync);

        app.Use(async (context, next) =>
        {
            var path = context.Request.Path.Value ?? string.Empty;
            var isApi = path.StartsWith("/v1/", StringComparison.Ordinal) || path.StartsWith("/v2/", StringComparison.Ordinal) || path.StartsWith("/v3/", StringComparison.Ordinal);
            if (!isApi)
            {
                await next(context).ConfigureAwait(false);
                return;
            }

            stats.Request(path.StartsWith("/v2/aggs/ticker/", StringComparison.Ordinal));
            context.Response.OnStarting(() =>
            {
                stats.Responded(context.Response.StatusCode);
                return Task.CompletedTask;
            });

            var requestId = Wire.NewRequestId();
            context.Items["request_id"] = requestId;
            context.Response.Headers["X-Request-Id"] = requestId;
            context.Response.Headers["Server"] = "nginx/1.19.2";

            if (faults.Decide(path) is { } status)
            {
                await WriteFault(context, status, requestId, options.Faults.RetryAfterSeconds).ConfigureAwait(false);
                return;
            }

            if (options.RequiredApiKey is { } required)
            {
                var key = ApiKeyOf(context.Request);
                if (key is null)
                {
                    await WriteError(context, 401, "ERROR", requestId, "error", "API Key was not provided").ConfigureAwait(false);
                    return;
                }

                if (!string.Equals(key, required, StringComparison.Ordinal))
                {
                    await WriteError(context, 401, "ERROR", requestId, "error", "Unknown API Key").ConfigureAwait(false);
                    return;
                }
            }

            await next(context).ConfigureAwait(false);
        });

        app.MapGet("/v2/aggs/ticker/{ticker}/range/{multiplier}/{timespan}/{from}/{to}",
            (HttpContext ctx, string ticker, string multiplier, string timespan, string from, string to) =>
                Aggregates(ctx, options, data, ticker, multiplier, timespan, from, to));
        app.MapGet("/v2/aggs/grouped/locale/us/market/stocks/{date}", (HttpContext ctx, string date) => Grouped(ctx, options, data, date));
        app.MapGet("/v1/marketstatus/upcoming", (HttpContext ctx) => Upcoming(ctx, options));
        app.MapGet("/v3/reference/tickers", (HttpContext ctx) => Tickers(ctx, options, data));
        app.MapGet("/v3/reference/tickers/{ticker}", (HttpContext ctx, string ticker) => TickerDetails(ctx, options, data, ticker));
        return stats;
    }

    private static string? ApiKeyOf(HttpRequest request)
    {
        var auth = request.Headers.Authorization.ToString();
        if (auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && auth.Length > 7)
        {
            return auth[7..].Trim();
        }

        var query = request.Query["apiKey"].ToString();
        return query.Length > 0 ? query : null;
    }

    private static async Task Aggregates(HttpContext ctx, PolygonStubOptions options, MarketData data, string ticker, string multiplierText, string timespanText, string fromText, string toText)
    {
        var requestId = (string)ctx.Items["request_id"]!;
        var query = ctx.Request.Query;
        if (!int.TryParse(multiplierText, NumberStyles.None, CultureInfo.InvariantCulture, out var multiplier) || multiplier < 1 || multiplier > 1000
            || !AggregateSeries.TryParseTimespan(timespanText, out var timespan))
        {
            await WriteError(ctx, 400, "ERROR", requestId, "error", "Could not parse the multiplier or timespan (supported: minute, hour, day, week, month).").ConfigureAwait(false);
            return;
        }

        var fromBound = AggregateSeries.ParseBound(fromText);
        var toBound = AggregateSeries.ParseBound(toText);
        if (fromBound is null || toBound is null)
        {
            await WriteError(ctx, 400, "ERROR", requestId, "error", "Could not parse the time parameter: use YYYY-MM-DD or a Unix millisecond timestamp.").ConfigureAwait(false);
            return;
        }

        var (cursorLimit, cursorSort) = query.TryGetValue("cursor", out var cursor) ? Wire.DecodeCursor(cursor.ToString()) : (null, null);
        var sort = cursorSort ?? (query.TryGetValue("sort", out var s) ? s.ToString() : "asc");
        if (sort is not ("asc" or "desc"))
        {
            await WriteError(ctx, 400, "ERROR", requestId, "error", "sort must be asc or desc").ConfigureAwait(false);
            return;
        }

        var limit = 5000;
        if (cursorLimit is { } cl)
        {
            limit = cl;
        }
        else if (query.TryGetValue("limit", out var l) && !int.TryParse(l.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out limit))
        {
            await WriteError(ctx, 400, "ERROR", requestId, "error", "limit must be a positive integer").ConfigureAwait(false);
            return;
        }

        limit = Math.Clamp(limit, 1, 50_000);
        var adjusted = !query.TryGetValue("adjusted", out var adj) || !string.Equals(adj.ToString(), "false", StringComparison.OrdinalIgnoreCase);

        var from = AggregateSeries.SnapBack(fromBound.Value.Instant, timespan);
        var toInclusive = toBound.Value.IsDate ? EasternTime.StartOfDay(EasternTime.EasternDate(toBound.Value.Instant).AddDays(1)).AddMilliseconds(-1) : toBound.Value.Instant;
        var toEnd = AggregateSeries.SnapForward(toInclusive, timespan);
        if (from >= toEnd)
        {
            await WriteError(ctx, 400, "ERROR", requestId, "error", "The 'from' parameter must be before or equal to the 'to' parameter.").ConfigureAwait(false);
            return;
        }

        var now = options.CurrentNow();
        var faults = options.Faults;
        if ((faults.PlanHistoryStart is { } earliest && EasternTime.EasternDate(from) < earliest)
            || (faults.ForbidFutureDates && EasternTime.EasternDate(toInclusive) > EasternTime.EasternDate(now)))
        {
            await WriteError(ctx, 403, "NOT_AUTHORIZED", requestId, "message", NotAuthorizedText).ConfigureAwait(false);
            return;
        }

        using var page = new BarPage();
        StubBar? next = null;
        var used = 0;
        if (!options.IsUnknownTicker(ticker))
        {
            var series = new AggregateSeries(data, ticker, multiplier, timespan, from, toEnd, now);
            foreach (var bar in sort == "asc" ? series.Ascending() : series.Descending())
            {
                // limit counts base bars; a bar that would overflow it starts the next page.
                if (page.Count > 0 && used + bar.BaseCount > limit)
                {
                    next = bar;
                    break;
                }

                page.Add(bar);
                used += bar.BaseCount;
            }
        }

        string? nextUrl = null;
        if (next is { } n)
        {
            var basePath = $"{ctx.Request.Scheme}://{ctx.Request.Host}/v2/aggs/ticker/{Uri.EscapeDataString(ticker)}/range/{multiplierText}/{timespanText}";
            var cursorText = Wire.EncodeCursor(limit, sort);
            nextUrl = sort == "asc"
                ? string.Create(CultureInfo.InvariantCulture, $"{basePath}/{n.T}/{toText}?cursor={cursorText}")
                : string.Create(CultureInfo.InvariantCulture, $"{basePath}/{fromText}/{n.T}?cursor={cursorText}");
        }

        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "application/json";
        await using var w = new Utf8JsonWriter(ctx.Response.BodyWriter);
        w.WriteStartObject();
        w.WriteString("ticker", ticker);
        w.WriteNumber("queryCount", used);
        w.WriteNumber("resultsCount", page.Count);
        w.WriteBoolean("adjusted", adjusted);
        if (page.Count > 0)
        {
            w.WriteStartArray("results");
            for (var i = 0; i < page.Count; i++)
            {
                BarJson.Write(w, page[i]);

                // Hand the body to Kestrel as it is produced: unflushed, a 50,000-bar page (~5 MB)
                // sat whole in the response pipe's pooled blocks, once per concurrent request.
                if ((i + 1) % FlushEveryBars == 0)
                {
                    w.Flush(); // into the pipe (an IBufferWriter: this only advances it) …
                    await ctx.Response.BodyWriter.FlushAsync().ConfigureAwait(false); // … and onto the socket
                }
            }

            w.WriteEndArray();
        }

        w.WriteString("status", options.DelayedStatus ? "DELAYED" : "OK");
        w.WriteString("request_id", requestId);
        w.WriteNumber("count", page.Count);
        if (nextUrl is not null)
        {
            w.WriteString("next_url", nextUrl);
        }

        w.WriteEndObject();
        await w.FlushAsync().ConfigureAwait(false);
    }

    private static IReadOnlyList<string> Listed(PolygonStubOptions options, MarketData data) =>
        [.. options.ListedTickers.Concat(data.TickersWithFiles).Where(t => !options.IsUnknownTicker(t)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    private static async Task Grouped(HttpContext ctx, PolygonStubOptions options, MarketData data, string dateText)
    {
        var requestId = (string)ctx.Items["request_id"]!;
        if (!DateOnly.TryParseExact(dateText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            await WriteError(ctx, 400, "ERROR", requestId, "error", "Could not parse the date: use YYYY-MM-DD.").ConfigureAwait(false);
            return;
        }

        var now = options.CurrentNow();
        var rows = new List<(string Ticker, StubBar Bar)>();
        foreach (var ticker in Listed(options, data))
        {
            if (data.Day(ticker, date, now) is { } day)
            {
                // The docs' example (and the recorded fixture) stamp grouped rows at 16:00 New York.
                rows.Add((ticker, day with { T = EasternTime.FromEastern(date, NyseCalendar.RegularClose).ToUnixTimeMilliseconds() }));
            }
        }

        ctx.Response.ContentType = "application/json";
        await using var w = new Utf8JsonWriter(ctx.Response.BodyWriter);
        w.WriteStartObject();
        w.WriteNumber("queryCount", rows.Count);
        w.WriteNumber("resultsCount", rows.Count);
        w.WriteBoolean("adjusted", !string.Equals(ctx.Request.Query["adjusted"].ToString(), "false", StringComparison.OrdinalIgnoreCase));
        if (rows.Count > 0)
        {
            w.WriteStartArray("results");
            foreach (var (ticker, bar) in rows)
            {
                BarJson.Write(w, bar, ticker);
            }

            w.WriteEndArray();
        }

        w.WriteString("status", "OK");
        w.WriteString("request_id", requestId);
        w.WriteNumber("count", rows.Count);
        w.WriteEndObject();
        await w.FlushAsync().ConfigureAwait(false);
    }

    private static async Task Upcoming(HttpContext ctx, PolygonStubOptions options)
    {
        var today = EasternTime.EasternDate(options.CurrentNow());
        var holidays = NyseCalendar.HolidaysOf(today.Year).Concat(NyseCalendar.HolidaysOf(today.Year + 1))
            .Where(h => h.Date >= today && h.Date <= today.AddYears(1));
        ctx.Response.ContentType = "application/json";
        await using var w = new Utf8JsonWriter(ctx.Response.BodyWriter);
        w.WriteStartArray();
        foreach (var h in holidays)
        {
            foreach (var exchange in new[] { "NYSE", "NASDAQ" })
            {
                w.WriteStartObject();
                w.WriteString("exchange", exchange);
                w.WriteString("name", h.Name);
                w.WriteString("date", h.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                w.WriteString("status", h.IsEarlyClose ? "early-close" : "closed");
                if (h.IsEarlyClose)
                {
                    w.WriteString("open", EasternTime.FromEastern(h.Date, NyseCalendar.RegularOpen).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
                    w.WriteString("close", EasternTime.FromEastern(h.Date, NyseCalendar.EarlyClose).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
                }

                w.WriteEndObject();
            }
        }

        w.WriteEndArray();
        await w.FlushAsync().ConfigureAwait(false);
    }

    private static async Task Tickers(HttpContext ctx, PolygonStubOptions options, MarketData data)
    {
        var requestId = (string)ctx.Items["request_id"]!;
        var q = ctx.Request.Query;
        var afterCursor = q.TryGetValue("cursor", out var c) ? Encoding.UTF8.GetString(Convert.FromBase64String(PadBase64(c.ToString()))) : null;
        var limit = int.TryParse(q["limit"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var l) ? Math.Clamp(l, 1, 1000) : 100;
        IEnumerable<string> list = Listed(options, data);
        string Param(string name) => q[name].ToString();
        if (Param("ticker") is { Length: > 0 } eq) { list = list.Where(t => t == eq); }
        if (Param("ticker.gt") is { Length: > 0 } gt) { list = list.Where(t => string.CompareOrdinal(t, gt) > 0); }
        if (Param("ticker.gte") is { Length: > 0 } gte) { list = list.Where(t => string.CompareOrdinal(t, gte) >= 0); }
        if (Param("ticker.lt") is { Length: > 0 } lt) { list = list.Where(t => string.CompareOrdinal(t, lt) < 0); }
        if (Param("ticker.lte") is { Length: > 0 } lte) { list = list.Where(t => string.CompareOrdinal(t, lte) <= 0); }
        if (Param("search") is { Length: > 0 } search) { list = list.Where(t => t.Contains(search, StringComparison.OrdinalIgnoreCase)); }
        if (afterCursor is not null) { list = list.Where(t => string.CompareOrdinal(t, afterCursor) > 0); }
        var all = list.ToList();
        var page = all.Take(limit).ToList();

        ctx.Response.ContentType = "application/json";
        await using var w = new Utf8JsonWriter(ctx.Response.BodyWriter);
        w.WriteStartObject();
        w.WriteStartArray("results");
        foreach (var t in page)
        {
            WriteTicker(w, t);
        }

        w.WriteEndArray();
        w.WriteString("status", "OK");
        w.WriteString("request_id", requestId);
        w.WriteNumber("count", page.Count);
        if (all.Count > page.Count)
        {
            var cursor = Convert.ToBase64String(Encoding.UTF8.GetBytes(page[^1])).TrimEnd('=').Replace('+', '-').Replace('/', '_');
            var others = string.Join('&', q.Where(kv => kv.Key is not ("cursor" or "apiKey")).Select(kv => $"{kv.Key}={Uri.EscapeDataString(kv.Value.ToString())}"));
            w.WriteString("next_url", $"{ctx.Request.Scheme}://{ctx.Request.Host}/v3/reference/tickers?cursor={cursor}{(others.Length > 0 ? "&" + others : string.Empty)}");
        }

        w.WriteEndObject();
        await w.FlushAsync().ConfigureAwait(false);
    }

    private static async Task TickerDetails(HttpContext ctx, PolygonStubOptions options, MarketData data, string ticker)
    {
        var requestId = (string)ctx.Items["request_id"]!;
        if (options.IsUnknownTicker(ticker) || !Listed(options, data).Contains(ticker, StringComparer.Ordinal))
        {
            await WriteError(ctx, 404, "NOT_FOUND", requestId, "message", "Ticker not found.").ConfigureAwait(false);
            return;
        }

        ctx.Response.ContentType = "application/json";
        await using var w = new Utf8JsonWriter(ctx.Response.BodyWriter);
        w.WriteStartObject();
        w.WritePropertyName("results");
        WriteTicker(w, ticker);
        w.WriteString("status", "OK");
        w.WriteString("request_id", requestId);
        w.WriteEndObject();
        await w.FlushAsync().ConfigureAwait(false);
    }

    private static void WriteTicker(Utf8JsonWriter w, string ticker)
    {
        var seed = SyntheticMarket.Fnv1a(ticker);
        w.WriteStartObject();
        w.WriteString("ticker", ticker);
        w.WriteString("name", ticker + " Synthetic Inc.");
        w.WriteString("market", "stocks");
        w.WriteString("locale", "us");
        w.WriteString("primary_exchange", seed % 2 == 0 ? "XNYS" : "XNAS");
        w.WriteString("type", ticker == "SPY" ? "ETF" : "CS");
        w.WriteBoolean("active", true);
        w.WriteString("currency_name", "usd");
        w.WriteString("cik", (seed % 10_000_000_000UL).ToString("D10", CultureInfo.InvariantCulture));
        w.WriteString("composite_figi", "BBG" + (seed % 1_000_000_000UL).ToString("D9", CultureInfo.InvariantCulture));
        w.WriteString("share_class_figi", "BBG" + ((seed >> 7) % 1_000_000_000UL).ToString("D9", CultureInfo.InvariantCulture));
        w.WriteString("last_updated_utc", "2024-01-02T00:00:00Z");
        w.WriteEndObject();
    }

    private static string PadBase64(string s)
    {
        var b64 = s.Replace('-', '+').Replace('_', '/');
        return b64.PadRight(b64.Length + ((4 - (b64.Length % 4)) % 4), '=');
    }

    private static Task WriteFault(HttpContext ctx, int status, string requestId, int? retryAfterSeconds)
    {
        switch (status)
        {
            case 429:
                if (retryAfterSeconds is { } seconds)
                {
                    ctx.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                }

                return WriteError(ctx, 429, "ERROR", requestId, "error", RateLimitText);
            case 401:
                return WriteError(ctx, 401, "ERROR", requestId, "error", "Unknown API Key");
            case 403:
                return WriteError(ctx, 403, "NOT_AUTHORIZED", requestId, "message", NotAuthorizedText);
            case >= 500:
                return WriteHtml(ctx, status);
            default:
                return WriteError(ctx, status, "ERROR", requestId, "error", "Injected fault");
        }
    }

    private static async Task WriteError(HttpContext ctx, int status, string statusText, string requestId, string field, string text)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json";
        await using var w = new Utf8JsonWriter(ctx.Response.BodyWriter);
        w.WriteStartObject();
        w.WriteString("status", statusText);
        w.WriteString("request_id", requestId);
        w.WriteString(field, text);
        w.WriteEndObject();
        await w.FlushAsync().ConfigureAwait(false);
    }

    /// <summary>Gateway errors come from nginx as HTML, not JSON; clients must cope.</summary>
    private static Task WriteHtml(HttpContext ctx, int status)
    {
        var reason = status switch
        {
            502 => "502 Bad Gateway",
            503 => "503 Service Temporarily Unavailable",
            504 => "504 Gateway Time-out",
            _ => string.Create(CultureInfo.InvariantCulture, $"{status} Internal Server Error"),
        };
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "text/html";
        return ctx.Response.WriteAsync($"<html>\r\n<head><title>{reason}</title></head>\r\n<body>\r\n<center><h1>{reason}</h1></center>\r\n<hr><center>nginx/1.19.2</center>\r\n</body>\r\n</html>\r\n");
    }
}
