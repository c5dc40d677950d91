using System.Text.Json.Serialization;
using TickStock.Core.Market;

namespace TickStock.Core.Polygon;

/// <summary>
/// One aggregate bar on the wire (the names are the wire names; the hand-written reader in
/// <see cref="PolygonAggregatesReader"/> matches the same ones). <c>v</c> is a JSON float that may be in exponent form
/// (<c>1.12117471e+08</c>), so it is read as decimal; <c>T</c> is set only in grouped-daily rows.
/// </summary>
public sealed record PolygonAggregate
{
    [JsonPropertyName("T")] public string? Ticker { get; init; }
    [JsonPropertyName("v")] public decimal Volume { get; init; }
    [JsonPropertyName("vw")] public decimal? Vwap { get; init; }
    [JsonPropertyName("o")] public decimal Open { get; init; }
    [JsonPropertyName("c")] public decimal Close { get; init; }
    [JsonPropertyName("h")] public decimal High { get; init; }
    [JsonPropertyName("l")] public decimal Low { get; init; }
    [JsonPropertyName("t")] public long StartUnixMs { get; init; }
    [JsonPropertyName("n")] public long? Trades { get; init; }
    [JsonPropertyName("otc")] public bool Otc { get; init; }

    /// <summary>The bar as a symbol-less <see cref="OhlcvBar"/>; volume rounded to a whole share count.</summary>
    public OhlcvBar ToBar() =>
        OhlcvBar.FromUnixMs(StartUnixMs, Open, High, Low, Close, (long)Math.Round(Volume, MidpointRounding.AwayFromZero));
}

/// <summary>
/// The aggregates (and grouped-daily) envelope without its rows: what a client needs to judge a
/// page and follow it. Error bodies reuse the envelope: <c>error</c> with <c>status:"ERROR"</c>,
/// <c>message</c> with <c>NOT_AUTHORIZED</c>/<c>NOT_FOUND</c>.
/// </summary>
public record PolygonAggregatesEnvelope
{
    [JsonPropertyName("ticker")] public string? Ticker { get; init; }
    [JsonPropertyName("queryCount")] public int QueryCount { get; init; }
    [JsonPropertyName("resultsCount")] public int ResultsCount { get; init; }
    [JsonPropertyName("adjusted")] public bool Adjusted { get; init; }
    [JsonPropertyName("status")] public string? Status { get; init; }
    [JsonPropertyName("request_id")] public string? RequestId { get; init; }
    [JsonPropertyName("count")] public int? Count { get; init; }
    [JsonPropertyName("next_url")] public string? NextUrl { get; init; }
    [JsonPropertyName("error")] public string? Error { get; init; }
    [JsonPropertyName("message")] public string? Message { get; init; }

    /// <summary><c>OK</c> and <c>DELAYED</c> both carry data.</summary>
    [JsonIgnore] public bool IsSuccessStatus => Status is "OK" or "DELAYED";
}

/// <summary>
/// The envelope with every row in full (ticker, VWAP, trades). <c>results</c> is absent on empty
/// ranges (and was <c>null</c> in 2020-era responses); both read as an empty list.
/// </summary>
public sealed record PolygonAggregatesResponse : PolygonAggregatesEnvelope
{
    public PolygonAggregatesResponse()
    {
    }

    /// <summary>The rows' envelope as read; <see cref="Results"/> is set by the caller.</summary>
    public PolygonAggregatesResponse(PolygonAggregatesEnvelope envelope)
        : base(envelope)
    {
    }

    [JsonPropertyName("results")] public IReadOnlyList<PolygonAggregate>? Results { get; init; }

    /// <summary>Bars of this page, never null.</summary>
    [JsonIgnore] public IReadOnlyList<PolygonAggregate> Bars => Results ?? [];
}

/// <summary>A row of <c>GET /v1/marketstatus/upcoming</c> (a bare JSON array on the wire).</summary>
public sealed record PolygonMarketHoliday
{
    [JsonPropertyName("exchange")] public string? Exchange { get; init; }
    [JsonPropertyName("name")] public string? Name { get; init; }
    [JsonPropertyName("date")] public string? Date { get; init; }
    [JsonPropertyName("status")] public string? Status { get; init; }
    [JsonPropertyName("open")] public DateTimeOffset? Open { get; init; }
    [JsonPropertyName("close")] public DateTimeOffset? Close { get; init; }
}

/// <summary>A row of <c>GET /v3/reference/tickers</c>.</summary>
public sealed record PolygonTicker
{
    [JsonPropertyName("ticker")] public string? Ticker { get; init; }
    [JsonPropertyName("name")] public string? Name { get; init; }
    [JsonPropertyName("market")] public string? Market { get; init; }
    [JsonPropertyName("locale")] public string? Locale { get; init; }
    [JsonPropertyName("primary_exchange")] public string? PrimaryExchange { get; init; }
    [JsonPropertyName("type")] public string? Type { get; init; }
    [JsonPropertyName("active")] public bool Active { get; init; }
    [JsonPropertyName("currency_name")] public string? CurrencyName { get; init; }
    [JsonPropertyName("cik")] public string? Cik { get; init; }
    [JsonPropertyName("composite_figi")] public string? CompositeFigi { get; init; }
    [JsonPropertyName("share_class_figi")] public string? ShareClassFigi { get; init; }
    [JsonPropertyName("last_updated_utc")] public string? LastUpdatedUtc { get; init; }
    [JsonPropertyName("delisted_utc")] public string? DelistedUtc { get; init; }
}

/// <summary>A page of <c>GET /v3/reference/tickers</c>.</summary>
public sealed record PolygonTickersPage
{
    [JsonPropertyName("results")] public IReadOnlyList<PolygonTicker>? Results { get; init; }
    [JsonPropertyName("status")] public string? Status { get; init; }
    [JsonPropertyName("request_id")] public string? RequestId { get; init; }
    [JsonPropertyName("count")] public int? Count { get; init; }
    [JsonPropertyName("next_url")] public string? NextUrl { get; init; }
    [JsonPropertyName("error")] public string? Error { get; init; }
    [JsonPropertyName("message")] public string? Message { get; init; }
}
