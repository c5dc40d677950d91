using Npgsql;
using TickStock.Actors.Polygon;
using TickStock.Core.Jobs;
using static TickStock.Actors.Loading.PolygonFetcherMessages;

namespace TickStock.Actors.Loading;

/// <summary>
/// The I/O of one symbol: symbol row first, then minute bars (→ 1min, hourly) and day bars
/// (→ daily, weekly, monthly), then the symbol's progress row. Calls per symbol: one day-bar call
/// (a page covers 50,000 days) plus one minute call per ~52 sessions (50,000 base minutes of the
/// provider's 04:00–20:00 day) — about 6 for a year.
/// </summary>
public sealed class SymbolLoader(PolygonClient client, OhlcvWriter writer, IJobStore store) : ISymbolLoader
{
    public async Task<object> LoadAsync(FetchSymbol command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var symbol = command.Entry.Symbol;
        try
        {
            var rows = await LoadRowsAsync(command, ct).ConfigureAwait(false);
            await store.MarkSymbolAsync(command.JobId, symbol, JobStore.Done, null, rows, ct).ConfigureAwait(false);
            return new SymbolLoaded(command.JobId, symbol, rows);
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

    private async Task<TableCounts> LoadRowsAsync(FetchSymbol command, CancellationToken ct)
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
            var days = client.GetAggregatesAsync(symbol, "day", window.FirstDate, window.LastDate, ct);
            (daily, weekly, monthly) = await writer.WriteDailyAsync(symbol, days, window,
                targets.HasFlag(LoadTargets.Weekly), targets.HasFlag(LoadTargets.Monthly), ct).ConfigureAwait(false);
            if (daily == 0)
            {
                // Spend no minute calls on a symbol the provider has nothing for.
                throw new NoDataException($"no data from the provider for {window.FirstDate:yyyy-MM-dd}..{window.LastDate:yyyy-MM-dd} (unknown or delisted symbol?)");
            }
        }

        if (wantsIntraday)
        {
            var window = command.Window.Intraday;
            var bars = client.GetAggregatesAsync(symbol, "minute", window.FirstDate, window.LastDate, ct);
            (minutes, hours) = await writer.WriteMinutesAsync(symbol, bars, window,
                targets.HasFlag(LoadTargets.Minute), targets.HasFlag(LoadTargets.Hourly), ct).ConfigureAwait(false);
            if (!wantsDaily && minutes == 0 && hours == 0)
            {
                throw new NoDataException($"no intraday data from the provider for {window.FirstDate:yyyy-MM-dd}..{window.LastDate:yyyy-MM-dd} (unknown or delisted symbol?)");
            }
        }

        return new TableCounts(minutes, hours, daily, weekly, monthly);
    }

    private sealed class NoDataException(string message) : Exception(message);
}
