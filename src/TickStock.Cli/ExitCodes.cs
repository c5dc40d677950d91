namespace TickStock.Cli;

/// <summary>
/// Exit codes of every command (README's table). One list, so a code means one thing whichever
/// command returns it.
/// </summary>
internal static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Ok = 0;

    /// <summary>The result failed: a job ended <c>failed</c>, a benchmark lost events.</summary>
    public const int ResultFailed = 1;

    /// <summary>Configuration or argument error (also a bad input file for <c>scan</c>).</summary>
    public const int ConfigurationError = 2;

    /// <summary>An existing database object conflicts with the contract (<c>db migrate</c>).</summary>
    public const int DatabaseConflict = 3;

    /// <summary>PostgreSQL unreachable.</summary>
    public const int PostgresUnreachable = 4;

    /// <summary>Redis unreachable.</summary>
    public const int RedisUnreachable = 5;

    /// <summary>The thing named does not exist (<c>job status</c>: no status key for that job).</summary>
    public const int NotFound = 6;

    /// <summary>Published, but no daemon listens on the channel (<c>job submit</c>, <c>job cancel</c>).</summary>
    public const int NoListener = 7;

    /// <summary><c>--wait</c> gave up at its <c>--timeout</c>; the job keeps running.</summary>
    public const int WaitTimedOut = 8;

    /// <summary><c>ctl</c>: the node's management endpoint did not answer (not running, wrong address, TICKSTOCK_HTTP=off).</summary>
    public const int NodeUnreachable = 9;

    /// <summary><c>run</c>: the cluster removed this node (split brain resolver, <c>ctl cluster down</c>, or no seed node answered); a supervisor should restart it.</summary>
    public const int RemovedFromCluster = TickStock.Daemon.DaemonHost.ExitRemovedFromCluster;
}
