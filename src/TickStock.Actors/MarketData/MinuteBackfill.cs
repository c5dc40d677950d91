using TickStock.Actors.Polygon;
using TickStock.Core.Calendar;
using TickStock.Core.Feed;

namespace TickStock.Actors.MarketData;

/// <summary>Fetches a symbol's minute bars that the live stream missed.</summary>
public interface IMinuteBackfill
{
    /// <summary>Minute bars starting in [<paramref name="fromMs"/>, <paramref name="toMs"/>), ascending.</summary>
    Task<IReadOnlyList<MinuteAggregate>> FetchAsync(string symbol, long fromMs, long toMs, CancellationToken cancellationToken);
}

/// <summary>The back-fill through the REST aggregates client, so the shared rate limiter and its retries apply.</summary>
public sealed class PolygonMinuteBackfill(PolygonClient client) : IMinuteBackfill
{
    public async Task<IReadOnlyList<MinuteAggregate>> FetchAsync(string symbol, long fromMs, long toMs, CancellationToken cancellationToken)
    {
        var from = EasternTime.EasternDate(DateTimeOffset.FromUnixTimeMilliseconds(fromMs));
        var to = EasternTime.EasternDate(DateTimeOffset.FromUnixTimeMilliseconds(Math.Max(fromMs, toMs - 1)));
        var bars = new List<MinuteAggregate>();
        await foreach (var bar in client.GetAggregatesAsync(symbol, "minute", from, to, cancellationToken).ConfigureAwait(false))
        {
            var start = bar.StartUnixMs;
            if (start < fromMs || start >= toMs) continue;
            bars.Add(new MinuteAggregate(symbol, (double)bar.Open, (double)bar.High, (double)bar.Low, (double)bar.Close, bar.Volume, start, start + 60_000));
        }

        return bars;
    }
}
