using System.Globalization;
using System.Text;
using System.Text.Json;
using TickStock.Core.Market;
using TickStock.Core.Polygon;
using Xunit;

namespace TickStock.Core.Tests.Polygon;

/// <summary>Edge cases of the hand-written aggregates reader, through both public entry points.</summary>
public sealed class PolygonAggregatesReaderTests
{
    private const string Row = """{"v":1.12117471e+08,"vw":125.725,"o":130.28,"c":125.07,"h":130.9,"l":124.17,"t":1672722000000,"n":1021065}""";

    private static PolygonParseResult<PolygonAggregatesEnvelope> Bars(string body, List<OhlcvBar> bars) =>
        PolygonResponseParser.ParseAggregateBars(Encoding.UTF8.GetBytes(body), bars);

    private static string Page(string results) =>
        $$"""{"ticker":"AAPL","queryCount":1,"resultsCount":1,"adjusted":true,"results":{{results}},"status":"OK","request_id":"r","count":1}""";

    [Fact]
    public void Exponent_volume_is_read_exactly_and_rounded_to_whole_shares()
    {
        var page = PolygonResponseParser.ParseAggregates(Page("""[{"v":1.0291445e+06,"o":1,"c":1,"h":1,"l":1,"t":0},{"v":2.5,"o":1,"c":1,"h":1,"l":1,"t":1},{"v":1e+06,"o":1,"c":1,"h":1,"l":1,"t":2}]""")).Value!;
        Assert.Equal(1029144.5m, page.Bars[0].Volume);
        Assert.Equal(1029145L, page.Bars[0].ToBar().Volume); // AwayFromZero: banker's rounding would give 1029144
        Assert.Equal(3L, page.Bars[1].ToBar().Volume);        // 2.5 → 3, not 2
        Assert.Equal(1_000_000L, page.Bars[2].ToBar().Volume);

        var bars = new List<OhlcvBar>();
        Assert.True(Bars(Page($"[{Row}]"), bars).Succeeded);
        Assert.Equal(new OhlcvBar(DateTimeOffset.FromUnixTimeMilliseconds(1672722000000), 130.28m, 130.9m, 124.17m, 125.07m, 112117471), Assert.Single(bars));
    }

