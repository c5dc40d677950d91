using System.Text;
using System.Text.Json;
using TickStock.Core.Backtesting;
using TickStock.Core.Detectors;
using TickStock.Core.Jobs;
using Xunit;

namespace TickStock.Core.Tests.Backtesting;

/// <summary>Contract §5 jobs: what is accepted, with which defaults, and one clear reason for each refusal.</summary>
public sealed class BacktestJobParserTests
{
    private const string Good = """
        {"type":"backtest_job","job_id":"j-1","user_id":42,"symbols":["aapl","MSFT","AAPL"],"start_date":"2020-01-02","end_date":"2024-12-31",
         "patterns":["Engulfing","Hammer"],"parameters":{"initial_capital":50000,"stop_loss_pct":0.02,"allow_short":false,"max_holding_bars":7},
         "timestamp":1720200000.5,"source":"TickStockAppV2"}
        """;

    private static BacktestJobParse Parse(string json) => BacktestJobParser.Parse(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void A_consumer_job_is_parsed_with_its_symbols_normalised_patterns_resolved_and_missing_parameters_defaulted()
    {
        var parsed = Parse(Good);
        var job = Assert.IsType<BacktestJob>(parsed.Job);
        Assert.Equal("j-1", job.JobId);
        Assert.Equal("42", job.UserId);
        Assert.Equal(["AAPL", "MSFT"], job.Symbols);
        Assert.Equal(new DateOnly(2020, 1, 2), job.Request.Start);
        Assert.Equal(new DateOnly(2024, 12, 31), job.Request.End);
        Assert.Equal([PatternKind.BullishEngulfing, PatternKind.BearishEngulfing, PatternKind.Hammer], job.Request.Patterns);
        Assert.Equal(new BacktestParameters { InitialCapital = 50000, StopLossPct = 0.02, AllowShort = false, MaxHoldingBars = 7 }, job.Request.Parameters);
        Assert.False(job.IncludeTrades);
    }

    [Fact]
    public void Without_patterns_and_parameters_the_job_takes_the_whole_catalog_and_the_contract_defaults()
    {
        var job = Parse("""{"type":"backtest_job","job_id":"j","symbols":["SPY"],"start_date":"2024-01-02","end_date":"2024-01-02","include_trades":true}""").Job!;
        Assert.Empty(job.Request.Patterns);
        Assert.Equal(new BacktestParameters(), job.Request.Parameters);
        Assert.True(job.IncludeTrades);
    }

    [Theory]
    [InlineData("\"symbols\":[\"AAPL\"]", "\"symbols\":[]", "'symbols' is empty")]
    [InlineData("\"symbols\":[\"AAPL\"]", "\"symbols\":\"AAPL\"", "'symbols' must be a list")]
    [InlineData("\"symbols\":[\"AAPL\"]", "\"symbols\":[\"AAPL\",7]", "7 is not a string")]
    [InlineData("\"symbols\":[\"AAPL\"]", "\"symbols\":[\"TOOLONGSYMBOL1\"]", "invalid symbol")]
    [InlineData("\"start_date\":\"2024-01-02\"", "\"start_date\":\"01/02/2024\"", "start_date: '01/02/2024' is not a date")]
    [InlineData("\"start_date\":\"2024-01-02\"", "\"start_date\":20240102", "'start_date' must be a date string")]
    [InlineData("\"end_date\":\"2024-06-28\"", "\"end_date\":\"2023-06-28\"", "is before start_date")]
    [InlineData("\"end_date\":\"2024-06-28\"", "\"end_date\":\"2029-01-03\"", "longer than 5 years")]
    [InlineData("\"patterns\":[]", "\"patterns\":[\"Nope\"]", "unknown pattern \"Nope\"")]
    [InlineData("\"patterns\":[]", "\"patterns\":\"Hammer\"", "'patterns' must be a list")]
    [InlineData("\"patterns\":[]", "\"patterns\":[\"Breakout_Confirmed\"]", "combo pattern")]
    [InlineData("\"parameters\":{}", "\"parameters\":{\"commission_rate\":0.5}", "commission_rate must be in [0, 0.1]")]
    [InlineData("\"parameters\":{}", "\"parameters\":{\"max_position_size\":0}", "max_position_size must be in (0, 1]")]
    [InlineData("\"parameters\":{}", "\"parameters\":{\"initial_capital\":-5}", "initial_capital must be > 0")]
    [InlineData("\"parameters\":{}", "\"parameters\":{\"max_holding_bars\":2.5}", "not a whole number")]
    [InlineData("\"parameters\":{}", "\"parameters\":{\"allow_short\":1}", "not true or false")]
    [InlineData("\"parameters\":{}", "\"parameters\":{\"leverage\":3}", "unknown parameter 'leverage'")]
    [InlineData("\"parameters\":{}", "\"parameters\":{\"stop_loss_pct\":\"0.05\"}", "is not a number")]
    [InlineData("\"parameters\":{}", "\"parameters\":[1]", "'parameters' must be an object")]
    [InlineData("\"type\":\"backtest_job\"", "\"type\":\"data_load\"", "unknown type 'data_load'")]
    [InlineData("\"type\":\"backtest_job\",", "", "missing 'type'")]
    [InlineData("\"parameters\":{}", "\"parameters\":{},\"include_trades\":\"yes\"", "include_trades must be true or false")]
    public void A_job_out_of_bounds_is_refused_with_its_id_and_the_reason(string field, string replacement, string reason)
    {
        const string template = """{"type":"backtest_job","job_id":"bad-1","symbols":["AAPL"],"start_date":"2024-01-02","end_date":"2024-06-28","patterns":[],"parameters":{}}""";
        Assert.Contains(field, template, StringComparison.Ordinal);
        var parsed = Parse(template.Replace(field, replacement, StringComparison.Ordinal));
        Assert.Null(parsed.Job);
        Assert.Equal("bad-1", parsed.JobId);
        Assert.Equal(JobRejectReason.InvalidJob, parsed.Reason);
        Assert.Contains(reason, parsed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Fifty_symbols_pass_and_fifty_one_do_not()
    {
        string Job(int n) => $$"""{"type":"backtest_job","job_id":"n","symbols":[{{string.Join(',', Enumerable.Range(0, n).Select(i => $"\"S{i}\""))}}],"start_date":"2024-01-02","end_date":"2024-01-03"}""";
        Assert.Equal(50, Parse(Job(50)).Job!.Symbols.Count);
        Assert.Contains("51 symbols: a backtest takes at most 50", Parse(Job(51)).Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Exactly_five_years_is_accepted()
    {
        Assert.True(Parse("""{"type":"backtest_job","job_id":"y","symbols":["A"],"start_date":"2019-01-02","end_date":"2024-01-02"}""").Succeeded);
        Assert.False(Parse("""{"type":"backtest_job","job_id":"y","symbols":["A"],"start_date":"2019-01-02","end_date":"2024-01-03"}""").Succeeded);
    }

    [Theory]
    [InlineData("", JobRejectReason.MalformedJson)]
    [InlineData("{not json", JobRejectReason.MalformedJson)]
    [InlineData("[1,2]", JobRejectReason.NotAnObject)]
    [InlineData("{\"type\":\"backtest_job\"}", JobRejectReason.NoJobId)]
    [InlineData("{\"type\":\"backtest_job\",\"job_id\":\"a:b\"}", JobRejectReason.NoJobId)]
    [InlineData("{\"type\":\"backtest_job\",\"job_id\":{\"x\":1}}", JobRejectReason.NoJobId)]
    public void Input_without_a_usable_job_id_is_refused_without_one(string json, JobRejectReason reason)
    {
        var parsed = Parse(json);
        Assert.Null(parsed.Job);
        Assert.Null(parsed.JobId);
        Assert.Equal(reason, parsed.Reason);
        Assert.False(string.IsNullOrEmpty(parsed.Error));
    }

    [Fact]
    public void An_oversized_message_is_refused_unparsed_but_keeps_its_job_id()
    {
        var parsed = Parse("{\"job_id\":\"big\",\"pad\":\"" + new string('x', DataLoadJobParser.MaxMessageBytes) + "\"}");
        Assert.Equal("big", parsed.JobId);
        Assert.Equal(JobRejectReason.Oversized, parsed.Reason);
    }

    [Fact]
    public void The_cli_message_round_trips_through_the_parser()
    {
        var request = new BacktestRequest
        {
            Start = new DateOnly(2021, 3, 1), End = new DateOnly(2022, 3, 1), Patterns = [PatternKind.Hammer],
            Parameters = new BacktestParameters { TakeProfitPct = 0.2, AllowShort = false },
        };
        var json = BacktestJobMessage.Create("rt", "me", ["SPY", "QQQ"], request, includeTrades: true, DateTimeOffset.UnixEpoch, "cli");
        var job = Parse(json).Job!;
        Assert.Equal(["SPY", "QQQ"], job.Symbols);
        Assert.Equal(request, job.Request with { Patterns = request.Patterns });
        Assert.Equal(request.Patterns, job.Request.Patterns);
        Assert.True(job.IncludeTrades);
    }

    [Theory]
    [InlineData("""{"type":"cancel_job","job_id":"j-9","timestamp":1.5,"source":"x"}""", "j-9", JobRejectReason.None)]
    [InlineData("""{"type":"cancel","job_id":"j-9"}""", null, JobRejectReason.UnknownAction)]
    [InlineData("""{"type":"cancel_job"}""", null, JobRejectReason.NoJobId)]
    [InlineData("""{"type":"cancel_job","job_id":""}""", null, JobRejectReason.NoJobId)]
    [InlineData("nope", null, JobRejectReason.MalformedJson)]
    [InlineData("7", null, JobRejectReason.NotAnObject)]
    public void Cancel_messages(string json, string? jobId, JobRejectReason reason)
    {
        var (id, why, _) = BacktestCancelParser.Parse(Encoding.UTF8.GetBytes(json));
        Assert.Equal(jobId, id);
        Assert.Equal(reason, why);
    }
}
