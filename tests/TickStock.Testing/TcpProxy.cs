using System.Net;
using System.Net.Sockets;

namespace TickStock.Testing;

/// <summary>
/// A loopback TCP forwarder in front of a real service. <see cref="Cut"/> drops every connection
/// and refuses new ones (the service "goes down" for whoever talks through the proxy, without
/// disturbing other tests sharing the real server); <see cref="BlackHole"/> makes it hang instead:
/// connections are accepted and bytes taken, but nothing is ever answered; <see cref="Restore"/>
/// brings it back on the same port.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly IPEndPoint _target;
    private readonly List<TcpClient> _connections = [];
    private readonly List<TcpClient> _swallowed = [];
    private readonly object _gate = new();
    private TcpListener? _listener;
    private CancellationTokenSource _cts = new();

    // Completed while bytes flow; a pending task while black-holed (pumps wait on it before writing).
    private volatile TaskCompletionSource _flowing = Completed();

    private readonly IPAddress _listenAddress;

    /// <param name="listenAddress">Where the proxy listens (loopback by default; a test's own network namespace may need its veth address).</param>
    public TcpProxy(int targetPort, IPAddress? listenAddress = null)
    {
        _target = new IPEndPoint(IPAddress.Loopback, targetPort);
        _listenAddress = listenAddress ?? IPAddress.Loopback;
        Start(0);
    }

    public int Port { get; private set; }

    public bool IsUp => _listener is not null;

    /// <summary>True between <see cref="BlackHole"/> and <see cref="Restore"/> (or <see cref="Cut"/>).</summary>
    public bool IsBlackHoled => !_flowing.Task.IsCompleted;

    /// <summary>Connections accepted while black-holed (they are held open, never read, never answered).</summary>
    public int SwallowedConnections
    {
        get
        {
            lock (_gate) return _swallowed.Count;
        }
    }

    /// <summary>
    /// A hung server: new connections are accepted and then left alone (never forwarded, never read,
    /// never answered, never closed), and open connections stop forwarding in both directions (what
    /// they send is held, so the peer waits for an answer that does not come). Only a client-side
    /// timeout gets the caller out. <see cref="Restore"/> ends it.
    /// </summary>
    public void BlackHole()
    {
        lock (_gate)
        {
            if (_flowing.Task.IsCompleted) _flowing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public void Cut()
    {
        lock (_gate)
        {
            _cts.Cancel();
            _listener?.Stop();
            _listener = null;
            foreach (var c in _connections) c.Dispose();
            _connections.Clear();
            EndBlackHole();
        }
    }

    /// <summary>Ends a <see cref="Cut"/> (listening again on the same port) or a <see cref="BlackHole"/>.</summary>
    public void Restore()
    {
        lock (_gate)
        {
            EndBlackHole();
            if (_listener is not null) return;
            _cts = new CancellationTokenSource();
            Start(Port);
        }
    }

    // Under _gate. Held bytes of open connections flow again; swallowed connections are closed (the
    // hung server finally drops them), so their clients see the end of the stream and reconnect.
    private void EndBlackHole()
    {
        foreach (var c in _swallowed) c.Dispose();
        _swallowed.Clear();
        _flowing.TrySetResult();
    }

    private static TaskCompletionSource Completed()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        done.SetResult();
        return done;
    }

    private void Start(int port)
    {
        var listener = new TcpListener(_listenAddress, port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        _listener = listener;
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        _ = AcceptLoopAsync(listener, _cts.Token);
    }

    private async Task AcceptLoopAsync(TcpListener listener, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            TcpClient inbound;
            try
            {
                inbound = await listener.AcceptTcpClientAsync(ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            lock (_gate)
            {
                if (!_flowing.Task.IsCompleted)
                {
                    _swallowed.Add(inbound);
                    continue;
                }
            }

            var outbound = new TcpClient();
            try
            {
                await outbound.ConnectAsync(_target, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException)
            {
                inbound.Dispose();
                outbound.Dispose();
                continue;
            }

            lock (_gate)
            {
                _connections.Add(inbound);
                _connections.Add(outbound);
            }

            _ = PumpAsync(inbound, outbound, ct);
            _ = PumpAsync(outbound, inbound, ct);
        }
    }

    private async Task PumpAsync(TcpClient from, TcpClient to, CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            var source = from.GetStream();
            var sink = to.GetStream();
            while (true)
            {
                var read = await source.ReadAsync(buffer, ct).ConfigureAwait(false);
                if (read == 0) break;
                await _flowing.Task.WaitAsync(ct).ConfigureAwait(false);
                await sink.WriteAsync(buffer.AsMemory(0, read), ct).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            // a cut or a closed peer ends the pump
        }
        finally
        {
            from.Dispose();
            to.Dispose();
        }
    }

    public ValueTask DisposeAsync()
    {
        Cut();
        _cts.Dispose();
        return ValueTask.CompletedTask;
    }
}
