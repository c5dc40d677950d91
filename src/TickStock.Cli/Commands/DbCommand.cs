using System.CommandLine;
using Npgsql;
using TickStock.Actors.Configuration;
using TickStock.Actors.Infrastructure;
using TickStock.Actors.Persistence;
using TickStock.Daemon.Configuration;

namespace TickStock.Cli.Commands;

/// <summary>`tickstock db …`: database maintenance.</summary>
internal static class DbCommand
{
    public static Command Create()
    {
        var db = new Command("db", "Database maintenance.");
        var migrate = new Command("migrate",
            "Apply the embedded schema migrations to TICKSTOCK_PG (idempotent; existing matching objects are left alone, differing ones stop the run).");
        migrate.SetAction((_, ct) => MigrateAsync(ct));
        db.Subcommands.Add(migrate);
        return db;
    }

    private static Task<int> MigrateAsync(CancellationToken ct) => CliServices.RunAsync(async () =>
    {
        var options = CliServices.Options();
        var where = ServiceEndpoints.DescribePostgres(options.Postgres.ConnectionString);
        await using var dataSource = PostgresDataSource.Create(options.Postgres);
        try
        {
            var report = await new SchemaMigrator(dataSource).MigrateAsync(ct).ConfigureAwait(false);
            Console.WriteLine(report.Applied.Count == 0
                ? $"Schema '{report.Schema}' at {where} is up to date (version {report.CurrentVersion})."
                : $"Applied migrations {string.Join(", ", report.Applied)} to schema '{report.Schema}' at {where}; " +
                  $"created: {List(report.Created)}; existing and matching: {List(report.Adopted)}.");
            return ExitCodes.Ok;
        }
        catch (SchemaMismatchException ex)
        {
            throw new CliException("migration stopped: " + ex.Message, ExitCodes.DatabaseConflict);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            throw new CliException($"cannot reach PostgreSQL at {where}: {ex.Message.Split('\n')[0]}", ExitCodes.PostgresUnreachable);
        }
    });

    private static string List(IReadOnlyList<string> names) => names.Count == 0 ? "none" : string.Join(", ", names);
}
