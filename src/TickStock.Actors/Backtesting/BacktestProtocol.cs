using TickStock.Core.Backtesting;

namespace TickStock.Actors.Backtesting;

/// <summary>Registry key of the backtest coordinator's singleton proxy: <c>registry.Get&lt;BacktestCoordinatorKey&gt;()</c>.</summary>
public sealed class BacktestCoordinatorKey;

/// <summary>
/// Marker of the backtest messages that may cross nodes (sent to the singleton through its proxy): a
/// <see cref="Hosting.IClusterMessage"/>, so <see cref="Hosting.ClusterMessageSerializer"/> carries them.
/// </summary>
public interface IBacktestMessage : Hosting.IClusterMessage;

/// <summary>What the rest of the cluster may send to the <see cref="BacktestCoordinator"/> (through its proxy).</summary>
public static class BacktestQueries
{
    /// <summary>Asks for the backtests running now; answered with <see cref="RunningBacktests"/>.</summary>
    public sealed record GetRunning : IBacktestMessage
    {
        public static readonly GetRunning Instance = new();
    }

    /// <summary>The backtests running on the coordinator: job id → progress fraction.</summary>
    public sealed record RunningBacktests(IReadOnlyDictionary<string, double> Jobs) : IBacktestMessage;
}

/// <summary>
/// Between a job's <see cref="BacktestRun"/> (on the singleton's node) and the <see cref="BacktestWorker"/> of each
/// <see cref="Hosting.NodeRoles.Backtest"/> node, reached through the coordinator's cluster-aware group router: these
/// cross nodes. A worker answers the sender of <see cref="DetectSymbol"/> with exactly one
/// <see cref="SymbolDetected"/> or <see cref="DetectFailed"/>.
/// </summary>
public static class BacktestWorkerMessages
{
    /// <summary>Read <paramref name="Symbol"/>'s warm-up and range rows from PostgreSQL and detect its signals.</summary>
    /// <param name="Patterns">Published pattern names (names, not enum numbers, on the wire); empty = the daily catalog.</param>
    [Hosting.WireName("bt.detect")]
    public sealed record DetectSymbol(string JobId, string Symbol, DateOnly Start, DateOnly End, IReadOnlyList<string> Patterns) : IBacktestMessage;

    /// <summary>
    /// A symbol's range bars and signals, detected on <paramref name="Node"/> (its cluster address). Carried in a
    /// binary layout by <see cref="BacktestWorkerCodec"/> (the doubles travel as their bits, so the simulation sees
    /// exactly what the worker read).
    /// </summary>
    [Hosting.WireName("bt.detected")]
    public sealed record SymbolDetected(string JobId, string Node, SymbolSignals Signals) : IBacktestMessage;

    /// <summary>The symbol's rows could not be read or are not usable (e.g. a price that is not positive).</summary>
    [Hosting.WireName("bt.detect-failed")]
    public sealed record DetectFailed(string JobId, string Symbol, string Node, string Error) : IBacktestMessage;
}

/// <summary>Messages between the coordinator and its <see cref="BacktestRun"/> children (local to the singleton's node).</summary>
public static class BacktestRunMessages
{
    /// <summary>Coordinator → run: stop (a <c>cancel_job</c> arrived); the run answers the job <c>cancelled</c>.</summary>
    public sealed record Cancel(string JobId);

    /// <summary>Run → coordinator: the job's one result is published; the run stops.</summary>
    public sealed record Ended(string JobId, string Status);

    /// <summary>Run → coordinator: how far the job is (for <see cref="BacktestQueries.GetRunning"/>).</summary>
    public sealed record Progressed(string JobId, double Fraction);
}

/// <summary>Messages the coordinator receives from its own subscriptions and piped work.</summary>
public static class BacktestCoordinatorMessages
{
    /// <summary>A raw message from <c>tickstock.jobs.backtest</c> or <c>tickstock.jobs.cancel</c>.</summary>
    public sealed record ChannelMessage(string Channel, byte[] Payload);

    /// <summary>Channels subscribed, and the jobs a previous incarnation accepted but never answered.</summary>
    public sealed record Ready(Loading.ChannelSubscriptions Subscriptions, IReadOnlyList<LedgerEntry> Unanswered);

    /// <summary>The job is in the ledger (or could not be recorded: <paramref name="LedgerError"/>); it starts now.</summary>
    public sealed record Recorded(BacktestJob Job, int Attempt, string? LedgerError);
}
