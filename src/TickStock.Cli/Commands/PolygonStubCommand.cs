using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using TickStock.Core.Calendar;
using TickStock.PolygonStub;

namespace TickStock.Cli.Commands;

/// <summary>`tickstock polygon-stub`: the local Polygon-compatible server on its own (no Redis or PostgreSQL needed).</summary>
internal static class PolygonStubCommand
{
    public static Command Create()
    {
        var port = new Option<int>("--port") { Description = "TCP port on 127.0.0.1 (0 = any free port).", DefaultValueFactory = _ => 8765 };
        var data = new Option<string?>("--data") { Description = "Folder with real bars (minute/, daily/ CSV files); tickers without files get deterministic synthetic bars." };
        var host = new Option<string>("--host") { Description = "Interface to bind (loopback by default; the stub is not meant to be exposed).", DefaultValueFactory = _ => "127.0.0.1" };
        var apiKey = new Option<string?>("--require-key") { Description = "Only accept requests carrying this key (Bearer header or apiKey query); default: accept any." };
        var now = new Option<string?>("--now") { Description = "Data horizon, an ISO instant (default: TICKSTOCK_NOW, else the clock)." };
        var rateLimit = new Option<int?>("--rate-limit") { Description = "Answer 429 after this many requests per minute (the free plan is 5). Default: off." };
        var retryAfter = new Option<int?>("--retry-after") { Description = "Seconds sent in Retry-After with every 429 (default: none, like the real API appears to)." };
        var speed = new Option<double?>("--speed") { Description = "With --now (or TICKSTOCK_NOW): the market clock runs from there at this multiple of real time (REST horizon and the /stocks stream)." };
        var dropEvery = new Option<double?>("--ws-drop-every") { Description = "Cut every /stocks WebSocket connection after this many seconds (no close frame)." };

        var command = new Command("polygon-stub",
            "Run the local Polygon-compatible stub (aggregates with next_url paging, grouped daily, market status, tickers; 401/403/429/5xx faults on demand; the /stocks WebSocket of minute aggregates). Ctrl+C stops it.")
        {
            port, data, host, apiKey, now, rateLimit, retryAfter, speed, dropEvery,
        };
        command.SetAction((parse, _) => RunAsync(
            parse.GetValue(host)!, parse.GetValue(port), parse.GetValue(data), parse.GetValue(apiKey), parse.GetValue(now), parse.GetValue(rateLimit), parse.GetValue(retryAfter),
            parse.GetValue(speed), parse.GetValue(dropEvery)));
        return command;
    }

    private static async Task<int> RunAsync(string host, int port, string? data, string? requiredKey, string? now, int? rateLimit, int? retryAfter, double? speed, double? dropEvery)
    {
        if (speed is <= 0 || dropEvery is <= 0)
        {
            await Console.Error.WriteLineAsync("tickstock: --speed and --ws-drop-every must be positive").ConfigureAwait(false);
            return ExitCodes.ConfigurationError;
        }

        if (port is < 0 or > 65535)
        {
            await Console.Error.WriteLineAsync($"tickstock: --port must be 0..65535 (got {port})").ConfigureAwait(false);
            return ExitCodes.ConfigurationError;
        }

        if (data is not null && !Directory.Exists(data))
        {
            await Console.Error.WriteLineAsync($"tickstock: --data folder '{data}' does not exist").ConfigureAwait(false);
            return ExitCodes.ConfigurationError;
        }

        PolygonStubOptions options;
        try
        {
            options = PolygonStubOptions.FromEnvironment(new PolygonStubOptions
            {
                Host = host,
                Port = port,
                DataDirectory = data,
                RequiredApiKey = requiredKey,
                Faults = new PolygonStubFaults { RateLimitRequests = rateLimit, RetryAfterSeconds = retryAfter },
                Stream = new PolygonStubStreamFaults { DropEvery = dropEvery is { } d ? TimeSpan.FromSeconds(d) : null },
            });
            if (now is not null)
            {
                options = options with { Now = IsoInstant.TryParse(now) ?? throw new FormatException($"--now is not an ISO instant: '{now}'") };
            }
        }
        catch (FormatException ex)
        {
            await Console.Error.WriteLineAsync($"tickstock: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.ConfigurationError;
        }

        using var stop = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        await using var server = await PolygonStubServer.StartAsync(options, stop.Token).ConfigureAwait(false);
        Console.WriteLine($"Polygon stub listening at {server.BaseUrl}, stream at {server.BaseUrl.Replace("http://", "ws://", StringComparison.Ordinal)}/stocks (data: {data ?? "synthetic"}, now: {(options.Now is { } n ? n.ToString("O", CultureInfo.InvariantCulture) : "the clock")}); Ctrl+C stops it");
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped by a signal.
        }

        Console.WriteLine($"Polygon stub stopped after {server.Stats.ApiRequests} API requests");
        return ExitCodes.Ok;
    }
}
