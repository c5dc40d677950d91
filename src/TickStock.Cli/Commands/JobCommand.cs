using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using StackExchange.Redis;
using TickStock.Actors.Configuration;
using TickStock.Actors.Infrastructure;
using TickStock.Actors.Loading;
using TickStock.Core.Jobs;
using TickStock.Daemon.Configuration;

namespace TickStock.Cli.Commands;

/// <summary>`tickstock job …`: submit, watch, cancel and list historical data-load jobs (contract §6).</summary>
internal static class JobCommand
{
    private static readonly string JobChannel = Env(JobChannelVariables.DataLoad, "tickstock.jobs.data_load");
    private static readonly string ControlChannel = Env(JobChannelVariables.Control, "tickstock.jobs.control");
    private static readonly string StatusPrefix = Env(JobChannelVariables.StatusPrefix, "tickstock.jobs.status:");

    private static string Env(string name, string fallback) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : fallback;

    public static Command Create()
    {
        var job = new Command("job", "Historical data-load jobs: submit, status, cancel, list (the same messages and status keys the consumer app uses).");
        job.Subcommands.Add(Submit());
        job.Subcommands.Add(Status());
        job.Subcommands.Add(Cancel());
        job.Subcommands.Add(List());
        return job;
    }

    private static Command Submit()
    {
        var years = new Option<double>("--years") { Description = "History to load, in years (0 < years <= 30; 0.003 ≈ 1 day, 0.02 ≈ 1 week).", DefaultValueFactory = _ => 1 };
        var wait = new Option<bool>("--wait") { Description = "Follow the job with a progress bar until it ends; exit 1 if it failed." };
        var jobId = new Option<string?>("--job-id") { Description = "Job id (default: cli-<time>-<random>)." };
        var timeout = new Option<int>("--timeout") { Description = "With --wait: give up waiting after this many seconds (0 = never; the job keeps running).", DefaultValueFactory = _ => 0 };

        var csvFile = new Argument<string>("csv_file") { Description = "A universe file name in the universes folder, e.g. sp_500.csv." };
        var universeType = new Option<string?>("--universe-type") { Description = "universe_type to send (e.g. SP500)." };
        var noOhlcv = new Option<bool>("--symbols-only") { Description = "include_ohlcv=false: only upsert the symbols table." };
        var csv = new Command("csv", "Load a universe file (csv_universe_load): its symbols, and their bars in all five OHLCV tables.")
        {
            csvFile, years, universeType, noOhlcv, jobId, wait, timeout,
        };
        csv.SetAction((p, ct) => SubmitAsync(new Dictionary<string, object?>
        {
            ["job_type"] = DataLoadJobTypes.CsvUniverseLoad,
            ["csv_file"] = p.GetValue(csvFile),
            ["universe_type"] = p.GetValue(universeType),
            ["years"] = p.GetValue(years),
            ["include_ohlcv"] = !p.GetValue(noOhlcv),
        }, p.GetValue(jobId), p.GetValue(wait), p.GetValue(timeout), ct));

        var symbolList = new Argument<string>("symbols") { Description = "Comma-separated tickers, e.g. AAPL,MSFT." };
        var timespan = new Option<string>("--timespan") { Description = "day (daily+weekly+monthly), hour (hourly), minute (1min+hourly).", DefaultValueFactory = _ => "day" };
        timespan.AcceptOnlyFromAmong("day", "hour", "minute");
        var symbols = new Command("symbols", "Load bars for a list of tickers (historical_load).")
        {
            symbolList, years, timespan, jobId, wait, timeout,
        };
        symbols.SetAction((p, ct) => SubmitAsync(new Dictionary<string, object?>
        {
            ["job_type"] = DataLoadJobTypes.HistoricalLoad,
            ["symbols"] = p.GetValue(symbolList)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            ["years"] = p.GetValue(years),
            ["timespan"] = p.GetValue(timespan),
        }, p.GetValue(jobId), p.GetValue(wait), p.GetValue(timeout), ct));

        var submit = new Command("submit", "Publish a data-load job on tickstock.jobs.data_load (the daemon's JobCoordinator runs it).");
        submit.Subcommands.Add(csv);
        submit.Subcommands.Add(symbols);
        return submit;
    }

