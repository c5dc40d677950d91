using TickStock.Core.BarFiles;
using Xunit;

namespace TickStock.Core.Tests.BarFiles;

public sealed class BarFileReaderTests
{
    [Fact]
    public void Reads_daily_files_with_extra_columns_in_any_case_and_order()
    {
        const string csv = "Date,Open,High,Low,Close,Adj_Close,VOLUME\n2004-08-19,2.25,2.27,2.16,2.19,1.96,97230000\n\n2004-08-20,2.19,2.21,2.17,2.20,1.97,79195200\n";
        List<BarRow> rows = BarFileReader.ReadAll(new StringReader(csv));
        Assert.Equal(2, rows.Count);
        Assert.Equal("2004-08-19", rows[0].TimeText);
        Assert.Equal(2, rows[0].LineNumber);
        Assert.Equal(4, rows[1].LineNumber);
        Assert.Equal(2.19, rows[0].Bar.Close);
        Assert.Equal(97230000, rows[0].Bar.Volume);
        Assert.Equal(20040819, rows[0].Bar.SessionDate);
        Assert.Equal(-1, rows[0].Bar.MinuteOfSession);
        Assert.Equal(new DateTime(2004, 8, 19, 0, 0, 0, DateTimeKind.Utc), rows[0].Bar.TimeUtc);
    }

    [Fact]
    public void Reads_columns_in_another_order()
    {
        const string csv = "volume,close,low,high,open,timestamp\n100,4,1,5,2,2020-12-15 09:30\n";
        BarRow row = Assert.Single(BarFileReader.ReadAll(new StringReader(csv)));
        Assert.Equal((2.0, 5.0, 1.0, 4.0, 100.0), (row.Bar.Open, row.Bar.High, row.Bar.Low, row.Bar.Close, row.Bar.Volume));
    }

    [Fact]
    public void Naive_minute_times_are_exchange_local()
    {
        const string csv = "datetime,open,high,low,close,volume\n2020-12-15 09:30,1,2,0.5,1.5,10\n2020-12-15 10:15,1,2,0.5,1.5,10\n";
        List<BarRow> rows = BarFileReader.ReadAll(new StringReader(csv));
        Assert.Equal(0, rows[0].Bar.MinuteOfSession);
        Assert.Equal(45, rows[1].Bar.MinuteOfSession);
        Assert.Equal(20201215, rows[1].Bar.SessionDate);
        // 09:30 EST = 14:30 UTC
        Assert.Equal(new DateTime(2020, 12, 15, 14, 30, 0, DateTimeKind.Utc), rows[0].Bar.TimeUtc);
        Assert.Equal("2020-12-15 09:30", rows[0].TimeText);
    }

    [Fact]
    public void Instants_with_offsets_and_unix_seconds_are_converted()
    {
        const string csv = "timestamp,open,high,low,close,volume\n2020-12-15T14:31:00Z,1,2,0.5,1.5,10\n1608042720,1,2,0.5,1.5,10\n";
        List<BarRow> rows = BarFileReader.ReadAll(new StringReader(csv));
        Assert.Equal(1, rows[0].Bar.MinuteOfSession);
        Assert.Equal(2, rows[1].Bar.MinuteOfSession); // 2020-12-15T14:32:00Z
    }

    [Fact]
    public void Quoted_fields_are_supported()
    {
        const string csv = "date,open,high,low,close,volume,name\n\"2020-01-02\",\"1\",2,0.5,1.5,10,\"Brown, \"\"Forman\"\"\"\n";
        Assert.Single(BarFileReader.ReadAll(new StringReader(csv)));
    }

    [Theory]
    [InlineData("date,open,high,low,close,volume\n2020-01-02,1,2,0.5,1.5,10\n2020-01-03,1,x,0.5,1.5,10\n", 3, "high")]
    [InlineData("date,open,high,low,close,volume\n2020-01-02,1,2,0.5,1.5\n", 2, "fields")]
    [InlineData("date,open,high,low,close,volume\n2020-13-45,1,2,0.5,1.5,10\n", 2, "time")]
    [InlineData("date,open,high,low,close\n2020-01-02,1,2,0.5,1.5\n", 1, "volume")]
    [InlineData("when,open,high,low,close,volume\n", 1, "date")]
    [InlineData("date,open,high,low,close,volume\n2020-01-02,\"1,2,0.5,1.5,10\n2020-01-03,1,2,0.5,1.5,10\n", 2, "unterminated quoted field")]
    [InlineData("date,open,high,low,close,volume\n\n2020-01-02,\"1\"x,2,0.5,1.5,10\n", 3, "unexpected text after a quoted field")]
    public void Bad_rows_name_their_line(string csv, int line, string mentions)
    {
        var ex = Assert.Throws<BarFileFormatException>(() => BarFileReader.ReadAll(new StringReader(csv)));
        Assert.Equal(line, ex.LineNumber);
        Assert.StartsWith($"line {line}:", ex.Message, StringComparison.Ordinal);
        Assert.Contains(mentions, ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Reads_the_shared_minute_file_format()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "TestData", "MSFT.csv");
        using var reader = new StreamReader(path);
        List<BarRow> rows = BarFileReader.ReadAll(reader);
        Assert.Equal(8111, rows.Count);
        Assert.Equal("1990-01-02", rows[0].TimeText);
    }
}
