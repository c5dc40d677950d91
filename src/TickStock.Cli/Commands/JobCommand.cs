using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using StackExchange.Redis;
using TickStock.Actors.Configuration;
using TickStock.Core.Jobs;
using TickStock.Daemon.Configuration;

namespace TickStock.Cli.Commands;

/// <summary>`tickstock job …`: submit, watch, cancel and list historical data-load jobs (contract §6).</summary>
internal static class JobCommand
{
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
        csv.SetAction((p, ct) => SubmitAsync(
            (id, by, at) => DataLoadJobMessage.CsvUniverseLoad(id, p.GetValue(csvFile)!, p.GetValue(universeType), p.GetValue(years), !p.GetValue(noOhlcv), by, at),
            p.GetValue(jobId), p.GetValue(wait), p.GetValue(timeout), ct));

        var symbolList = new Argument<string>("symbols") { Description = "Comma-separated tickers, e.g. AAPL,MSFT." };
        var timespan = new Option<string>("--timespan") { Description = "day (daily+weekly+monthly), hour (hourly), minute (1min+hourly).", DefaultValueFactory = _ => "day" };
        timespan.AcceptOnlyFromAmong("day", "hour", "minute");
        var symbols = new Command("symbols", "Load bars for a list of tickers (historical_load).")
        {
            symbolList, years, timespan, jobId, wait, timeout,
        };
        symbols.SetAction((p, ct) => SubmitAsync(
            (id, by, at) => DataLoadJobMessage.HistoricalLoad(id, p.GetValue(symbolList)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                p.GetValue(years), p.GetValue(timespan)!, by, at),
            p.GetValue(jobId), p.GetValue(wait), p.GetValue(timeout), ct));

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
        command.SetAction((p, _) => WithRedis(async (db, jobs) =>
        {
            var jobId = p.GetValue(id)!;
            var raw = await ReadStatusAsync(db, jobs, jobId).ConfigureAwait(false);
            if (raw is null)
            {
                await Console.Error.WriteLineAsync($"tickstock: no status for job '{jobId}' (unknown, or older than 24 h)").ConfigureAwait(false);
                return ExitCodes.NotFound;
            }

            if (p.GetValue(json))
            {
                Console.WriteLine(raw);
                return ExitCodes.Ok;
            }

            PrintStatus(raw);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Cancel()
    {
        var id = new Argument<string>("job_id") { Description = "The job id." };
        var by = new Option<string?>("--by") { Description = "Who cancels (written in the job's error_message); default cli:<user>." };
        var command = new Command("cancel", "Ask the daemon to cancel a running job (it ends as failed with cancelled: true).") { id, by };
        command.SetAction((p, _) => WithRedis(async (db, jobs) =>
        {
            var jobId = p.GetValue(id)!;
            var message = JobControlMessage.Cancel(jobId, p.GetValue(by) ?? "cli:" + Environment.UserName, LocalNow()).Serialize();
            var receivers = await db.PublishAsync(RedisChannel.Literal(jobs.ControlChannel), message).ConfigureAwait(false);
            Console.WriteLine(receivers == 0
                ? $"Cancel for {jobId} published, but no daemon is listening on {jobs.ControlChannel}."
                : $"Cancel for {jobId} published.");
            return receivers == 0 ? ExitCodes.NoListener : ExitCodes.Ok;
        }));
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "List the jobs that have a status key (the last 24 h).");
        command.SetAction((_, _) => WithRedis(async (db, jobs) =>
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

                await foreach (var key in server.KeysAsync(db.Database, jobs.StatusKeyPrefix + "*", pageSize: 500).ConfigureAwait(false))
                {
                    if (JobStatusSerializer.Parse(await ReadStatusAsync(db, jobs, key.ToString()[jobs.StatusKeyPrefix.Length..]).ConfigureAwait(false)) is not { } s)
                    {
                        continue;
                    }

                    table.AddRow(Markup.Escape(s.JobId), Markup.Escape(s.JobType), Markup.Escape(s.Status), Inv($"{s.Progress}%"),
                        Inv($"{s.ProcessedSymbols}/{s.TotalSymbols}"), Time(s.StartedAt), Time(s.CompletedAt), Markup.Escape(Shorten(s.Message ?? string.Empty, 60)));
                    count++;
                }
            }

            if (count == 0)
            {
                Console.WriteLine("No jobs with a status key.");
                return ExitCodes.Ok;
            }

            AnsiConsole.Write(table);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static async Task<int> SubmitAsync(Func<string, string, string, string> message, string? jobId, bool wait, int timeoutSeconds, CancellationToken ct)
    {
        jobId ??= string.Create(CultureInfo.InvariantCulture, $"cli-{DateTime.UtcNow:yyyyMMddHHmmss}-{Guid.NewGuid().ToString("N")[..6]}");
        var json = message(jobId, "cli:" + Environment.UserName, LocalNow());

        // Validate here too: a typo is reported at once instead of as a failed job.
        var check = DataLoadJobParser.Parse(json);
        if (!check.Succeeded)
        {
            await Console.Error.WriteLineAsync($"tickstock: invalid job: {check.ErrorMessage}").ConfigureAwait(false);
            return ExitCodes.ConfigurationError;
        }

        return await WithRedis(async (db, jobs) =>
        {
            var receivers = await db.PublishAsync(RedisChannel.Literal(jobs.DataLoadChannel), json).ConfigureAwait(false);
            Console.WriteLine($"Submitted job {jobId} on {jobs.DataLoadChannel}");
            if (receivers == 0)
            {
                await Console.Error.WriteLineAsync($"tickstock: nobody is listening on {jobs.DataLoadChannel}: start the daemon (`tickstock run`) and submit again").ConfigureAwait(false);
                return ExitCodes.NoListener;
            }

            return wait ? await WaitAsync(db, jobs, jobId, timeoutSeconds, ct).ConfigureAwait(false) : ExitCodes.Ok;
        }).ConfigureAwait(false);
    }

    private static async Task<int> WaitAsync(IDatabase db, JobSettings jobs, string jobId, int timeoutSeconds, CancellationToken ct)
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
                    var raw = await ReadStatusAsync(db, jobs, jobId).ConfigureAwait(false);
                    if (JobStatusSerializer.Parse(raw) is { } s)
                    {
                        task.Value = s.Progress;
                        task.Description = Markup.Escape(Inv($"{jobId} {s.ProcessedSymbols}/{s.TotalSymbols} {Shorten(s.Message ?? string.Empty, 50)}"));
                        if (JobStatusValues.IsTerminal(s.Status))
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
            return ExitCodes.WaitTimedOut;
        }

        PrintStatus(final);
        return JobStatusSerializer.Parse(final)?.Status == JobStatusValues.Failed ? ExitCodes.ResultFailed : ExitCodes.Ok;
    }

    private static async Task<string?> ReadStatusAsync(IDatabase db, JobSettings jobs, string jobId)
    {
        var key = jobs.StatusKeyPrefix + jobId;
        var type = await db.KeyTypeAsync(key).ConfigureAwait(false);
        if (type == RedisType.String)
        {
            return await db.StringGetAsync(key).ConfigureAwait(false);
        }

        if (type == RedisType.Hash)
        {
            // The consumer may have left a hash before the daemon took the job.
            var entries = await db.HashGetAllAsync(key).ConfigureAwait(false);
            return System.Text.Json.JsonSerializer.Serialize(entries.ToDictionary(e => e.Name.ToString(), e => e.Value.ToString()));
        }

        return null;
    }

    private static void PrintStatus(string raw)
    {
        if (JobStatusSerializer.Parse(raw) is not { } s)
        {
            Console.WriteLine(raw);
            return;
        }

        var grid = new Grid().AddColumn().AddColumn();
        foreach (var (name, value) in new (string, string?)[]
                 {
                     ("job_id", s.JobId), ("job_type", s.JobType), ("status", s.Status), ("progress", Inv($"{s.Progress}%")), ("message", s.Message),
                     ("total_symbols", Inv($"{s.TotalSymbols}")), ("processed_symbols", Inv($"{s.ProcessedSymbols}")),
                     ("failed_symbols", s.FailedSymbols.Count == 0 ? null : string.Join(", ", s.FailedSymbols)),
                     ("errors", s.Errors.Count == 0 ? null : string.Join("; ", s.Errors.Select(e => $"{e.Key}: {e.Value}"))),
                     ("error_message", s.ErrorMessage), ("cancelled", s.Cancelled ? "true" : null),
                     ("started_at", Time(s.StartedAt)), ("completed_at", Time(s.CompletedAt)),
                     ("rows", string.Join(", ", s.Rows.Select(r => Inv($"{r.Key}: {r.Value:N0}")))),
                 })
        {
            if (!string.IsNullOrEmpty(value))
            {
                grid.AddRow(new Text(name), new Text(Shorten(value, 400)));
            }
        }

        AnsiConsole.Write(grid);
    }

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string Time(DateTime? local) => local is { } t && t != DateTime.MinValue ? JobStatusClock.FormatLocal(t) : string.Empty;

    private static string LocalNow() => JobStatusClock.FormatLocal(DateTime.Now);

    private static string Shorten(string text, int max) => text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");

    private static Task<int> WithRedis(Func<IDatabase, JobSettings, Task<int>> action) => CliServices.RunAsync(async () =>
    {
        var options = CliServices.Options();
        await using var mux = await CliServices.RedisAsync(options, "tickstock-cli").ConfigureAwait(false);
        return await action(mux.GetDatabase(), options.Jobs).ConfigureAwait(false);
    });
}
