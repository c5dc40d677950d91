using System.CommandLine;
using TickStock.Cli;
using TickStock.Cli.Commands;

var root = new RootCommand(
    """
    TickStock.Actors — the TickStockPL pattern producer.

    Runs the daemon (pattern detection, publishing to Redis, audit rows in PostgreSQL, history
    loading) and the operator tools around it. Configuration: appsettings.json, then environment
    variables TICKSTOCK_REDIS, TICKSTOCK_PG, TICKSTOCK_DATA_DIR, POLYGON_API_KEY, POLYGON_BASE_URL,
    POLYGON_RATE_PER_MIN, TICKSTOCK_MARKET_DATA, TICKSTOCK_SYNTHETIC_SYMBOLS, TICKSTOCK_NOW.
    """);
root.Subcommands.Add(RunCommand.Create());
root.Subcommands.Add(DbCommand.Create());
root.Subcommands.Add(TestPatternCommand.Create());
root.Subcommands.Add(MonitorCommand.Create());
root.Subcommands.Add(ScanCommand.Create());
root.Subcommands.Add(BacktestCommand.Create());
root.Subcommands.Add(BenchCommand.Create());
root.Subcommands.Add(JobCommand.Create());
root.Subcommands.Add(PolygonStubCommand.Create());
root.Subcommands.Add(CtlCommand.Create());

// The daemon handles SIGINT/SIGTERM itself (coordinated shutdown); System.CommandLine must not
// cut it short with its own termination timeout.
ParseResult parsed = root.Parse(args);
int exitCode = await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }).ConfigureAwait(false);

// System.CommandLine answers a parse error (unknown option, missing argument) with 1; our table says 2.
return parsed.Errors.Count > 0 ? ExitCodes.ConfigurationError : exitCode;
