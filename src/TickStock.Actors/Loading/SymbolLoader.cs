using System.Globalization;
using Npgsql;
using TickStock.Actors.Polygon;
using TickStock.Core.Jobs;
using TickStock.Core.Loading;
using static TickStock.Actors.Loading.PolygonFetcherMessages;

namespace TickStock.Actors.Loading;

/// <summary>
/// The I/O of one symbol: symbol row first, then minute bars (→ 1min, hourly) and day bars
/// (→ daily, weekly, monthly), then the symbol's progress row. Calls per symbol: one day-bar call
/// (a page covers 50,000 days) plus one minute call per ~52 sessions (50,000 base minutes of the
/// provider's 04:00–20:00 day) — about 6 for a year.
/// </summary>
/// <remarks>
/// Plan limits (403 NOT_AUTHORIZED): a range starting before the plan's history
/// (<paramref name="planHistoryYears"/> back from the window's end) is asked for once more from
/// that date, and the clip is reported as a warning in the job's <c>errors</c>; minutes refused
/// after the daily rows loaded leave the symbol successful with a warning.
/// </remarks>
public sealed class SymbolLoader(PolygonClient client, OhlcvWriter writer, IJobStore store, double planHistoryYears = SymbolLoader.DefaultPlanHistoryYears) : ISymbolLoader
{
    /// <summary>The provider's free plan: about two years of history (contract §6.2).</summary>
    public const double DefaultPlanHistoryYears = 2;

    public async Task<object> LoadAsync(FetchSymbol command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var symbol = command.Entry.Symbol;
        try
        {
            var warnings = new List<string>();
            var rows = await LoadRowsAsync(command, warnings, ct).ConfigureAwait(false);
            var warning = warnings.Count == 0 ? null : string.Join("; ", warnings);
            await store.MarkSymbolAsync(command.JobId, symbol, JobStore.Done, warning, rows, ct).ConfigureAwait(false);
            return new SymbolLoaded(command.JobId, symbol, rows, warning);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return new SymbolFailed(command.JobId, symbol, "cancelled", FailsJob: false);
        }
        catch (NoDataException ex)
        {
            return await FailAsync(command, ex.Message, false, ct).ConfigureAwait(false);
        }
        catch (PolygonException ex)
        {
            return await FailAsync(command, ex.Message, ex.Kind == PolygonFailureKind.Unauthorized, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (Outage.Of(ex) is { } dependency)
        {
            // Not the symbol's fault: the coordinator pauses the job and the symbol is loaded again
            // once the dependency is back (every write is an upsert, so nothing doubles).
            return new SymbolInterrupted(command.JobId, command.Entry, Outage.Describe(dependency, ex));
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            return await FailAsync(command, "database error: " + ex.Message.Split('\n')[0], false, ct).ConfigureAwait(false);
        }
    }

    private async Task<object> FailAsync(FetchSymbol command, string reason, bool failsJob, CancellationToken ct)
    {
        try
        {
            await store.MarkSymbolAsync(command.JobId, command.Entry.Symbol, JobStore.Failed, reason, TableCounts.Zero, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or OperationCanceledException)
        {
            // The status key still reports it; a restart would retry the symbol.
        }

        return new SymbolFailed(command.JobId, command.Entry.Symbol, reason, failsJob);
    }

    private async Task<TableCounts> LoadRowsAsync(FetchSymbol command, List<string> warnings, CancellationToken ct)
    {
        var symbol = command.Entry.Symbol;
        var targets = command.Targets;
        await writer.UpsertSymbolAsync(symbol, command.Entry.Name, command.Entry.Sector, command.Universe, ct).ConfigureAwait(false);
        if ((targets & LoadTargets.AllOhlcv) == LoadTargets.None)
        {
            return TableCounts.Zero;
        }

        if (command.SkipIfComplete && await writer.HoldsWindowAsync(symbol, targets, command.Window, ct).ConfigureAwait(false))
        {
            // universe_seed with refresh=false: the stored rows already cover the window; no provider call.
            return TableCounts.Zero;
        }

        long minutes = 0, hours = 0, daily = 0, weekly = 0, monthly = 0;
        var wantsDaily = targets.HasFlag(LoadTargets.Daily);
        var wantsIntraday = targets.HasFlag(LoadTargets.Minute) || targets.HasFlag(LoadTargets.Hourly);

        if (wantsDaily)
        {
            var window = command.Window.Daily;
            (daily, weekly, monthly) = await WithinPlanAsync(window, "day bars", warnings, w => writer.WriteDailyAsync(symbol,
                client.GetAggregatesAsync(symbol, "day", w.FirstDate, w.LastDate, ct), w, targets.HasFlag(LoadTargets.Weekly), targets.HasFlag(LoadTargets.Monthly), ct)).ConfigureAwait(false);
            if (daily == 0)
            {
                // Spend no minute calls on a symbol the provider has nothing for.
                throw new NoDataException($"no data from the provider for {window.FirstDate:yyyy-MM-dd}..{window.LastDate:yyyy-MM-dd} (unknown or delisted symbol?)");
            }
        }

        if (wantsIntraday)
        {
            var window = command.Window.Intraday;
            try
            {
                (minutes, hours) = await WithinPlanAsync(window, "minute bars", warnings, w => writer.WriteMinutesAsync(symbol,
                    client.GetAggregatesAsync(symbol, "minute", w.FirstDate, w.LastDate, ct), w, targets.HasFlag(LoadTargets.Minute), targets.HasFlag(LoadTargets.Hourly), ct)).ConfigureAwait(false);
            }
            catch (PolygonException ex) when (ex.Kind == PolygonFailureKind.NotAuthorized && daily > 0)
            {
                // The plan has no minutes (or not for this range): the daily rows stand, the symbol counts as loaded.
                warnings.Add("minute bars not loaded: " + ex.Message);
            }
            if (!wantsDaily && minutes == 0 && hours == 0)
            {
                throw new NoDataException($"no intraday data from the provider for {window.FirstDate:yyyy-MM-dd}..{window.LastDate:yyyy-MM-dd} (unknown or delisted symbol?)");
            }
        }

        return new TableCounts(minutes, hours, daily, weekly, monthly);
    }

    /// <summary>
    /// Runs one provider range; on a 403 for a range that starts before the plan's history, runs it
    /// once more from the plan's first date and notes the clip. One extra call, only when needed.
    /// </summary>
    private async Task<T> WithinPlanAsync<T>(LoadWindow window, string what, List<string> warnings, Func<LoadWindow, Task<T>> load)
    {
        try
        {
            return await load(window).ConfigureAwait(false);
        }
        catch (PolygonException ex) when (ex.Kind == PolygonFailureKind.NotAuthorized && PlanStart(window) is { } start && start > window.FirstDate)
        {
            var result = await load(window with { FirstDate = start }).ConfigureAwait(false);
            warnings.Add(string.Create(CultureInfo.InvariantCulture,
                $"{what} before {start:yyyy-MM-dd} not authorized by the provider plan (403); loaded {start:yyyy-MM-dd}..{window.LastDate:yyyy-MM-dd}"));
            return result;
        }
    }

    private DateOnly? PlanStart(LoadWindow window) =>
        planHistoryYears > 0 ? DateOnly.FromDateTime(window.EndUtc.UtcDateTime.AddDays(-365.25 * planHistoryYears)).AddDays(1) : null;

    private sealed class NoDataException(string message) : Exception(message);
}
