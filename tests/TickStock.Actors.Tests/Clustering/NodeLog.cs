using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Akka.Actor;
using Akka.Dispatch;
using Akka.Event;

namespace TickStock.Actors.Tests.Clustering;

/// <summary>
/// The last <see cref="Capacity"/> log lines of one test node's actor system, kept in memory so a cluster test that
/// times out can say what the nodes were doing (membership changes, singleton moves, shard allocation, failures)
/// instead of only what it waited for. Filled by <see cref="NodeLogger"/>, the node's only Akka logger.
/// </summary>
internal sealed class NodeLog
{
    public const int Capacity = 400;

    private static readonly ConditionalWeakTable<ActorSystem, NodeLog> Logs = new();
    private readonly ConcurrentQueue<string> _lines = new();

    public static NodeLog For(ActorSystem system) => Logs.GetValue(system, _ => new NodeLog());

    public void Add(LogEvent e)
    {
        _lines.Enqueue($"{e.Timestamp:HH:mm:ss.fff} {e.LogLevel().ToString().Replace("Level", string.Empty, StringComparison.Ordinal)} [{e.LogSource}] {e.Message}"
            + (e is Error { Cause: { } cause } ? $" ({cause.GetBaseException().Message})" : string.Empty));
        while (_lines.Count > Capacity && _lines.TryDequeue(out _))
        {
        }
    }

    public IReadOnlyList<string> Lines => [.. _lines];
}

/// <summary>An Akka logger that writes every event it receives into its system's <see cref="NodeLog"/>.</summary>
internal sealed class NodeLogger : ReceiveActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    public NodeLogger()
    {
        var log = NodeLog.For(Context.System);
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<LogEvent>(log.Add);
    }
}
