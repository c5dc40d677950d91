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
