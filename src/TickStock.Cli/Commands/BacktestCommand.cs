using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using TickStock.Core.Backtesting;
using TickStock.Core.Detectors;

namespace TickStock.Cli.Commands;

/// <summary>
/// `tickstock backtest file PATH… --from --to`: the backtest of <c>spec/backtest.md</c> over bar files, offline (no
/// Redis, no PostgreSQL): signals from the live detector catalog, one simulated account, the contract's results.
/// </summary>
internal static class BacktestCommand
{
    public static Command Create()
    {
        var backtest = new Command("backtest", "Pattern backtests: how the detected patterns would have traded (spec/backtest.md).");
        backtest.Subcommands.Add(FileCommand());
        backtest.Subcommands.Add(BacktestRunCommand.Run());
        backtest.Subcommands.Add(BacktestRunCommand.Cancel());
        return backtest;
    }

    private static Command FileCommand()
    {
        var paths = new Argument<string[]>("PATH")
        {
            Description = "Daily bar files (header date, open, high, low, close, volume), or folders of SYMBOL[_…].csv files; the symbol is the file name up to '_' or '.'.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        // Checked in the action rather than by the parser so that every argument error is one `tickstock:` line and exit 2.
        var from = new Option<string?>("--from") { HelpName = "YYYY-MM-DD", Description = "First date of the range, YYYY-MM-DD (up to 300 earlier bars warm the detectors up)." };
        var to = new Option<string?>("--to") { HelpName = "YYYY-MM-DD", Description = "Last date of the range, YYYY-MM-DD (open positions exit at its close)." };
        var patterns = new Option<string?>("--patterns") { HelpName = "a,b", Description = "Comma list of patterns or groups (e.g. Engulfing,Gap_Up); default: the whole daily catalog." };
        var parameters = new Option<string[]>("--param")
        {
            HelpName = "name=value",
            Description = "Repeatable: " + string.Join(", ", BacktestParameters.Names) + " (contract §5 defaults).",
            AllowMultipleArgumentsPerToken = false,
        };
        var trades = new Option<bool>("--trades") { Description = "Also list every trade (and, in json, the dated equity series)." };
        var format = new Option<string>("--format") { HelpName = "table|json", Description = "table: summary, per-pattern table, equity curve; json: one document.", DefaultValueFactory = _ => "table" };
        var plot = new Option<string?>("--plot") { HelpName = "FILE.png", Description = "Write the equity curve and its drawdown to this PNG file." };

        var command = new Command("file", "Backtest over bar files (needs no Redis or PostgreSQL).")
        {
            paths, from, to, patterns, parameters, trades, format, plot,
        };
        command.SetAction(parse => Run(new Arguments(
            parse.GetValue(paths) ?? [],
            parse.GetValue(from),
            parse.GetValue(to),
            parse.GetValue(patterns),
            parse.GetValue(parameters) ?? [],
            parse.GetValue(trades),
            parse.GetValue(format) ?? "table",
            parse.GetValue(plot))));
        return command;
    }

    private sealed record Arguments(string[] Paths, string? From, string? To, string? Patterns, string[] Parameters, bool Trades, string Format, string? Plot);

    private static int Run(Arguments args)
    {
        if (!TryRequest(args, out BacktestRequest? request, out string? error))
        {
            return Fail(error!);
        }

        IReadOnlyList<SymbolHistory> histories;
        try
        {
            histories = BacktestBarFiles.Load(args.Paths);
        }
        catch (BacktestInputException ex)
        {
            return Fail(ex.Message);
        }

        long first = SymbolHistory.EpochDayOf(request!.Start);
        long last = SymbolHistory.EpochDayOf(request.End);
        if (!histories.Any(h => h.Bars.Any(b => b.EpochDay >= first && b.EpochDay <= last)))
        {
            return Fail($"no bar between {BacktestJson.Date(request.Start)} and {BacktestJson.Date(request.End)} in the given files");
        }

        BacktestResult result = Backtest.Run(histories, request);
        if (args.Format == "json")
        {
            WriteJson(histories, request, result, args.Trades);
        }
        else
        {
            BacktestTableView.Write(histories.Select(h => h.Symbol).ToArray(), request, result, args.Trades);
        }

        if (args.Plot is not null)
        {
            try
            {
                BacktestPlot.Save(args.Plot, result, histories.Select(h => h.Symbol).ToArray(), request);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return Fail($"--plot {args.Plot}: {ex.Message}");
            }
        }

        return ExitCodes.Ok;
    }

    private static bool TryRequest(Arguments args, out BacktestRequest? request, out string? error)
    {
        request = null;
        if (args.Paths.Length == 0)
        {
            error = "backtest file needs at least one PATH (a daily bar file or a folder of SYMBOL[_…].csv files)";
            return false;
        }

        if (args.Format is not ("table" or "json"))
        {
            error = $"--format must be table or json (got '{args.Format}')";
            return false;
        }

        if (args.Plot is not null && !string.Equals(Path.GetExtension(args.Plot), ".png", StringComparison.OrdinalIgnoreCase))
        {
            error = $"--plot writes a PNG: give a file name ending in .png (got '{args.Plot}')";
            return false;
        }

        return TryBuildRequest(args.From, args.To, args.Patterns, args.Parameters, out request, out error);
    }

    /// <summary>The request of <c>--from --to [--patterns] [--param]…</c> (shared by <c>backtest file</c> and <c>backtest run</c>).</summary>
    internal static bool TryBuildRequest(string? from, string? to, string? patternList, string[] parameterPairs, out BacktestRequest? request, out string? error)
    {
        request = null;
        if (!TryDate("--from", from, out DateOnly start, out error) || !TryDate("--to", to, out DateOnly end, out error))
        {
            return false;
        }

        var kinds = new List<PatternKind>();
        foreach (string name in (patternList ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!PatternCatalog.TryResolve(name, out IReadOnlyList<PatternKind> resolved))
            {
                error = $"unknown pattern '{name}'";
                return false;
            }

            kinds.AddRange(resolved.Where(k => !kinds.Contains(k)));
        }

        var parameters = new BacktestParameters();
        foreach (string pair in parameterPairs)
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                error = $"--param takes name=value (got '{pair}')";
                return false;
            }

            if (!parameters.TryWith(pair[..eq], pair[(eq + 1)..], out parameters, out error))
            {
                error = "--param: " + error;
                return false;
            }
        }

