using TickStock.Core.Csv;
using Xunit;

namespace TickStock.Core.Tests.Csv;

/// <summary>The one CSV reader: RFC 4180 records, line numbers, bounds and errors that name the line.</summary>
public class CsvRecordReaderTests
{
    private static List<(int Line, List<string> Fields)> ReadAll(string text, CsvLimits? limits = null)
    {
        var reader = new CsvRecordReader(new StringReader(text), limits);
        var records = new List<(int, List<string>)>();
        while (reader.ReadRecord() is { } record)
        {
            records.Add((reader.LineNumber, record));
        }

        return records;
    }

    [Fact]
    public void Quoted_fields_hold_commas_doubled_quotes_and_line_breaks_and_lines_are_counted_through_them()
    {
        var records = ReadAll("\uFEFFa,b\r\n\"x, y\",\"say \"\"hi\"\"\"\n\"two\r\nlines\",z\n\nlast,\"\"");

        Assert.Equal(
            [
                (1, ["a", "b"]),
                (2, ["x, y", "say \"hi\""]),
                (3, ["two\r\nlines", "z"]),
                (5, [""]),
                (6, ["last", ""]),
            ],
            records.Select(r => (r.Line, r.Fields.ToArray())).ToList(),
            (x, y) => x.Item1 == y.Item1 && x.Item2.SequenceEqual(y.Item2));
        Assert.True(CsvRecordReader.IsBlank(records[3].Fields));
    }

    [Fact]
    public void A_quote_inside_an_unquoted_field_is_text()
    {
        Assert.Equal(["5\" pipe", "x"], ReadAll("5\" pipe,x")[0].Fields);
    }

    [Theory]
    [InlineData("a,b\nc,\"open\nd,e\n", 2, "unterminated quoted field")]
    [InlineData("a,b\n\"q\"x,b\n", 2, "unexpected text after a quoted field")]
    public void Malformed_quoting_throws_naming_the_line(string text, int line, string reason)
    {
        var ex = Assert.Throws<CsvFormatException>(() => ReadAll(text));
        Assert.Equal((line, reason, false), (ex.LineNumber, ex.Reason, ex.LimitExceeded));
        Assert.Equal($"line {line}: {reason}", ex.Message);
    }

    [Fact]
    public void Bounds_are_enforced()
    {
        var tooLong = Assert.Throws<CsvFormatException>(() => ReadAll("a\nbbbbbb\n", new CsvLimits(MaxFieldChars: 5)));
        Assert.Equal((2, "a field exceeds 5 characters", true), (tooLong.LineNumber, tooLong.Reason, tooLong.LimitExceeded));

        var tooBig = Assert.Throws<CsvFormatException>(() => ReadAll("a,b\nc,d\n", new CsvLimits(MaxChars: 5)));
        Assert.Equal(("the file exceeds 5 characters", true), (tooBig.Reason, tooBig.LimitExceeded));
    }
}
