using System.CommandLine;
using System.Globalization;
using Npgsql;
using Spectre.Console;
using Spectre.Console.Rendering;
using StackExchange.Redis;
using TickStock.Core.Contracts;

namespace TickStock.Cli.Commands;

/// <summary>
/// `tickstock monitor`: the consumer-side view of the producer — Redis heartbeat age, database
/// heartbeat rows, recent flows with their latency, patterns nobody received, checkpoint counts.
/// </summary>
internal static class MonitorCommand
{
    public static Command Create()
    {
        var watch = new Option<bool>("--watch") { Description = "Refresh every --interval seconds until Ctrl+C." };
        var interval = new Option<double>("--interval") { Description = "Refresh period for --watch, seconds.", DefaultValueFactory = _ => 2 };
        var window = new Option<int>("--minutes") { Description = "How far back flows and counts look.", DefaultValueFactory = _ => 60 };
        var node = new Option<string?>("--node") { Description = "host:port of a node's management endpoint for the node view (default TICKSTOCK_CTL_NODE, else 127.0.0.1:9110); skipped when it does not answer." };
        var command = new Command("monitor", "Show producer liveness and pattern-flow health as the consumer sees it, and the cluster as a node sees it.") { watch, interval, window, node };
        command.SetAction((parse, ct) => CliServices.RunAsync(async () =>
        {
            var options = CliServices.Options();
            await using var db = await CliServices.PostgresAsync(options, ct).ConfigureAwait(false);
            await using var redis = await CliServices.RedisAsync(options, "tickstock-monitor").ConfigureAwait(false);
            if (Console.IsOutputRedirected)
            {
                // Piped or captured: no terminal width to detect; do not wrap ids and paths into unreadable columns.
                AnsiConsole.Profile.Width = int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), out var columns) && columns > 40 ? columns : 160;
            }

            using var nodeView = MonitorNodeView.For(parse.GetValue(node))
                ?? throw new CliException($"--node '{parse.GetValue(node)}' is not host:port", ExitCodes.ConfigurationError);
            var snapshot = new MonitorSnapshot(db, redis.GetDatabase(), options.Pipeline.Channels.HeartbeatKey, parse.GetValue(window), nodeView);
            if (!parse.GetValue(watch))
            {
                AnsiConsole.Write(await snapshot.RenderAsync(ct).ConfigureAwait(false));
                return ExitCodes.Ok;
            }

            var period = TimeSpan.FromSeconds(Math.Max(0.5, parse.GetValue(interval)));
            await AnsiConsole.Live(new Text("loading…")).StartAsync(async live =>
            {
                while (!ct.IsCancellationRequested)
                {
                    live.UpdateTarget(await snapshot.RenderAsync(ct).ConfigureAwait(false));
                    try
                    {
                        await Task.Delay(period, ct).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                }
            }).ConfigureAwait(false);
            return ExitCodes.Ok;
        }));
        return command;
    }
}

/// <summary>Reads everything the monitor shows; pure rendering of the results.</summary>
internal sealed class MonitorSnapshot(NpgsqlDataSource db, IDatabase redis, string heartbeatKey, int minutes, MonitorNodeView? node = null)
{
    public async Task<IRenderable> RenderAsync(CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        var rows = new List<IRenderable>
        {
            new Rule($"[bold]TickStock monitor[/] — {now:yyyy-MM-dd HH:mm:ss} UTC, last {minutes} min").LeftJustified(),
            await LivenessAsync(now, ct).ConfigureAwait(false),
        };
        if (node is not null) rows.Add(await node.RenderAsync(ct).ConfigureAwait(false));
        rows.AddRange(
        [
            await FlowsAsync(ct).ConfigureAwait(false),
            await UnreceivedAsync(ct).ConfigureAwait(false),
            await CheckpointsAsync(ct).ConfigureAwait(false),
        ]);
        return new Rows(rows);
    }

    /// <summary>Alive &lt; 90 s, Delayed &lt; 180 s, else Stale (the consumer's thresholds).</summary>
    public static string Classify(double ageSeconds) => ageSeconds < 90 ? "[green]Alive[/]" : ageSeconds < 180 ? "[yellow]Delayed[/]" : "[red]Stale[/]";

    /// <summary>&lt; 100 ms green, &lt; 500 ms yellow, else red.</summary>
    public static string LatencyColour(double ms) => ms < 100 ? "green" : ms < 500 ? "yellow" : "red";

