using Akka.Hosting;
using Akka.Streams;
using Akka.Streams.Dsl;
using TickStock.Actors.Configuration;
using TickStock.Actors.MarketData;
using TickStock.Actors.Symbols;

namespace TickStock.Actors.Tests.MarketData;

/// <summary>
/// The synthetic source's default (live) pace: the session so far replayed quickly, then real time. The schedule is
/// pure and tested here against hand-picked instants; the stream test checks what is streamed before the real-time
/// part (no timing is asserted).
/// </summary>
public class SyntheticPaceTests : HostedTestKit
{
    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider)
    {
    }

    [Theory]
    [InlineData("2026-03-04T16:00:00Z", "2026-03-04", 90)]   // Wednesday 11:00 EST: 90 minutes since the open
    [InlineData("2026-03-04T14:30:59Z", "2026-03-04", 0)]    // 09:30:59: the first minute is not complete yet
    [InlineData("2026-03-04T22:00:00Z", "2026-03-04", 390)]  // 17:00, after the close: the whole session
    [InlineData("2026-03-04T13:00:00Z", "2026-03-03", 390)]  // 08:00, before the open: yesterday's session, whole
    [InlineData("2026-03-07T17:00:00Z", "2026-03-06", 390)]  // Saturday: Friday's session
    [InlineData("2026-03-09T12:00:00Z", "2026-03-06", 390)]  // Monday 08:00 EDT (clocks changed on Sunday): Friday's
    [InlineData("2026-04-03T16:00:00Z", "2026-04-02", 390)]  // Good Friday, exchange closed: Thursday's session
    [InlineData("2026-07-01T14:15:00Z", "2026-07-01", 45)]   // 10:15 EDT
    public void The_live_schedule_replays_the_session_so_far_then_runs_in_real_time(string now, string session, int catchUp)
    {
        var schedule = SyntheticSchedule.At(DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(new SyntheticSchedule(DateOnly.Parse(session, System.Globalization.CultureInfo.InvariantCulture), catchUp), schedule);
        Assert.Equal(TimeSpan.FromMinutes(1), SyntheticSchedule.LiveInterval);
    }

    [Fact]
    public void The_default_pace_is_live_and_fast_is_an_explicit_choice()
    {
        Assert.Equal(SyntheticPace.Live, new MarketDataSettings().SyntheticPace);
        Assert.Equal(SyntheticPace.Live, new MarketDataSourceSettings().SyntheticPace);
    }

    [Fact]
    public async Task Before_real_time_the_live_source_streams_the_history_then_the_session_so_far()
    {
        var schedule = new SyntheticSchedule(new DateOnly(2026, 3, 4), CatchUpMinutes: 3);
        string[] symbols = ["AAA", "BBB"];

        var streamed = await MarketDataSources.SyntheticLive(symbols, schedule, catchUpSpeed: 10_000, referenceIndex: null)
            .Take(symbols.Length + (3 * symbols.Length))
            .RunWith(Sink.Seq<IWithSymbol>(), Sys.Materializer());

        Assert.All(streamed.Take(2), c => Assert.IsType<SymbolCommands.SeedDailyBars>(c));
        var minutes = streamed.Skip(2).Cast<SymbolCommands.MinuteBar>().ToList();
        Assert.Equal(["AAA", "BBB", "AAA", "BBB", "AAA", "BBB"], minutes.Select(m => m.Symbol));
        Assert.Equal([0, 0, 1, 1, 2, 2], minutes.Select(m => m.Bar.MinuteOfSession));
        Assert.All(minutes, m => Assert.Equal(20260304, m.Bar.SessionDate));

        // The same bars as the fast pace streams from the same session: only the pace differs.
        var fast = await MarketDataSources.Synthetic(symbols, speed: 10_000, firstSession: schedule.FirstSession, referenceIndex: null)
            .Take(streamed.Count)
            .RunWith(Sink.Seq<IWithSymbol>(), Sys.Materializer());
        Assert.Equal(minutes.Select(m => m.Bar), fast.Skip(2).Cast<SymbolCommands.MinuteBar>().Select(m => m.Bar));
    }
}
