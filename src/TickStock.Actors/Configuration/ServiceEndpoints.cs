using Npgsql;
using StackExchange.Redis;

namespace TickStock.Actors.Configuration;

/// <summary>
/// Human descriptions of where the services are, for log lines and health messages. Built from
/// parsed connection settings so passwords can never leak into them.
/// </summary>
public static class ServiceEndpoints
{
    public static string DescribeRedis(string configuration)
    {
        try
        {
            var options = ConfigurationOptions.Parse(configuration);
            var endpoints = options.EndPoints.Select(Format).ToList();
            return endpoints.Count == 0 ? "localhost:6379" : string.Join(",", endpoints);
        }
        catch (ArgumentException)
        {
            return "(unparseable Redis configuration)";
        }
    }

    public static string DescribePostgres(string connectionString)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            return $"{builder.Host ?? "localhost"}:{builder.Port} (database {builder.Database ?? "?"} as {builder.Username ?? "?"})";
        }
        catch (ArgumentException)
        {
            return "(unparseable PostgreSQL connection string)";
        }
    }

    private static string Format(System.Net.EndPoint endpoint) => endpoint switch
    {
        System.Net.DnsEndPoint dns => $"{dns.Host}:{(dns.Port == 0 ? 6379 : dns.Port)}",
        System.Net.IPEndPoint ip => $"{ip.Address}:{(ip.Port == 0 ? 6379 : ip.Port)}",
        _ => endpoint.ToString() ?? "?",
    };
}
