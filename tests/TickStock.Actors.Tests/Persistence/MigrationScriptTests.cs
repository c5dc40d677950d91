using TickStock.Actors.Persistence;

namespace TickStock.Actors.Tests.Persistence;

public class MigrationScriptTests
{
    [Fact]
    public void Parses_object_sections_and_the_always_section_in_order()
    {
        const string sql = """
            -- header: an "object:" or "always" inside a sentence is not a marker
            -- object: table a_table
            CREATE TABLE a_table (id INT);
            -- object: view a_view
            CREATE VIEW a_view AS SELECT id FROM a_table;
            -- always
            CREATE INDEX IF NOT EXISTS a_idx ON a_table (id);
            """;

        var script = MigrationScript.Parse("0007_example.sql", sql);

        Assert.Equal(7, script.Version);
        Assert.Equal("example", script.Name);
        Assert.Equal(["a_table", "a_view"], script.Objects.Select(o => o.Name));
        Assert.Equal([SchemaObjectKind.Table, SchemaObjectKind.View], script.Objects.Select(o => o.Kind));
        Assert.Equal("CREATE TABLE a_table (id INT);", script.Objects[0].CreateSql);
        Assert.Equal("CREATE INDEX IF NOT EXISTS a_idx ON a_table (id);", script.AlwaysSql);
    }

    [Fact]
    public void Checksum_changes_with_the_text_but_not_with_line_endings()
    {
        var a = MigrationScript.Parse("0001_x.sql", "-- object: table t\nCREATE TABLE t (id INT);\n");
        var crlf = MigrationScript.Parse("0001_x.sql", "-- object: table t\r\nCREATE TABLE t (id INT);\r\n");
        var changed = MigrationScript.Parse("0001_x.sql", "-- object: table t\nCREATE TABLE t (id BIGINT);\n");

        Assert.Equal(a.Checksum, crlf.Checksum);
        Assert.NotEqual(a.Checksum, changed.Checksum);
    }

    [Theory]
    [InlineData("1_x.sql")]
    [InlineData("0001-x.sql")]
    [InlineData("0001_x.txt")]
    public void Rejects_badly_named_files(string fileName)
    {
        Assert.Throws<FormatException>(() => MigrationScript.Parse(fileName, "SELECT 1;"));
    }

    [Fact]
    public void Rejects_an_object_declared_twice()
    {
        const string sql = "-- object: table t\nCREATE TABLE t (id INT);\n-- object: table t\nCREATE TABLE t (id INT);";
        var ex = Assert.Throws<FormatException>(() => MigrationScript.Parse("0001_x.sql", sql));
        Assert.Contains("'t' twice", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Embedded_migrations_are_ordered_and_declare_every_contract_object()
    {
        var scripts = MigrationScript.LoadEmbedded();

        Assert.Equal(scripts.Select(s => s.Version).Order(), scripts.Select(s => s.Version));
        var objects = scripts.SelectMany(s => s.Objects).Select(o => o.Name).ToHashSet();
        foreach (var name in new[] { "integration_events", "log_integration_event", "pattern_flow_analysis", "symbols",
                     "ohlcv_1min", "ohlcv_hourly", "ohlcv_daily", "ohlcv_weekly", "ohlcv_monthly" })
        {
            Assert.Contains(name, objects);
        }
    }
}