    [Theory]
    [InlineData("130.28")]
    [InlineData("130.90")]
    [InlineData("0.0001")]
    [InlineData("0.00")]
    [InlineData("0")]
    [InlineData("642646396.0")]
    [InlineData("1.12117471e+08")]
    [InlineData("1.029145E+06")]
    [InlineData("1.50e+01")]
    [InlineData("1e+06")]
    [InlineData("15e-3")]
    [InlineData("1.5E-05")]
    [InlineData("0e+05")]
    [InlineData("123456789012345678")]
    [InlineData("1234567890123456789012")]      // beyond the fast path: the general parse
    [InlineData("-12.5")]                       // negative: the general parse
    [InlineData("1e+20")]
    [InlineData("1.2345678901234567890123456789")]
    public void Prices_equal_the_general_decimal_parse_in_value_and_scale(string number)
    {
        var page = PolygonResponseParser.ParseAggregates(Page($$"""[{"v":1,"o":{{number}},"c":1,"h":1,"l":1,"t":0}]""")).Value!;
        using var reference = JsonDocument.Parse(number);
        var expected = reference.RootElement.GetDecimal();
        Assert.Equal(expected, page.Bars[0].Open);
        Assert.Equal(expected.ToString(CultureInfo.InvariantCulture), page.Bars[0].Open.ToString(CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("""{"ticker":"XYZ","queryCount":0,"resultsCount":0,"adjusted":true,"status":"OK","request_id":"abc","count":0}""")]
    [InlineData("""{"ticker":"XYZ","queryCount":0,"resultsCount":0,"adjusted":true,"results":null,"status":"OK","request_id":"abc"}""")]
    [InlineData("""{"ticker":"XYZ","results":[],"status":"OK","request_id":"abc"}""")]
    public void Missing_null_or_empty_results_are_no_bars(string body)
    {
        var bars = new List<OhlcvBar> { default }; // stale content from a previous page is cleared
        var parsed = Bars(body, bars);
        Assert.True(parsed.Succeeded, parsed.Error);
        Assert.Equal("XYZ", parsed.Value!.Ticker);
        Assert.Equal("abc", parsed.Value.RequestId);
        Assert.True(parsed.Value.IsSuccessStatus);
        Assert.Empty(bars);
        Assert.Empty(PolygonResponseParser.ParseAggregates(body).Value!.Bars);
    }

    [Fact]
    public void Null_results_read_as_absent_and_an_empty_array_as_present()
    {
        Assert.Null(PolygonResponseParser.ParseAggregates("""{"results":null,"status":"OK"}""").Value!.Results);
        Assert.NotNull(PolygonResponseParser.ParseAggregates("""{"results":[],"status":"OK"}""").Value!.Results);
    }

    [Fact]
    public void Envelope_fields_and_optional_row_fields_are_read_and_unknown_ones_ignored()
    {
        const string body = """
            {"ticker":"AAPL","queryCount":3,"resultsCount":2,"adjusted":false,"extra":{"nested":[1,2,{"a":null}]},
             "results":[
               {"T":"GIK","v":895345,"vw":9.9979,"o":9.99,"c":10.02,"h":10.02,"l":9.9,"t":1602705600000,"n":96,"otc":true,"z":"ignored"},
               {"v":10,"o":2,"c":2,"h":2,"l":2,"t":60000,"vw":null,"n":null}
             ],
             "status":"DELAYED","request_id":"req-1","count":2,"next_url":"https://api.polygon.io/v2/aggs/next?cursor=abc"}
            """;
        var page = PolygonResponseParser.ParseAggregates(body).Value!;
        Assert.Equal("AAPL", page.Ticker);
        Assert.Equal(3, page.QueryCount);
        Assert.Equal(2, page.ResultsCount);
        Assert.False(page.Adjusted);
        Assert.Equal("DELAYED", page.Status);
        Assert.True(page.IsSuccessStatus);
        Assert.Equal("req-1", page.RequestId);
        Assert.Equal(2, page.Count);
        Assert.Equal("https://api.polygon.io/v2/aggs/next?cursor=abc", page.NextUrl);

        var grouped = page.Bars[0];
        Assert.Equal("GIK", grouped.Ticker);
        Assert.Equal(9.9979m, grouped.Vwap);
        Assert.Equal(96L, grouped.Trades);
        Assert.True(grouped.Otc);
        Assert.Equal(895345m, grouped.Volume);

        var plain = page.Bars[1];
        Assert.Null(plain.Ticker);
        Assert.Null(plain.Vwap);
        Assert.Null(plain.Trades);
        Assert.False(plain.Otc);
        Assert.Equal(60000L, plain.StartUnixMs);
    }

    [Fact]
    public void Names_are_case_sensitive_and_escaped_names_are_unescaped()
    {
        // "T" is the ticker, never the start; "\u0074" is "t".
        var page = PolygonResponseParser.ParseAggregates(Page("""[{"T":"SPY","\u0074":5,"v":1,"o":1,"c":1,"h":1,"l":1,"O":99}]""")).Value!;
        Assert.Equal("SPY", page.Bars[0].Ticker);
        Assert.Equal(5L, page.Bars[0].StartUnixMs);
        Assert.Equal(1m, page.Bars[0].Open);

        var wrongCase = PolygonResponseParser.ParseAggregates(Page("""[{"T":1672722000000,"v":1,"o":1,"c":1,"h":1,"l":1}]"""));
        Assert.False(wrongCase.Succeeded);
        Assert.Contains("results[0].T is Number, expected a string", wrongCase.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_error_envelope_is_read_for_the_caller_to_judge()
    {
        var throttled = PolygonResponseParser.ParseAggregateBars(
            """{"status":"ERROR","request_id":"r1","error":"You've exceeded the maximum requests per minute"}"""u8, []);
        Assert.True(throttled.Succeeded);
        Assert.Equal("ERROR", throttled.Value!.Status);
        Assert.False(throttled.Value.IsSuccessStatus);
        Assert.Equal("r1", throttled.Value.RequestId);
        Assert.StartsWith("You've exceeded", throttled.Value.Error, StringComparison.Ordinal);

        var forbidden = PolygonResponseParser.ParseAggregates("""{"status":"NOT_AUTHORIZED","request_id":"r2","message":"Your plan doesn't include this data timeframe."}""").Value!;
        Assert.Equal("NOT_AUTHORIZED", forbidden.Status);
        Assert.Equal("Your plan doesn't include this data timeframe.", forbidden.Message);
        Assert.Empty(forbidden.Bars);
    }

    [Theory]
    [InlineData("""[{"v":"1","o":1,"c":1,"h":1,"l":1,"t":0}]""", "results[0].v is String, expected a number")]
    [InlineData("""[{"v":1,"o":1,"c":1,"h":1,"l":1,"t":1.5}]""", "results[0].t is not a 64-bit integer")]
    [InlineData("""[{"v":1,"o":1,"c":1,"h":1,"l":1,"t":0,"otc":1}]""", "results[0].otc is Number, expected true or false")]
    [InlineData("""[{"v":1,"o":null,"c":1,"h":1,"l":1,"t":0}]""", "results[0].o is Null, expected a number")]
    [InlineData("""[{"v":1,"o":1e400,"c":1,"h":1,"l":1,"t":0}]""", "results[0].o is out of the decimal range")]
    [InlineData("""[{"v":1,"o":1,"c":1,"h":1,"l":1,"t":99999999999999999999}]""", "results[0].t is not a 64-bit integer")]
    [InlineData("""[{"v":1,"o":1,"c":1,"h":1,"l":1}]""", "results[0] lacks required field 't'")]
    [InlineData("""[{"o":1,"c":1,"h":1,"l":1,"t":0}]""", "results[0] lacks required field 'v'")]
    [InlineData("""[null]""", "results[0] is Null, not an object")]
    [InlineData("""{"v":1}""", "results is StartObject, expected StartArray")]
    public void Wrong_types_and_missing_fields_are_clear_errors(string results, string expected)
    {
        var bars = new List<OhlcvBar>();
        var parsed = Bars(Page(results), bars);
        Assert.False(parsed.Succeeded);
        Assert.Null(parsed.Value);
        Assert.Equal("aggregates body is not the expected JSON: " + expected, parsed.Error);
        Assert.False(PolygonResponseParser.ParseAggregates(Page(results)).Succeeded);
    }

    [Theory]
    [InlineData("""{"queryCount":"1"}""", "queryCount is String, expected a number")]
    [InlineData("""{"resultsCount":1.5}""", "resultsCount is not a 32-bit integer")]
    [InlineData("""{"adjusted":null}""", "adjusted is Null, expected true or false")]
    [InlineData("""{"status":1}""", "status is Number, expected a string")]
    [InlineData("""[]""", "the top level is StartArray, expected StartObject")]
    [InlineData("""{"results":[],"results":[]}""", "results appears more than once")]
    [InlineData("""{"results":[]"status":"OK"}""", "expected ',' or '}' after the results array")]
    [InlineData("""{"results":[],}""", "expected a property name after the results array")]
    [InlineData("""{"results":[{"v":1,"o":1,"c":1,"h":1,"l":1,"t":0} {"v":1,"o":1,"c":1,"h":1,"l":1,"t":0}]}""", "expected ',' or ']' after results[0]")]
    public void Wrong_envelope_types_are_clear_errors(string body, string expected)
    {
        var parsed = PolygonResponseParser.ParseAggregates(body);
        Assert.False(parsed.Succeeded);
        Assert.Equal("aggregates body is not the expected JSON: " + expected, parsed.Error);
    }

    [Fact]
    public void Truncated_or_non_json_bodies_are_errors_not_exceptions()
    {
        var full = Page($"[{Row}]");
        for (var cut = 0; cut < full.Length; cut++)
        {
            var parsed = Bars(full[..cut], []);
            Assert.False(parsed.Succeeded, $"a body cut at {cut} parsed");
            Assert.StartsWith("aggregates body is not the expected JSON: ", parsed.Error, StringComparison.Ordinal);
        }

        Assert.Equal("aggregates body is JSON null", PolygonResponseParser.ParseAggregates("null").Error);
        Assert.False(PolygonResponseParser.ParseAggregates("<html><title>504 Gateway Time-out</title></html>").Succeeded);
        Assert.False(PolygonResponseParser.ParseAggregates(full + "{}").Succeeded); // trailing data
        Assert.True(PolygonResponseParser.ParseAggregates(full + " \n").Succeeded);
    }

    [Fact]
    public void Invalid_utf8_and_lone_surrogates_in_strings_are_errors_not_exceptions()
    {
        var prefix = Encoding.UTF8.GetBytes("""{"results":[{"v":1,"o":1,"c":1,"h":1,"l":1,"t":0,"T":" """.TrimEnd());
        var suffix = Encoding.UTF8.GetBytes("\"}],\"status\":\"OK\"}");
        byte[] invalidTicker = [.. prefix, 0xFF, 0xFE, .. suffix];
        var parsed = PolygonResponseParser.ParseAggregates(invalidTicker);
        Assert.False(parsed.Succeeded);
        Assert.StartsWith("aggregates body is not the expected JSON: ", parsed.Error, StringComparison.Ordinal);

        byte[] invalidStatus = [.. "{\"status\":\""u8, 0xC3, .. "\"}"u8];
        Assert.False(PolygonResponseParser.ParseAggregates(invalidStatus).Succeeded);
        Assert.False(PolygonResponseParser.ParseAggregates("""{"\ud800":1}""").Succeeded);
        Assert.False(PolygonResponseParser.ParseAggregates("""{"status":"\ud800"}""").Succeeded);
        Assert.Equal("\u00e9", PolygonResponseParser.ParseAggregates("""{"results":[{"v":1,"o":1,"c":1,"h":1,"l":1,"t":0,"T":"\u00e9"}]}""").Value!.Bars[0].Ticker);
    }

    [Fact]
    public void Deep_nesting_is_refused_within_the_depth_limit()
    {
        string Nested(int depth) => new string('[', depth) + new string(']', depth);

        // The envelope is depth 1, so 15 levels inside an unknown field is the most accepted.
        Assert.True(PolygonResponseParser.ParseAggregates($$"""{"x":{{Nested(15)}},"status":"OK"}""").Succeeded);
        var deep = PolygonResponseParser.ParseAggregates($$"""{"x":{{Nested(100_000)}},"status":"OK"}""");
        Assert.False(deep.Succeeded);
        Assert.Contains("depth", deep.Error, StringComparison.OrdinalIgnoreCase);
        Assert.False(PolygonResponseParser.ParseAggregates(Page($$"""[{"v":1,"o":1,"c":1,"h":1,"l":1,"t":0,"x":{{Nested(20)}}}]""")).Succeeded);
    }

    [Fact]
    public void A_hostile_results_count_does_not_reserve_memory()
    {
        var bars = new List<OhlcvBar>();
        var parsed = Bars($$"""{"resultsCount":2147483647,"results":[{{Row}}],"status":"OK"}""", bars);
        Assert.True(parsed.Succeeded, parsed.Error);
        Assert.Single(bars);
        Assert.True(bars.Capacity <= 50_000, $"capacity {bars.Capacity}");
    }

    [Fact]
    public async Task Stream_parse_reads_the_same_page_through_a_pooled_buffer()
    {
        // A stream that hands out a few bytes per read, so the pooled buffer has to grow.
        var body = Encoding.UTF8.GetBytes(Page("[" + string.Join(',', Enumerable.Repeat(Row, 2_000)) + "]"));
        await using var stream = new TrickleStream(body, 777);
        var page = (await PolygonResponseParser.ParseAggregatesAsync(stream, CancellationToken.None)).Value!;
        Assert.Equal(2_000, page.Bars.Count);
        Assert.All(page.Bars, b => Assert.Equal(112117471m, b.Volume));

        using var capped = await PooledBody.ReadAsync(new MemoryStream(body), CancellationToken.None, maxBytes: 1000);
        Assert.Equal("is larger than 1000 bytes", capped.Error);
    }

    [Fact]
    public void Mutated_pages_never_throw_are_accepted_only_when_valid_json_and_then_read_like_JsonDocument()
    {
        // Rows in the provider's shape take the fast scan; a mutation anywhere must either be read
        // to the same values as a general JSON parser reads, or be refused, never crash.
        const string page = """
            {"queryCount":3,"resultsCount":3,"adjusted":true,"results":[
            {"T":"GIK","v":1.0291445e+06,"vw":9.9979,"o":9.99,"c":10.02,"h":10.02,"l":9.9,"t":1602705600000,"n":96,"otc":false},
            { "v" : 895345 , "o":130.28,"c":125.07,"h":130.9,"l":124.17,"t":1672722000000,"vw":null},
            {"v":0.5,"o":0.0001,"c":1e-4,"h":12E+1,"l":0,"t":0,"n":7}],"status":"OK","request_id":"r","count":3}
            """;
        var original = Encoding.UTF8.GetBytes(page);
        const string alphabet = "{}[],:\"\\0129.eE-+tnaflsux \n\u00ff";
        var random = new Random(20250115);
        var accepted = 0;
        for (var round = 0; round < 5_000; round++)
        {
            var body = new List<byte>(original);
            for (var edits = random.Next(1, 3); edits > 0; edits--)
            {
                var at = random.Next(body.Count);
                var b = (byte)alphabet[random.Next(alphabet.Length)];
                switch (random.Next(3))
                {
                    case 0: body[at] = b; break;
                    case 1: body.RemoveAt(at); break;
                    default: body.Insert(at, b); break;
                }
            }

            var bytes = body.ToArray();
            var parsed = PolygonResponseParser.ParseAggregates(bytes);
            if (!parsed.Succeeded)
            {
                Assert.StartsWith("aggregates body ", parsed.Error, StringComparison.Ordinal);
                continue;
            }

            accepted++;
            using var doc = ParseOrFail(bytes);
            var rows = Last(doc.RootElement, "results") is { ValueKind: JsonValueKind.Array } results ? results.EnumerateArray().ToList() : [];
            Assert.Equal(rows.Count, parsed.Value!.Bars.Count);
            for (var i = 0; i < rows.Count; i++)
            {
                var bar = parsed.Value.Bars[i];
                Assert.Equal(Last(rows[i], "v")!.Value.GetDecimal(), bar.Volume);
                Assert.Equal(Last(rows[i], "o")!.Value.GetDecimal(), bar.Open);
                Assert.Equal(Last(rows[i], "h")!.Value.GetDecimal(), bar.High);
                Assert.Equal(Last(rows[i], "l")!.Value.GetDecimal(), bar.Low);
                Assert.Equal(Last(rows[i], "c")!.Value.GetDecimal(), bar.Close);
                Assert.Equal(Last(rows[i], "t")!.Value.GetInt64(), bar.StartUnixMs);
                Assert.Equal(Last(rows[i], "T")?.GetString(), bar.Ticker);
            }
        }

        Assert.True(accepted > 100, $"only {accepted} mutated pages were valid; the test checks too little");
    }

    private static JsonDocument ParseOrFail(byte[] accepted)
    {
        try
        {
            return JsonDocument.Parse(accepted, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException ex)
        {
            Assert.Fail($"accepted invalid JSON ({ex.Message}): {Encoding.UTF8.GetString(accepted)}");
            throw;
        }
    }

    private static JsonElement? Last(JsonElement obj, string name)
    {
        JsonElement? found = null;
        foreach (var p in obj.EnumerateObject())
        {
            if (p.NameEquals(name))
            {
                found = p.Value;
            }
        }

        return found;
    }

    private sealed class TrickleStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, chunk)], cancellationToken);
    }
}