        var candidate = new BacktestRequest { Start = start, End = end, Patterns = kinds, Parameters = parameters };
        IReadOnlyList<string> problems = candidate.Validate();
        if (problems.Count > 0)
        {
            error = string.Join("; ", problems);
            return false;
        }

        request = candidate;
        error = null;
        return true;
    }

    private static bool TryDate(string option, string? text, out DateOnly date, out string? error)
    {
        date = default;
        if (text is null)
        {
            error = $"{option} YYYY-MM-DD is required";
            return false;
        }

        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
        {
            error = $"{option}: '{text}' is not a date (YYYY-MM-DD)";
            return false;
        }

        error = null;
        return true;
    }

    /// <summary>One document: the run's inputs, then the contract's <c>results</c> object (with trades and equity on request).</summary>
    private static void WriteJson(IReadOnlyList<SymbolHistory> histories, BacktestRequest request, BacktestResult result, bool trades)
    {
        using Stream stdout = Console.OpenStandardOutput();
        using (var json = new Utf8JsonWriter(stdout))
        {
            json.WriteStartObject();
            json.WriteString("start_date", BacktestJson.Date(request.Start));
            json.WriteString("end_date", BacktestJson.Date(request.End));
            json.WriteStartArray("symbols");
            foreach (SymbolHistory h in histories)
            {
                json.WriteStringValue(h.Symbol);
            }

            json.WriteEndArray();
            json.WriteStartArray("patterns");
            foreach (PatternKind kind in request.Patterns)
            {
                json.WriteStringValue(PatternCatalog.Name(kind));
            }

            json.WriteEndArray();
            json.WritePropertyName("parameters");
            BacktestJson.WriteParameters(json, request.Parameters);
            json.WritePropertyName("results");
            BacktestJson.WriteResults(json, result, trades);
            json.WriteEndObject();
        }

        stdout.WriteByte((byte)'\n');
    }

    internal static int Fail(string message)
    {
        Console.Error.WriteLine($"tickstock: {message}");
        return ExitCodes.ConfigurationError;
    }
}
