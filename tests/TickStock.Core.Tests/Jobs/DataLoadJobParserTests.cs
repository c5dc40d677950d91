using TickStock.Core.Jobs;
using Xunit;

namespace TickStock.Core.Tests.Jobs;

public sealed class DataLoadJobParserTests
{
    [Fact]
    public void Csv_universe_load_with_defaults()
    {
        var r = DataLoadJobParser.Parse("""{"job_id":"job-1","job_type":"csv_universe_load","csv_file":"sp_500.csv","requested_by":"admin","timestamp":"2024-10-30T14:56:30"}""");
        var job = Assert.IsType<CsvUniverseLoadJob>(r.Job);
        Assert.Equal("job-1", r.JobId);
        Assert.Equal(1, job.Years);
        Assert.True(job.IncludeOhlcv);
        Assert.Equal("sp_500.csv", job.CsvFile);
        Assert.Equal(LoadTargets.Symbols | LoadTargets.AllOhlcv, job.Targets);
        Assert.Equal("admin", job.RequestedBy);
    }

    [Fact]
    public void Csv_universe_load_without_ohlcv_writes_only_symbols()
    {
        var job = (CsvUniverseLoadJob)DataLoadJobParser.Parse("""{"job_id":"j","job_type":"csv_universe_load","csv_file":"nasdaq_100.csv","years":0.003,"include_ohlcv":false,"universe_type":"NASDAQ100"}""").Job!;
        Assert.Equal(LoadTargets.Symbols, job.Targets);
        Assert.Equal(0.003, job.Years);
        Assert.Equal("NASDAQ100", job.UniverseType);
    }

    [Fact]
    public void Historical_load_normalizes_symbols_and_reports_invalid_ones()
    {
        var job = (HistoricalLoadJob)DataLoadJobParser.Parse("""{"job_id":12345,"job_type":"historical_load","symbols":["aapl"," AAPL ","msft","1BAD",""],"years":"2","timespan":"minute"}""").Job!;
        Assert.Equal("12345", job.JobId);
        Assert.Equal(["AAPL", "MSFT"], job.Symbols.Valid);
        Assert.Equal("1BAD", Assert.Single(job.Symbols.Invalid).Symbol);
        Assert.Equal(3, job.Symbols.Total);
        Assert.Equal(2, job.Years);
        Assert.Equal(LoadTargets.Symbols | LoadTargets.Minute | LoadTargets.Hourly, job.Targets);
    }

    [Fact]
    public void Historical_load_defaults_to_day()
    {
        var job = (HistoricalLoadJob)DataLoadJobParser.Parse("""{"job_id":"a","job_type":"historical_load","symbols":"AAPL,MSFT"}""").Job!;
        Assert.Equal(LoadTimespan.Day, job.Timespan);
        Assert.Equal(LoadTargets.Symbols | LoadTargets.Daily | LoadTargets.Weekly | LoadTargets.Monthly, job.Targets);
    }

    [Fact]
    public void Multi_timeframe_defaults_to_hour_and_day()
    {
        var job = (MultiTimeframeLoadJob)DataLoadJobParser.Parse("""{"job_id":"a","job_type":"multi_timeframe_load","symbols":["SPY"]}""").Job!;
        Assert.Equal([LoadTimespan.Hour, LoadTimespan.Day], job.Timeframes);
        var all = (MultiTimeframeLoadJob)DataLoadJobParser.Parse("""{"job_id":"a","job_type":"multi_timeframe_load","symbols":["SPY"],"timeframes":["minute","day","day"]}""").Job!;
        Assert.Equal([LoadTimespan.Minute, LoadTimespan.Day], all.Timeframes);
        Assert.Equal(LoadTargets.Symbols | LoadTargets.AllOhlcv, all.Targets);
    }

    [Theory]
    [InlineData("SP500", "sp_500.csv")]
    [InlineData("ETF", "curated_etfs.csv")]
    [InlineData("DOW30", "dow_30.csv")]
    public void Universe_seed_maps_types_to_files(string type, string file)
    {
        var job = (UniverseSeedJob)DataLoadJobParser.Parse($$"""{"job_id":"s","job_type":"universe_seed","universe_type":"{{type}}","refresh":true}""").Job!;
        Assert.Equal(file, job.CandidateFiles[0]);
        Assert.True(job.Refresh);
    }