    private static Command Status()
    {
        var id = new Argument<string>("job_id") { Description = "The job id." };
        var json = new Option<bool>("--json") { Description = "Print the status key's raw JSON." };
        var command = new Command("status", "Show a job's status key (tickstock.jobs.status:<id>).") { id, json };
        command.SetAction((p, _) => WithRedis(async db =>
        {
            var jobId = p.GetValue(id)!;
            var raw = await ReadStatusAsync(db, jobId).ConfigureAwait(false);
            if (raw is null)
            {
                await Console.Error.WriteLineAsync($"tickstock: no status for job '{jobId}' (unknown, or older than 24 h)").ConfigureAwait(false);
                return 4;
            }

            if (p.GetValue(json))
            {
                Console.WriteLine(raw);
                return 0;
            }

            PrintStatus(raw);
            return 0;
        }));
        return command;
    }

    private static Command Cancel()
    {
        var id = new Argument<string>("job_id") { Description = "The job id." };
        var by = new Option<string?>("--by") { Description = "Who cancels (written in the job's error_message); default cli:<user>." };
        var command = new Command("cancel", "Ask the daemon to cancel a running job (it ends as failed with cancelled: true).") { id, by };
        command.SetAction((p, _) => WithRedis(async db =>
        {
            var jobId = p.GetValue(id)!;
            var message = JsonSerializer.Serialize(new Dictionary<string, string>
            {
                ["job_id"] = jobId,
                ["action"] = "cancel",
                ["requested_by"] = p.GetValue(by) ?? "cli:" + Environment.UserName,
                ["timestamp"] = DateTime.Now.ToString(JobStatusClock.Format, CultureInfo.InvariantCulture),
            });
            var receivers = await db.PublishAsync(RedisChannel.Literal(ControlChannel), message).ConfigureAwait(false);
            Console.WriteLine(receivers == 0
                ? $"Cancel for {jobId} published, but no daemon is listening on {ControlChannel}."
                : $"Cancel for {jobId} published.");
            return receivers == 0 ? 3 : 0;
        }));
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "List the jobs that have a status key (the last 24 h).");
        command.SetAction((_, _) => WithRedis(async db =>
        {
            var table = new Table().AddColumns("job", "type", "status", "progress", "symbols", "started", "completed", "message");
            var count = 0;
            foreach (var endpoint in db.Multiplexer.GetEndPoints())
            {
                var server = db.Multiplexer.GetServer(endpoint);
                if (server.IsReplica)
                {
                    continue;
                }

                await foreach (var key in server.KeysAsync(db.Database, StatusPrefix + "*", pageSize: 500).ConfigureAwait(false))
                {
                    var raw = await ReadStatusAsync(db, key.ToString()[StatusPrefix.Length..]).ConfigureAwait(false);
                    if (raw is null)
                    {
                        continue;
                    }

                    var s = Parse(raw);
                    table.AddRow(Markup.Escape(s("job_id")), Markup.Escape(s("job_type")), Markup.Escape(s("status")), s("progress") + "%",
                        $"{s("processed_symbols")}/{s("total_symbols")}", Markup.Escape(s("started_at")), Markup.Escape(s("completed_at")), Markup.Escape(Shorten(s("message"), 60)));
                    count++;
                }
            }

            if (count == 0)
            {
                Console.WriteLine("No jobs with a status key.");
                return 0;
            }

            AnsiConsole.Write(table);
            return 0;
        }));
        return command;
    }

    private static async Task<int> SubmitAsync(Dictionary<string, object?> fields, string? jobId, bool wait, int timeoutSeconds, CancellationToken ct)
    {
        jobId ??= string.Create(CultureInfo.InvariantCulture, $"cli-{DateTime.UtcNow:yyyyMMddHHmmss}-{Guid.NewGuid().ToString("N")[..6]}");
        var message = new Dictionary<string, object?>
        {
            ["job_id"] = jobId,
        };
        foreach (var (k, v) in fields)
        {
            if (v is not null)
            {
                message[k] = v;
            }
        }

        message["requested_by"] = "cli:" + Environment.UserName;
        message["timestamp"] = DateTime.Now.ToString(JobStatusClock.Format, CultureInfo.InvariantCulture);
        var json = JsonSerializer.Serialize(message);

        // Validate here too: a typo is reported at once instead of as a failed job.
        var check = DataLoadJobParser.Parse(json);
        if (!check.Succeeded)
        {
            await Console.Error.WriteLineAsync($"tickstock: invalid job: {check.ErrorMessage}").ConfigureAwait(false);
            return 2;
        }

        return await WithRedis(async db =>
        {
            var receivers = await db.PublishAsync(RedisChannel.Literal(JobChannel), json).ConfigureAwait(false);
            Console.WriteLine($"Submitted job {jobId} on {JobChannel}");
            if (receivers == 0)
            {
                await Console.Error.WriteLineAsync($"tickstock: nobody is listening on {JobChannel}: start the daemon (`tickstock run`) and submit again").ConfigureAwait(false);
                return 3;
            }

            return wait ? await WaitAsync(db, jobId, timeoutSeconds, ct).ConfigureAwait(false) : 0;
        }).ConfigureAwait(false);
    }

    private static async Task<int> WaitAsync(IDatabase db, string jobId, int timeoutSeconds, CancellationToken ct)
    {
        var deadline = timeoutSeconds > 0 ? DateTime.UtcNow.AddSeconds(timeoutSeconds) : DateTime.MaxValue;
        string? final = null;
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(jobId), maxValue: 100);
                while (!ct.IsCancellationRequested && DateTime.UtcNow < deadline)
                {
                    var raw = await ReadStatusAsync(db, jobId).ConfigureAwait(false);
                    if (raw is not null)
                    {
                        var s = Parse(raw);
                        if (double.TryParse(s("progress"), NumberStyles.Float, CultureInfo.InvariantCulture, out var progress))
                        {
                            task.Value = progress;
                        }

                        task.Description = Markup.Escape($"{jobId} {s("processed_symbols")}/{s("total_symbols")} {Shorten(s("message"), 50)}");
                        if (JobStatusValues.IsTerminal(s("status")))
                        {
                            final = raw;
                            task.Value = 100;
                            return;
                        }
                    }

                    try
                    {
                        await Task.Delay(500, ct).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }
            }).ConfigureAwait(false);

        if (final is null)
        {
            await Console.Error.WriteLineAsync($"tickstock: stopped waiting; job {jobId} is still running (see `tickstock job status {jobId}`)").ConfigureAwait(false);
            return 5;
        }

        PrintStatus(final);
        return Parse(final)("status") == JobStatusValues.Failed ? 1 : 0;
    }

    private static async Task<string?> ReadStatusAsync(IDatabase db, string jobId)
    {
        var key = StatusPrefix + jobId;
        var type = await db.KeyTypeAsync(key).ConfigureAwait(false);
        if (type == RedisType.String)
        {
            return await db.StringGetAsync(key).ConfigureAwait(false);
        }

        if (type == RedisType.Hash)
        {
            // The consumer may have left a hash before the daemon took the job.
            var entries = await db.HashGetAllAsync(key).ConfigureAwait(false);
            return JsonSerializer.Serialize(entries.ToDictionary(e => e.Name.ToString(), e => e.Value.ToString()));
        }

        return null;
    }

    private static Func<string, string> Parse(string raw)
    {
        Dictionary<string, string> values = new(StringComparer.Ordinal);
        try
        {
            using var doc = JsonDocument.Parse(raw);
            if (doc.RootElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var p in doc.RootElement.EnumerateObject())
                {
                    values[p.Name] = p.Value.ValueKind switch
                    {
                        JsonValueKind.String => p.Value.GetString()!,
                        JsonValueKind.Null => string.Empty,
                        _ => p.Value.GetRawText(),
                    };
                }
            }
        }
        catch (JsonException)
        {
            // Shown as empty fields.
        }

        return name => values.GetValueOrDefault(name, string.Empty);
    }

    private static void PrintStatus(string raw)
    {
        var s = Parse(raw);
        var grid = new Grid().AddColumn().AddColumn();
        foreach (var name in new[] { "job_id", "job_type", "status", "progress", "message", "total_symbols", "processed_symbols", "failed_symbols", "errors", "error_message", "cancelled", "started_at", "completed_at", "rows" })
        {
            var value = s(name);
            if (value.Length > 0)
            {
                grid.AddRow(new Text(name), new Text(name == "progress" ? value + "%" : Shorten(value, 400)));
            }
        }

        AnsiConsole.Write(grid);
    }

    private static string Shorten(string text, int max) => text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");

    private static Task<int> WithRedis(Func<IDatabase, Task<int>> action) => CliServices.RunAsync(async () =>
    {
        var options = CliServices.Options();
        await using var mux = await CliServices.RedisAsync(options, "tickstock-cli").ConfigureAwait(false);
        return await action(mux.GetDatabase()).ConfigureAwait(false);
    });
}
