using System.CommandLine;
using TickStock.Actors.Publishing;
using TickStock.Core.Contracts;

namespace TickStock.Cli.Commands;

/// <summary>
/// `tickstock test-pattern`: one pattern event through the real write path — PATTERN_PUBLISHED row
/// committed, then the PUBLISH — like the requirements' test generator.
/// </summary>
internal static class TestPatternCommand
{
    public static Command Create()
    {
        var symbol = new Option<string>("--symbol") { Description = "Ticker to put in the event.", DefaultValueFactory = _ => "AAPL" };
        var pattern = new Option<string>("--pattern") { Description = "Pattern name (see docs/patterns.md).", DefaultValueFactory = _ => "Volume_Spike" };
        var confidence = new Option<double>("--confidence") { Description = "Confidence 0..1.", DefaultValueFactory = _ => 0.85 };
        var tier = new Option<string>("--tier") { Description = "daily | intraday | combo | test (test events live 1 hour and are not mirrored).", DefaultValueFactory = _ => PatternTier.Test };
        var price = new Option<double>("--price") { Description = "current_price of the event.", DefaultValueFactory = _ => 185.50 };
        var command = new Command("test-pattern", "Log and publish one pattern event (row first, then Redis); prints its flow_id and how many subscribers got it.")
        {
            symbol, pattern, confidence, tier, price,
        };
        command.SetAction((parse, ct) => CliServices.RunAsync(async () =>
        {
            var e = PatternEvent.Create(parse.GetValue(symbol)!.Trim().ToUpperInvariant(), parse.GetValue(pattern)!, parse.GetValue(confidence),
                parse.GetValue(tier)!, "1min", parse.GetValue(price), 2.5, 1_000_000, DateTimeOffset.UtcNow,
                new Dictionary<string, double> { ["rsi"] = 61.2, ["relative_volume"] = 3.1 });
            if (e.Problem() is { } problem) throw new CliException("invalid event: " + problem, ExitCodes.ConfigurationError);

            var options = CliServices.Options();
            await using var db = await CliServices.PostgresAsync(options, ct).ConfigureAwait(false);
            await using var redis = await CliServices.RedisAsync(options, "tickstock-test-pattern").ConfigureAwait(false);
            var channels = options.Pipeline.Channels;
            await new IntegrationEventStore(db).WriteAsync([IntegrationRow.Published(e, channels.Patterns, DateTimeOffset.UtcNow)], ct).ConfigureAwait(false);
            var counts = await new PatternChannelPublisher(redis, channels).PublishAsync([e]).ConfigureAwait(false);

            Console.WriteLine($"flow_id {e.FlowId}");
            Console.WriteLine($"published {e.Symbol} {e.Pattern} ({e.Confidence:0.###}, tier {e.Tier}) on {channels.Patterns}: {counts[0]} subscriber(s) received it");
            return ExitCodes.Ok;
        }));
        return command;
    }
}