    private async Task<IRenderable> LivenessAsync(DateTimeOffset now, CancellationToken ct)
    {
        var table = new Table().Title("Producer liveness").AddColumns("signal", "last seen", "age", "status");
        var value = await redis.StringGetAsync(heartbeatKey).ConfigureAwait(false);
        if (value.HasValue && double.TryParse(value.ToString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var beat))
        {
            var age = UnixTime.Seconds(now) - beat;
            // The consumer's fallback detector takes over when this key is 30 s old.
            var status = age < 10.5 ? "[green]Alive[/]" : age < 30 ? "[yellow]Delayed[/]" : "[red]Stale (consumer fallback active)[/]";
            table.AddRow($"Redis {Markup.Escape(heartbeatKey)}", UnixTime.FromSeconds(beat).ToString("HH:mm:ss", CultureInfo.InvariantCulture), $"{age:0.0} s", status);
        }
        else
        {
            table.AddRow($"Redis {Markup.Escape(heartbeatKey)}", "-", "-", "[red]missing[/]");
        }

        await using var cmd = db.CreateCommand(
            "SELECT source_system, max(\"timestamp\"), extract(epoch FROM now() - max(\"timestamp\"))::float8 FROM integration_events WHERE checkpoint = 'PRODUCER_ALIVE' GROUP BY source_system ORDER BY 1");
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var any = false;
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            any = true;
            var age = reader.GetDouble(2);
            table.AddRow($"DB PRODUCER_ALIVE ({Markup.Escape(reader.GetString(0))})",
                reader.GetFieldValue<DateTime>(1).ToString("HH:mm:ss", CultureInfo.InvariantCulture), $"{age:0} s", Classify(age));
        }

        if (!any) table.AddRow("DB PRODUCER_ALIVE", "-", "-", "[red]no rows[/]");
        return table;
    }

    private async Task<IRenderable> FlowsAsync(CancellationToken ct)
    {
        var table = new Table().Title("Recent pattern flows").AddColumns("start", "symbol", "pattern", "checkpoints", "latency", "path");
        await using var cmd = db.CreateCommand(
            """
            SELECT min("timestamp"), symbol, pattern_name, count(*),
                   extract(epoch FROM max("timestamp") - min("timestamp")) * 1000,
                   array_to_string(array_agg(checkpoint ORDER BY "timestamp"), ' → ')
            FROM integration_events
            WHERE flow_id IN (SELECT flow_id FROM integration_events WHERE checkpoint = 'PATTERN_PUBLISHED'
                              AND "timestamp" > now() - make_interval(mins => $1) ORDER BY "timestamp" DESC LIMIT 15)
            GROUP BY flow_id, symbol, pattern_name ORDER BY 1 DESC
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = minutes });
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            var latency = (double)reader.GetDecimal(4);
            table.AddRow(reader.GetFieldValue<DateTime>(0).ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture),
                Markup.Escape(reader.IsDBNull(1) ? "" : reader.GetString(1)), Markup.Escape(reader.IsDBNull(2) ? "" : reader.GetString(2)),
                reader.GetInt64(3).ToString(CultureInfo.InvariantCulture),
                $"[{LatencyColour(latency)}]{latency:0.0} ms[/]", Markup.Escape(reader.GetString(5)));
        }

        if (table.Rows.Count == 0) table.AddRow("-", "-", "-", "-", "-", "no PATTERN_PUBLISHED rows in the window");
        return table;
    }

    private async Task<IRenderable> UnreceivedAsync(CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(
            """
            SELECT count(*), string_agg(symbol || ' ' || pattern_name, ', ') FILTER (WHERE rn <= 5)
            FROM (SELECT p.symbol, p.pattern_name, row_number() OVER (ORDER BY p."timestamp" DESC) AS rn
                  FROM integration_events p
                  WHERE p.checkpoint = 'PATTERN_PUBLISHED' AND p."timestamp" > now() - make_interval(mins => $1)
                    AND p."timestamp" < now() - interval '10 seconds'
                    AND NOT EXISTS (SELECT 1 FROM integration_events r WHERE r.flow_id = p.flow_id AND r.checkpoint = 'EVENT_RECEIVED')) x
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = minutes });
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        await reader.ReadAsync(ct).ConfigureAwait(false);
        var count = reader.GetInt64(0);
        var sample = reader.IsDBNull(1) ? "" : reader.GetString(1);
        return new Panel(count == 0
                ? new Markup("[green]every published pattern older than 10 s was received by a consumer[/]")
                : new Markup($"[red]{count} published pattern(s) never received[/] (latest: {Markup.Escape(sample)})"))
            .Header("Published but not received");
    }

    private async Task<IRenderable> CheckpointsAsync(CancellationToken ct)
    {
        var table = new Table().Title("Checkpoints").AddColumns("source", "checkpoint", "rows");
        await using var cmd = db.CreateCommand(
            "SELECT source_system, checkpoint, count(*) FROM integration_events WHERE \"timestamp\" > now() - make_interval(mins => $1) GROUP BY 1, 2 ORDER BY 1, 2");
        cmd.Parameters.Add(new NpgsqlParameter { Value = minutes });
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            table.AddRow(Markup.Escape(reader.GetString(0)), Markup.Escape(reader.GetString(1)), reader.GetInt64(2).ToString("N0", CultureInfo.InvariantCulture));
        }

        return table;
    }
}