    [Theory]
    [InlineData("{not json", null, "malformed JSON")]
    [InlineData("[1,2,3]", null, "JSON object")]
    [InlineData("", null, "empty")]
    [InlineData("""{"job_type":"csv_universe_load","csv_file":"sp_500.csv"}""", null, "job_id")]
    [InlineData("""{"job_id":"a:b","job_type":"csv_universe_load","csv_file":"sp_500.csv"}""", null, "':'")]
    [InlineData("""{"job_id":"","job_type":"csv_universe_load"}""", null, "job_id")]
    [InlineData("""{"job_id":"j1","job_type":"nuke_everything"}""", "j1", "unknown job_type")]
    [InlineData("""{"job_id":"j1"}""", "j1", "job_type")]
    [InlineData("""{"job_id":"j1","job_type":"csv_universe_load"}""", "j1", "csv_file")]
    [InlineData("""{"job_id":"j1","job_type":"historical_load"}""", "j1", "symbols")]
    [InlineData("""{"job_id":"j1","job_type":"historical_load","symbols":[]}""", "j1", "symbols is empty")]
    [InlineData("""{"job_id":"j1","job_type":"historical_load","symbols":[1,2]}""", "j1", "list of strings")]
    [InlineData("""{"job_id":"j1","job_type":"historical_load","symbols":["A"],"timespan":"week"}""", "j1", "timespan")]
    [InlineData("""{"job_id":"j1","job_type":"universe_seed"}""", "j1", "universe_type")]
    [InlineData("""{"job_id":"j1","job_type":"universe_seed","universe_type":"../../etc"}""", "j1", "unknown universe_type")]
    [InlineData("""{"job_id":"j1","job_type":"csv_universe_load","csv_file":"sp_500.csv","years":0}""", "j1", "0 < years <= 30")]
    [InlineData("""{"job_id":"j1","job_type":"csv_universe_load","csv_file":"sp_500.csv","years":-1}""", "j1", "0 < years <= 30")]
    [InlineData("""{"job_id":"j1","job_type":"csv_universe_load","csv_file":"sp_500.csv","years":31}""", "j1", "0 < years <= 30")]
    [InlineData("""{"job_id":"j1","job_type":"csv_universe_load","csv_file":"sp_500.csv","years":"many"}""", "j1", "years must be a number")]
    [InlineData("""{"job_id":"j1","job_type":"csv_universe_load","csv_file":"sp_500.csv","years":1e400}""", "j1", "years")]
    [InlineData("""{"job_id":"j1","job_type":"csv_universe_load","csv_file":"sp_500.csv","include_ohlcv":"maybe"}""", "j1", "include_ohlcv")]
    [InlineData("""{"job_id":"j1","job_type":"csv_universe_load","csv_file":"../../etc/passwd"}""", "j1", "bare file name")]
    [InlineData("""{"job_id":"j1","job_type":"csv_universe_load","csv_file":"/etc/passwd.csv"}""", "j1", "bare file name")]
    [InlineData("""{"job_id":"j1","job_type":"csv_universe_load","csv_file":"..\\secret.csv"}""", "j1", "bare file name")]
    [InlineData("""{"job_id":"j1","job_type":"csv_universe_load","csv_file":"sp_500.csv\u0000"}""", "j1", "control")]
    [InlineData("""{"job_id":"j1","job_type":"csv_universe_load","csv_file":42}""", "j1", "csv_file must be a string")]
    [InlineData("""{"job_id":"j1","job_type":"universe_seed","universe_type":"CUSTOM","csv_file":"../x.csv"}""", "j1", "bare file name")]
    public void Hostile_messages_fail_with_a_message(string message, string? jobId, string expected)
    {
        var r = DataLoadJobParser.Parse(message);
        Assert.False(r.Succeeded);
        Assert.Null(r.Job);
        Assert.Equal(jobId, r.JobId);
        Assert.Contains(expected, r.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Oversized_messages_are_rejected_but_keep_their_job_id()
    {
        var padding = new string('x', DataLoadJobParser.MaxMessageBytes);
        var r = DataLoadJobParser.Parse($$"""{"nested":{"job_id":"inner"},"job_id":"big-1","job_type":"csv_universe_load","pad":"{{padding}}"}""");
        Assert.False(r.Succeeded);
        Assert.Equal("big-1", r.JobId);
        Assert.Contains("exceeds", r.ErrorMessage, StringComparison.Ordinal);

        var noId = DataLoadJobParser.Parse("{\"pad\":\"" + padding + "\"");
        Assert.False(noId.Succeeded);
        Assert.Null(noId.JobId);
    }

    [Fact]
    public void Deeply_nested_json_is_rejected()
    {
        var deep = "{\"job_id\":\"d\",\"x\":" + new string('[', 1000) + new string(']', 1000) + "}";
        var r = DataLoadJobParser.Parse(deep);
        Assert.False(r.Succeeded);
        Assert.Contains("malformed JSON", r.ErrorMessage, StringComparison.Ordinal);
    }
}
