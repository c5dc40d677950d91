using StackExchange.Redis;
using TickStock.Actors.Configuration;

namespace TickStock.Actors.Infrastructure;

/// <summary>Redis connection settings shared by the node's Redis users.</summary>
public static class RedisConnection
{
    /// <summary>
    /// Options that never give up: the multiplexer keeps reconnecting in the background, so a Redis
    /// that starts late or restarts is picked up without restarting the daemon.
    /// </summary>
    public static ConfigurationOptions Options(RedisSettings settings, string clientName)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var options = ConfigurationOptions.Parse(settings.Configuration);
        options.AbortOnConnectFail = false;
        options.ClientName = clientName;
        options.ConnectTimeout = Math.Min(options.ConnectTimeout, 5000);
        options.ReconnectRetryPolicy = new ExponentialRetry(250, 10_000);
        return options;
    }
}
