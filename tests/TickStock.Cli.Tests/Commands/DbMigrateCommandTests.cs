using TickStock.Testing;

namespace TickStock.Cli.Tests.Commands;

public class DbMigrateCommandTests
{
    [Fact]
    public async Task Db_migrate_run_twice_succeeds_and_the_second_run_changes_nothing()
    {
        await using var schema = await ScratchSchema.CreateAsync("cli");
        var environment = new Dictionary<string, string?> { ["TICKSTOCK_PG"] = schema.ConnectionString };

        using (var first = ChildProcess.StartCli(["db", "migrate"], environment))
        {
            Assert.Equal(0, await first.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains($"Applied migrations 1, 2, 3 to schema '{schema.Name}'", first.Output, StringComparison.Ordinal);
        }

        using (var second = ChildProcess.StartCli(["db", "migrate"], environment))
        {
            Assert.Equal(0, await second.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains($"Schema '{schema.Name}' at 127.0.0.1", second.Output, StringComparison.Ordinal);
            Assert.Contains("is up to date (version 3)", second.Output, StringComparison.Ordinal);
        }

        Assert.Equal(3L, await schema.ScalarAsync<long>("SELECT count(*) FROM tickstock_schema_migrations"));
    }

    [Fact]
    public async Task Db_migrate_stops_with_a_clear_message_on_a_conflicting_object()
    {
        await using var schema = await ScratchSchema.CreateAsync("cli");
        await schema.ExecuteAsync("CREATE TABLE ohlcv_daily (symbol varchar(10), date date, close real)");

        using var run = ChildProcess.StartCli(["db", "migrate"], new Dictionary<string, string?> { ["TICKSTOCK_PG"] = schema.ConnectionString });

        Assert.Equal(3, await run.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("migration stopped: existing table", run.Output, StringComparison.Ordinal);
        Assert.Contains("ohlcv_daily", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Db_migrate_against_an_unreachable_database_fails_without_hanging()
    {
        using var run = ChildProcess.StartCli(["db", "migrate"], new Dictionary<string, string?>
        {
            ["TICKSTOCK_PG"] = "Host=127.0.0.1;Port=9;Database=tickstock;Username=app_readwrite",
        });

        Assert.Equal(4, await run.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("cannot reach PostgreSQL at 127.0.0.1:9", run.Output, StringComparison.Ordinal);
    }
}
