using System.Text;
using TickStock.Core.Universe;
using Xunit;

namespace TickStock.Core.Tests.Universe;

public sealed class UniverseCsvParserTests
{
    [Fact]
    public void Lower_case_duplicate_invalid_and_blank_rows()
    {
        var csv = "Symbol,Name,Sector,Extra\nAAPL,Apple Inc.,Tech,x\n aapl ,dup,,\n\n,no symbol,,\n123BAD,Bad,,\nBRK.B,Berkshire,\"Financials, Insurance\",\nTOOLONGSYMBOL1,x,,\n";
        var r = UniverseCsvParser.ParseText(csv);
        Assert.True(r.Succeeded);
        Assert.Equal(["AAPL", "BRK.B"], r.Symbols.Select(s => s.Symbol));
        Assert.Equal(["123BAD", "TOOLONGSYMBOL1"], r.InvalidSymbols.Select(s => s.Symbol));
        Assert.Equal(4, r.TotalSymbols);
        Assert.Equal(1, r.DuplicatesSkipped);
        Assert.Equal(2, r.BlankRowsSkipped);
        Assert.Equal("Financials, Insurance", r.Symbols[1].Sector);
        Assert.Equal("Apple Inc.", r.Symbols[0].Name);
    }

    [Fact]
    public void Bom_and_crlf_and_symbol_only_header()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("SYMBOL\r\nmsft\r\nspy\r\n")).ToArray();
        var r = UniverseCsvParser.Parse(new MemoryStream(bytes));
        Assert.True(r.Succeeded, r.Error);
        Assert.Equal(["MSFT", "SPY"], r.Symbols.Select(s => s.Symbol));
        Assert.Null(r.Symbols[0].Name);
    }

    [Fact]
    public void Bom_inside_a_string_header_is_tolerated()
    {
        var r = UniverseCsvParser.ParseText("\uFEFFsymbol,name\nA,Agilent");
        Assert.Equal("A", Assert.Single(r.Symbols).Symbol);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("\n\n", "empty")]
    [InlineData("ticker,name\nAAPL,Apple\n", "'symbol'")]
    public void Unusable_files_fail_with_a_reason(string csv, string expected)
    {
        var r = UniverseCsvParser.ParseText(csv);
        Assert.False(r.Succeeded);
        Assert.Contains(expected, r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Huge_files_and_fields_are_bounded()
    {
        var big = new StringBuilder("symbol\n");
        for (var i = 0; i < 5000; i++)
        {
            big.Append('A').Append(i.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append('\n');
        }

        var tooBig = UniverseCsvParser.ParseText(big.ToString(), new UniverseParseLimits(MaxChars: 10_000));
        Assert.False(tooBig.Succeeded);
        Assert.Contains("exceeds", tooBig.Error, StringComparison.Ordinal);

        var tooMany = UniverseCsvParser.ParseText(big.ToString(), new UniverseParseLimits(MaxSymbols: 100));
        Assert.False(tooMany.Succeeded);

        var hugeField = UniverseCsvParser.ParseText("symbol,name\nAAPL,\"" + new string('x', 100_000) + "\"\n");
        Assert.False(hugeField.Succeeded);

        // An unterminated quote would swallow the rest of the file (MSFT): the file is refused, naming the line.
        var open = UniverseCsvParser.ParseText("symbol,name\nAAPL,\"never closed\nMSFT,x\n");
        Assert.False(open.Succeeded);
        Assert.Equal("universe file rejected: line 2: unterminated quoted field", open.Error);
        Assert.Empty(open.Symbols);

        var trailing = UniverseCsvParser.ParseText("symbol,name\nAAPL,\"Apple\" Inc\n");
        Assert.Equal("universe file rejected: line 2: unexpected text after a quoted field", trailing.Error);
    }

    [Fact]
    public void Long_invalid_symbols_are_shortened_for_reporting_and_names_capped()
    {
        var r = UniverseCsvParser.ParseText("symbol,name\n" + new string('Z', 500) + ",x\nOK," + new string('n', 1000) + "\n");
        Assert.True(r.InvalidSymbols.Single().Symbol.Length <= 25);
        Assert.Equal(200, r.Symbols.Single().Name!.Length);
    }

    [Theory]
    [InlineData("sp_500.csv", 503, "BRK.B")]
    [InlineData("nasdaq_100.csv", 101, "GOOGL")]
    [InlineData("dow_30.csv", 30, "NVDA")]
    [InlineData("curated_etfs.csv", 36, "SPY")]
    public void Real_universe_files_parse(string file, int count, string contains)
    {
        var path = Path.Combine(FindRepoRoot(), "data", "universes", file);
        using var stream = File.OpenRead(path);
        var r = UniverseCsvParser.Parse(stream);
        Assert.True(r.Succeeded, r.Error);
        Assert.Equal(count, r.Symbols.Count);
        Assert.Empty(r.InvalidSymbols);
        Assert.Contains(r.Symbols, s => s.Symbol == contains);
        Assert.Contains(r.Symbols, s => s.Name is not null && s.Name.Any(c => c > 127) || file != "sp_500.csv");
    }

    [Theory]
    [InlineData("../etc/passwd.csv")]
    [InlineData("..")]
    [InlineData("/etc/passwd")]
    [InlineData("sub/sp_500.csv")]
    [InlineData("..\\sp_500.csv")]
    [InlineData("C:sp_500.csv")]
    [InlineData("sp_500.csv\0")]
    [InlineData(".hidden.csv")]
    [InlineData("notes.txt")]
    [InlineData("")]
    [InlineData(" sp_500.csv")]
    public void Csv_file_names_outside_the_folder_are_rejected(string name)
    {
        Assert.NotNull(UniverseFiles.ValidateFileName(name));
        Assert.Null(UniverseFiles.ResolvePath("/data/universes", name, out var error));
        Assert.NotNull(error);
    }

    [Fact]
    public void Bare_names_resolve_inside_the_folder()
    {
        var path = UniverseFiles.ResolvePath("/data/universes", "curated-etfs.csv", out var error);
        Assert.Null(error);
        Assert.Equal(Path.GetFullPath("/data/universes/curated-etfs.csv"), path);
        Assert.Equal(["sp_500.csv"], UniverseFiles.CandidatesForType("sp500"));
        Assert.Equal(["curated_etfs.csv", "curated-etfs.csv"], UniverseFiles.CandidatesForType("ETF"));
        Assert.Equal(["dow_30.csv"], UniverseFiles.CandidatesForType("DOW30"));
        Assert.Equal(["nasdaq_100.csv"], UniverseFiles.CandidatesForType("NASDAQ100"));
        Assert.Equal(["russell_3000_part1.csv"], UniverseFiles.CandidatesForType("RUSSELL_3000_PART1"));
        Assert.Empty(UniverseFiles.CandidatesForType("../x"));
    }

    [Fact]
    public void Both_spellings_of_the_etf_file_find_each_other_and_other_names_stay_as_given()
    {
        Assert.Equal(["curated-etfs.csv", "curated_etfs.csv"], UniverseFiles.CandidatesForFile("curated-etfs.csv"));
        Assert.Equal(["curated_etfs.csv", "curated-etfs.csv"], UniverseFiles.CandidatesForFile("curated_etfs.csv"));
        Assert.Equal(["sp_500.csv"], UniverseFiles.CandidatesForFile("sp_500.csv"));
    }

    [Fact]
    public void The_universe_types_the_consumer_names_are_all_shipped()
    {
        var folder = Path.Combine(FindRepoRoot(), "data", "universes");
        foreach (var type in new[] { "SP500", "NASDAQ100", "DOW30", "ETF" })
        {
            Assert.True(UniverseFiles.CandidatesForType(type).Any(f => File.Exists(Path.Combine(folder, f))), type + " has no file in data/universes");
        }
    }

    internal static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (Directory.Exists(Path.Combine(dir.FullName, "data", "universes")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("repository root not found");
    }
}
