using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using Spectre.Console;
using StackExchange.Redis;
using TickStock.Actors.Configuration;
using TickStock.Core.Backtesting;
using TickStock.Core.Universe;

namespace TickStock.Cli.Commands;

/// <summary>
/// `tickstock backtest run|cancel`: the daemon path of contract §5 — publishes the consumer's <c>backtest_job</c>, follows
/// its progress and result on the backtesting channels, or publishes a <c>cancel_job</c>.
/// </summary>
internal static class BacktestRunCommand
{
    public static Command Run()
    {
        var symbols = new Option<string?>("--symbols") { HelpName = "AAPL,MSFT", Description = $"Comma list of tickers (at most {BacktestJobParser.MaxSymbols})." };
        var from = new Option<string?>("--from") { HelpName = "YYYY-MM-DD", Description = "First date of the range." };
        var to = new Option<string?>("--to") { HelpName = "YYYY-MM-DD", Description = $"Last date of the range (at most {BacktestJobParser.MaxRangeYears} years after --from)." };
        var patterns = new Option<string?>("--patterns") { HelpName = "a,b", Description = "Comma list of patterns or groups; default: the whole daily catalog." };
        var parameters = new Option<string[]>("--param") { HelpName = "name=value", Description = "Repeatable: " + string.Join(", ", BacktestParameters.Names) + "." };
        var wait = new Option<bool>("--wait") { Description = "Follow the job (progress bar) and print its result; exit 1 unless it completed." };
        var json = new Option<bool>("--json") { Description = "With --wait: print the result message as received (one JSON line)." };
        var trades = new Option<bool>("--trades") { Description = "Ask for the trade list and equity series in the result (include_trades)." };
        var jobId = new Option<string?>("--job-id") { Description = "Job id (default: cli-bt-<time>-<random>)." };
        var timeout = new Option<int>("--timeout") { Description = "With --wait: stop waiting after this many seconds (0 = never; the job keeps running).", DefaultValueFactory = _ => 0 };
        var command = new Command("run", "Run a backtest on the daemon: publish a backtest_job on tickstock.jobs.backtest (needs Redis and a daemon with the backtest role).")
        {
            symbols, from, to, patterns, parameters, wait, json, trades, jobId, timeout,
        };
        command.SetAction((p, ct) => RunAsync(new RunArguments(p.GetValue(symbols), p.GetValue(from), p.GetValue(to), p.GetValue(patterns), p.GetValue(parameters) ?? [],
            p.GetValue(wait), p.GetValue(json), p.GetValue(trades), p.GetValue(jobId), p.GetValue(timeout)), ct));
        return command;
    }

