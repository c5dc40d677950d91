using Npgsql;
using StackExchange.Redis;
using TickStock.Actors.Loading;

namespace TickStock.Actors.Tests.Loading;

/// <summary>Which failures pause a job (a dependency is down) and which fail the symbol.</summary>
public class OutageTests
{
    [Fact]
    public void A_hung_Redis_is_a_Redis_outage_not_a_database_error()
    {
        // RedisTimeoutException derives from TimeoutException, not RedisException.
#pragma warning disable CS0618 // the simplest constructors suffice to build the exceptions the client throws
        Assert.Equal(Outage.Redis, Outage.Of(new RedisTimeoutException("Timeout performing EVAL", CommandStatus.Sent)));
        Assert.Equal(Outage.Redis, Outage.Of(new RedisConnectionException(ConnectionFailureType.UnableToConnect, "down")));
        Assert.Null(Outage.Of(new RedisServerException("ERR wrong type")));
#pragma warning restore CS0618
    }

    [Fact]
    public void PostgreSQL_unreachable_or_shutting_down_is_an_outage_and_a_real_SQL_error_is_not()
    {
        Assert.Equal(Outage.Postgres, Outage.Of(new NpgsqlException("Failed to connect", new System.Net.Sockets.SocketException(111))));
        Assert.Equal(Outage.Postgres, Outage.Of(new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", "57P01")));
        Assert.Null(Outage.Of(new PostgresException("relation \"ohlcv_daily\" does not exist", "ERROR", "ERROR", "42P01")));
        Assert.Null(Outage.Of(new InvalidOperationException("bug")));
        Assert.StartsWith("PostgreSQL (Failed to connect", Outage.Describe(Outage.Postgres, new NpgsqlException("Failed to connect\nmore")), StringComparison.Ordinal);
    }
}
