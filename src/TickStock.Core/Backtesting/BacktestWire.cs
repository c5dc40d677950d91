using System.Text.Json;
using TickStock.Core.Contracts;

namespace TickStock.Core.Backtesting;

/// <summary>The statuses of a <c>backtest_result</c> (contract §5: exactly <c>completed</c> on success).</summary>
public static class BacktestStatus
{
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";
}

/// <summary>
/// The two messages a daemon backtest publishes (contract §5), top-level keys in the contract's order. The
/// <c>results</c> object is <see cref="BacktestJson.WriteResults"/>'s, byte for byte the one <c>tickstock backtest
/// file --format json</c> prints for the same bars.
/// </summary>
public static class BacktestWire
{
    private const string Source = "TickStockPL";

    /// <summary><c>{"event_type":"backtest_progress", … "progress":0.42, "current_symbol", "estimated_completion", "status":"running"}</c>.</summary>
    public static string Progress(string jobId, double progress, string? currentSymbol, DateTimeOffset estimatedCompletion, DateTimeOffset now) =>
        WireFormat.Object(w =>
        {
            w.WriteString("event_type", "backtest_progress");
            w.WriteString("source", Source);
            WireFormat.WriteUnixSeconds(w, "timestamp", UnixTime.Seconds(now), 3);
            w.WriteString("job_id", jobId);
            w.WriteNumber("progress", BacktestJson.Fraction(Math.Clamp(progress, 0, 1)));
            if (currentSymbol is null)
            {
                w.WriteNull("current_symbol");
            }
            else
            {
                w.WriteString("current_symbol", currentSymbol);
            }

            WireFormat.WriteUnixSeconds(w, "estimated_completion", UnixTime.Seconds(estimatedCompletion), 3);
            w.WriteString("status", BacktestStatus.Running);
        });

    /// <summary>A <c>completed</c> result: <paramref name="result"/> as the <c>results</c> object, <c>error_message</c> null.</summary>
    public static string Completed(string jobId, BacktestResult result, bool includeTrades, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(result);
        return Result(jobId, BacktestStatus.Completed, w => BacktestJson.WriteResults(w, result, includeTrades), null, now);
    }

    /// <summary>A <c>failed</c> or <c>cancelled</c> result: <c>results</c> null, <paramref name="errorMessage"/> says why.</summary>
    public static string Ended(string jobId, string status, string errorMessage, DateTimeOffset now)
    {
        if (status is not (BacktestStatus.Failed or BacktestStatus.Cancelled))
        {
            throw new ArgumentException($"a result without results is failed or cancelled, not {status}", nameof(status));
        }

        return Result(jobId, status, null, errorMessage, now);
    }

    private static string Result(string jobId, string status, Action<Utf8JsonWriter>? results, string? errorMessage, DateTimeOffset now) =>
        WireFormat.Object(w =>
        {
            w.WriteString("event_type", "backtest_result");
            w.WriteString("source", Source);
            WireFormat.WriteUnixSeconds(w, "timestamp", UnixTime.Seconds(now), 3);
            w.WriteString("job_id", jobId);
            w.WriteString("status", status);
            w.WritePropertyName("results");
            if (results is null)
            {
                w.WriteNullValue();
            }
            else
            {
                results(w);
            }

            if (errorMessage is null)
            {
                w.WriteNull("error_message");
            }
            else
            {
                w.WriteString("error_message", errorMessage);
            }
        });
}

/// <summary>The consumer's <c>backtest_job</c> and <c>cancel_job</c> messages, as <c>tickstock backtest run|cancel</c> send them.</summary>
public static class BacktestJobMessage
{
    /// <summary>A <c>backtest_job</c> with every parameter written out (the defaults included).</summary>
    public static string Create(string jobId, string? userId, IReadOnlyList<string> symbols, BacktestRequest request, bool includeTrades, DateTimeOffset now, string source)
    {
        ArgumentNullException.ThrowIfNull(symbols);
        ArgumentNullException.ThrowIfNull(request);
        return WireFormat.Object(w =>
        {
            w.WriteString("type", BacktestJobParser.MessageType);
            w.WriteString("job_id", jobId);
            if (userId is not null)
            {
                w.WriteString("user_id", userId);
            }

            w.WriteStartArray("symbols");
            foreach (string symbol in symbols)
            {
                w.WriteStringValue(symbol);
            }

            w.WriteEndArray();
            w.WriteString("start_date", BacktestJson.Date(request.Start));
            w.WriteString("end_date", BacktestJson.Date(request.End));
            w.WriteStartArray("patterns");
            foreach (var kind in request.Patterns)
            {
                w.WriteStringValue(Detectors.PatternCatalog.Name(kind));
            }

            w.WriteEndArray();
            w.WritePropertyName("parameters");
            BacktestJson.WriteParameters(w, request.Parameters);
            if (includeTrades)
            {
                w.WriteBoolean("include_trades", true);
            }

            WireFormat.WriteUnixSeconds(w, "timestamp", UnixTime.Seconds(now), 3);
            w.WriteString("source", source);
        });
    }

    /// <summary><c>{"type":"cancel_job","job_id":…,"timestamp":…,"source":…}</c>.</summary>
    public static string Cancel(string jobId, DateTimeOffset now, string source) => WireFormat.Object(w =>
    {
        w.WriteString("type", BacktestCancelParser.MessageType);
        w.WriteString("job_id", jobId);
        WireFormat.WriteUnixSeconds(w, "timestamp", UnixTime.Seconds(now), 3);
        w.WriteString("source", source);
    });
}
