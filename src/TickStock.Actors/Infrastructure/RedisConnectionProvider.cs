using StackExchange.Redis;
using TickStock.Actors.Configuration;

namespace TickStock.Actors.Infrastructure;

/// <summary>
/// The node's one Redis multiplexer (StackExchange.Redis is designed to be shared). Connecting
/// never fails permanently: with AbortOnConnectFail off the multiplexer keeps reconnecting in the
/// background, and commands fail fast while it is down so owners (the Publisher) can buffer
/// instead of piling up timeouts.
/// </summary>
public sealed class RedisConnectionProvider(RedisSettings settings, string clientName = "tickstock") : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ConnectionMultiplexer? _connection;

    public string Endpoint { get; } = ServiceEndpoints.DescribeRedis(settings.Configuration);

    /// <summary>The shared multiplexer, created on first use (the call returns even if Redis is down).</summary>
    public async Task<IConnectionMultiplexer> GetAsync()
    {
        if (_connection is { } existing) return existing;
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_connection is null)
            {
                var options = RedisConnection.Options(settings, clientName);
                options.BacklogPolicy = BacklogPolicy.FailFast;
                _connection = await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false);
            }

            return _connection;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>True when a connection exists and is connected right now.</summary>
    public bool IsConnected => _connection?.IsConnected == true;

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null) await _connection.DisposeAsync().ConfigureAwait(false);
        _gate.Dispose();
    }
}