    public static Command Cancel()
    {
        var id = new Argument<string>("job_id") { Description = "The backtest's job id." };
        var command = new Command("cancel", "Cancel a running daemon backtest: publish cancel_job on tickstock.jobs.cancel (its result is then 'cancelled').") { id };
        command.SetAction((p, _) => CliServices.RunAsync(async () =>
        {
            var jobId = p.GetValue(id)!;
            var options = CliServices.Options();
            await using var mux = await CliServices.RedisAsync(options, "tickstock-cli").ConfigureAwait(false);
            var receivers = await mux.GetDatabase().PublishAsync(RedisChannel.Literal(options.Backtest.CancelChannel), BacktestJobMessage.Cancel(jobId, DateTimeOffset.UtcNow, "cli")).ConfigureAwait(false);
            if (receivers == 0)
            {
                await Console.Error.WriteLineAsync($"tickstock: nobody is listening on {options.Backtest.CancelChannel}: is the daemon running?").ConfigureAwait(false);
                return ExitCodes.NoListener;
            }

            Console.WriteLine($"Cancel for backtest {jobId} published on {options.Backtest.CancelChannel}.");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private sealed record RunArguments(string? Symbols, string? From, string? To, string? Patterns, string[] Parameters, bool Wait, bool Json, bool Trades, string? JobId, int Timeout);

    private static async Task<int> RunAsync(RunArguments args, CancellationToken ct)
    {
        var symbols = (args.Symbols ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(SymbolRules.Normalize).Distinct(StringComparer.Ordinal).ToList();
        if (symbols.Count == 0)
        {
            return BacktestCommand.Fail("--symbols AAPL,MSFT is required");
        }

        if (!BacktestCommand.TryBuildRequest(args.From, args.To, args.Patterns, args.Parameters, out var request, out var error))
        {
            return BacktestCommand.Fail(error!);
        }

        var jobId = args.JobId ?? string.Create(CultureInfo.InvariantCulture, $"cli-bt-{DateTime.UtcNow:yyyyMMddHHmmss}-{Guid.NewGuid().ToString("N")[..6]}");
        var message = BacktestJobMessage.Create(jobId, "cli:" + Environment.UserName, symbols, request!, args.Trades, DateTimeOffset.UtcNow, "cli");

        // The daemon's own rules, checked here first: a typo is reported at once instead of as a failed job.
        var check = BacktestJobParser.Parse(System.Text.Encoding.UTF8.GetBytes(message));
        if (!check.Succeeded)
        {
            return BacktestCommand.Fail("invalid backtest: " + check.Error);
        }

        return await CliServices.RunAsync(async () =>
        {
            var options = CliServices.Options();
            await using var mux = await CliServices.RedisAsync(options, "tickstock-cli").ConfigureAwait(false);
            var settings = options.Backtest;
            var messages = Channel.CreateUnbounded<(string Channel, string Payload)>();
            var subscriber = mux.GetSubscriber();
            if (args.Wait)
            {
                // Subscribed before publishing, so not even the first progress message can be missed.
                foreach (var name in new[] { settings.ProgressChannel, settings.ResultsChannel })
                {
                    await subscriber.SubscribeAsync(RedisChannel.Literal(name), (_, value) => messages.Writer.TryWrite((name, value.ToString()))).ConfigureAwait(false);
                }
            }

            var receivers = await mux.GetDatabase().PublishAsync(RedisChannel.Literal(settings.JobChannel), message).ConfigureAwait(false);
            if (receivers == 0)
            {
                await Console.Error.WriteLineAsync($"tickstock: nobody is listening on {settings.JobChannel}: start the daemon (`tickstock run`, with the backtest role) and run again").ConfigureAwait(false);
                return ExitCodes.NoListener;
            }

            if (!args.Json || !args.Wait)
            {
                Console.WriteLine($"Submitted backtest {jobId} on {settings.JobChannel}");
            }

            return args.Wait ? await WaitAsync(jobId, settings, messages.Reader, args, ct).ConfigureAwait(false) : ExitCodes.Ok;
        }).ConfigureAwait(false);
    }

    private static async Task<int> WaitAsync(string jobId, BacktestSettings settings, ChannelReader<(string Channel, string Payload)> messages, RunArguments args, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (args.Timeout > 0)
        {
            timeout.CancelAfter(TimeSpan.FromSeconds(args.Timeout));
        }

        string? result = null;
        async Task Follow(Action<double, string?> onProgress)
        {
            try
            {
                await foreach (var (channel, payload) in messages.ReadAllAsync(timeout.Token).ConfigureAwait(false))
                {
                    if (Field(payload, "job_id") != jobId)
                    {
                        continue;
                    }

                    if (channel == settings.ResultsChannel)
                    {
                        result = payload;
                        return;
                    }

                    using var doc = JsonDocument.Parse(payload);
                    if (doc.RootElement.TryGetProperty("progress", out var p) && p.TryGetDouble(out var fraction))
                    {
                        onProgress(fraction, Field(payload, "current_symbol"));
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        }

        if (args.Json || Console.IsOutputRedirected)
        {
            await Follow((_, _) => { }).ConfigureAwait(false);
        }
        else
        {
            await AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
                .StartAsync(async ctx =>
                {
                    var task = ctx.AddTask(Markup.Escape(jobId), maxValue: 1);
                    await Follow((fraction, symbol) =>
                    {
                        task.Value = Math.Max(task.Value, fraction);
                        task.Description = Markup.Escape(symbol is null ? jobId : jobId + " " + symbol);
                    }).ConfigureAwait(false);
                    task.Value = 1;
                }).ConfigureAwait(false);
        }

        if (result is null)
        {
            await Console.Error.WriteLineAsync($"tickstock: stopped waiting; backtest {jobId} may still be running (`tickstock backtest cancel {jobId}` stops it)").ConfigureAwait(false);
            return ExitCodes.WaitTimedOut;
        }

        var status = Field(result, "status");
        if (args.Json)
        {
            Console.WriteLine(result);
        }
        else
        {
            PrintResult(result, status);
        }

        return status == BacktestStatus.Completed ? ExitCodes.Ok : ExitCodes.ResultFailed;
    }

    private static void PrintResult(string message, string? status)
    {
        using var doc = JsonDocument.Parse(message);
        var root = doc.RootElement;
        if (status != BacktestStatus.Completed || root.GetProperty("results").ValueKind != JsonValueKind.Object)
        {
            AnsiConsole.MarkupLine($"[red]{Markup.Escape(status ?? "?")}[/]: {Markup.Escape(Field(message, "error_message") ?? string.Empty)}");
            return;
        }

        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 132);
        }

        var results = root.GetProperty("results");
        var summary = new Grid().AddColumn().AddColumn();
        foreach (var name in new[] { "final_equity", "roi", "win_rate", "total_trades", "sharpe_ratio", "max_drawdown", "signals" })
        {
            summary.AddRow(name, results.GetProperty(name).GetRawText());
        }

        AnsiConsole.Write(summary);
        var patterns = new Table { Title = new TableTitle("per pattern") }.AddColumns("pattern", "signals", "trades", "win_rate", "avg_return", "profit_factor", "expectancy");
        foreach (var p in results.GetProperty("per_pattern").EnumerateObject())
        {
            patterns.AddRow(Markup.Escape(p.Name), Raw(p.Value, "signals"), Raw(p.Value, "trades"), Raw(p.Value, "win_rate"), Raw(p.Value, "avg_return"),
                Raw(p.Value, "profit_factor"), Raw(p.Value, "expectancy"));
        }

        AnsiConsole.Write(patterns);
        var symbols = new Table { Title = new TableTitle("per symbol") }.AddColumns("symbol", "trades", "win_rate", "pnl");
        foreach (var s in results.GetProperty("per_symbol").EnumerateObject())
        {
            symbols.AddRow(Markup.Escape(s.Name), Raw(s.Value, "trades"), Raw(s.Value, "win_rate"), Raw(s.Value, "pnl"));
        }

        AnsiConsole.Write(symbols);
    }

    private static string Raw(JsonElement element, string name) => element.TryGetProperty(name, out var v) ? Markup.Escape(v.GetRawText()) : string.Empty;

    private static string? Field(string json, string name)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
