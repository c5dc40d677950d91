using Npgsql;
using StackExchange.Redis;

namespace TickStock.Actors.Loading;

/// <summary>
/// Tells a dependency being down (wait and retry, contract §7) from a failure of the work itself
/// (report it). A hung Redis throws <see cref="RedisTimeoutException"/>, which is a
/// <see cref="TimeoutException"/> and not a <see cref="RedisException"/>: it is checked first so it
/// is never taken for a database error.
/// </summary>
public static class Outage
{
    public const string Postgres = "PostgreSQL";
    public const string Redis = "Redis";

    /// <summary>The dependency that is down, or null when <paramref name="ex"/> is not an outage.</summary>
    public static string? Of(Exception ex) => ex switch
    {
        RedisTimeoutException or RedisConnectionException => Redis,
        RedisException => null,

        // Server answers that mean "not now" (connection class 08, shutdown 57P, resources 53);
        // any other server error (a missing table, a constraint) is a real failure.
        PostgresException pg => pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.SqlState.StartsWith("57P", StringComparison.Ordinal)
            || pg.SqlState.StartsWith("53", StringComparison.Ordinal) ? Postgres : null,
        NpgsqlException or TimeoutException or System.Net.Sockets.SocketException or IOException => Postgres,
        _ when ex.InnerException is { } inner => Of(inner),
        _ => null,
    };

    /// <summary>"PostgreSQL (first line of the error)": what a paused job says it waits for.</summary>
    public static string Describe(string dependency, Exception ex)
    {
        ArgumentNullException.ThrowIfNull(ex);
        return $"{dependency} ({ex.GetBaseException().Message.Split('\n')[0]})";
    }
}
