using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Akka;
using Akka.Event;
using Akka.Streams.Dsl;
using TickStock.Actors.Diagnostics;
using TickStock.Actors.Symbols;
using TickStock.Core.Bars;
using TickStock.Core.Diagnostics;
using TickStock.Core.Feed;
using TickStock.Core.Retry;
using TickStock.Core.Symbols;

namespace TickStock.Actors.MarketData;

/// <summary>
/// The provider's stocks WebSocket (polygon-api.md §7) as a source of minute bars for the SymbolActors: connects,
/// authenticates, subscribes to <c>AM.&lt;symbol&gt;</c> in chunks, and turns each validated aggregate into a
/// <see cref="SymbolCommands.MinuteBar"/>. It reconnects for ever on a jittered back-off (minutes after
/// <c>auth_failed</c> or <c>max_connections</c>), pings so a silent socket is noticed, delivers each symbol's minute
/// once across reconnects, and back-fills the minutes a reconnect missed from the REST aggregates
/// (<see cref="LiveBarGate"/>). Bad input is counted and logged once per kind; it never reaches a detector.
/// <para>
/// One instance per node, created with the feed: its state (what was delivered, what is back-filling) outlives a
/// restart of the stream by <see cref="MarketDataFeedActor"/>, and at most one run uses it at a time. The socket is
/// read by its own loop into an unbounded channel whose bytes are bounded by
/// <see cref="PolygonStreamSettings.MaxQueuedBytes"/>; everything else happens on the one consumer loop, which is
/// the only code touching the gate and the socket's send side.
/// </para>
/// </summary>
public sealed class PolygonStreamSource
{
    private static readonly TimeSpan RefusalReportInterval = TimeSpan.FromMinutes(1);
    private readonly PolygonStreamSettings _settings;
    private readonly IMinuteBackfill _backfill;
    private readonly ISymbolProgress? _progress;
    private readonly ILoggingAdapter _log;
    private readonly LiveBarGate _gate;
    private readonly SemaphoreSlim _oneRun = new(1, 1);
    private readonly RejectedMessageCounter _refused;
    private long _queuedBytes;
    private DateTimeOffset _lastRefusalReport = DateTimeOffset.UtcNow;

    /// <param name="progress">
    /// What the SymbolActors already hold, asked when a run starts so the start back-fill
    /// (<see cref="PolygonStreamSettings.BackfillAtStart"/>) fetches only the minutes they miss; null = as if they held
    /// nothing (a single-process test without SymbolActors).
    /// </param>
    public PolygonStreamSource(PolygonStreamSettings settings, IMinuteBackfill backfill, ILoggingAdapter log, ISymbolProgress? progress = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _settings = settings;
        _progress = progress;
        _backfill = backfill ?? throw new ArgumentNullException(nameof(backfill));
        _log = log ?? throw new ArgumentNullException(nameof(log));
        _gate = new LiveBarGate(settings.Universe, settings.ExtendedHours, settings.HoldLimit);
        _refused = new RejectedMessageCounter(settings.RefusedLoggedPerKind);
    }

    /// <summary>State and counters, for health, <c>/v1/feed</c> and tests.</summary>
    public LiveFeedMonitor Monitor { get; } = new();

    /// <summary>A run of the source; cancelling the stream closes the socket.</summary>
    public Source<IWithSymbol, NotUsed> Create() => Source.From(() => RunAsync());

    private async IAsyncEnumerable<IWithSymbol> RunAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await _oneRun.WaitAsync(cancellationToken).ConfigureAwait(false);
        using var run = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var inputs = Channel.CreateUnbounded<Input>(new UnboundedChannelOptions { SingleReader = true });
        var reconnect = new Backoff(_settings.ReconnectMin, _settings.ReconnectMax, BackoffJitter.UpperHalf);
        var refusedRetry = new Backoff(_settings.RefusedMin, _settings.RefusedMax, BackoffJitter.UpperHalf);
        long connectionId = 0;
        try
        {
            // A new run may follow another node's (the feed singleton moved here): the first bar opens the start back-fill.
            var released = new List<MinuteAggregate>();
            _gate.RunStarted(_settings.BackfillAtStart != FeedBackfillMode.Off, released);
            foreach (var command in ToCommands(released)) yield return command;
            while (true)
            {
                run.Token.ThrowIfCancellationRequested();
                var connection = new Connection(++connectionId);
                var opened = await ConnectAsync(connection, run.Token).ConfigureAwait(false);
                if (opened is null)
                {
                    var reader = ReadLoopAsync(connection, inputs.Writer, run.Token);
                    _ = HandshakeDeadlineAsync(connection.Id, inputs.Writer, run.Token);
                    while (connection.End is null)
                    {
                        var input = await inputs.Reader.ReadAsync(run.Token).ConfigureAwait(false);
                        var commands = new List<IWithSymbol>();
                        await HandleAsync(input, connection, commands, inputs.Writer, run.Token).ConfigureAwait(false);
                        if (connection.Streaming) reconnect.Reset();
                        if (connection.BarsReceived > 0) refusedRetry.Reset();
                        foreach (var command in commands) yield return command;
                    }

                    connection.Socket!.Abort();
                    await reader.ConfigureAwait(false);
                    connection.Socket.Dispose();
                }
                else
                {
                    connection.End = opened;
                }

                // Drop: the next bar of a later minute opens a back-fill of what this gap missed.
                _gate.ConnectionLost();
                var end = connection.End!;
                var delay = end.Problem is LiveFeedProblem.AuthFailed or LiveFeedProblem.MaxConnections ? refusedRetry.Next() : reconnect.Next();
                var wakeAt = DateTimeOffset.UtcNow + delay;
                Monitor.Disconnected(end.Problem, end.Reason, wakeAt, connection.Opened);
                if (connection.Opened) PipelineCounters.FeedReconnect();
                LogEnd(end, delay);

                // Waiting for the next attempt: back-fill results still arrive and are delivered.
                while (DateTimeOffset.UtcNow < wakeAt)
                {
                    var input = await NextInputAsync(inputs.Reader, wakeAt - DateTimeOffset.UtcNow, run.Token).ConfigureAwait(false);
                    if (input is null) continue;
                    var commands = new List<IWithSymbol>();
                    await HandleAsync(input, connection, commands, inputs.Writer, run.Token).ConfigureAwait(false);
                    foreach (var command in commands) yield return command;
                }
            }
        }
        finally
        {
            await run.CancelAsync().ConfigureAwait(false);
            Monitor.Stopped();
            _oneRun.Release();
        }
    }

    /// <summary>Opens the socket; null on success, else why not.</summary>
    private async Task<ConnectionEnd?> ConnectAsync(Connection connection, CancellationToken ct)
    {
        Uri url;
        try
        {
            url = await _settings.Url(ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return new ConnectionEnd(LiveFeedProblem.Connection, "no stream URL: " + ex.GetBaseException().Message);
        }

        Monitor.Connecting(Describe(url));
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = _settings.PingInterval;
        socket.Options.KeepAliveTimeout = _settings.PongTimeout;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_settings.ConnectTimeout);
        try
        {
            await socket.ConnectAsync(url, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or HttpRequestException or IOException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            socket.Dispose();
            var reason = ex is OperationCanceledException ? $"no connection within {_settings.ConnectTimeout.TotalSeconds:0} s" : ex.GetBaseException().Message;
            return new ConnectionEnd(LiveFeedProblem.Connection, $"cannot connect to {Describe(url)}: {reason}");
        }

        connection.Socket = socket;
        connection.Opened = true;
        Monitor.Connected();
        _log.Info("Polygon stream: connected to {0}; authenticating", Describe(url));
        return null;
    }

    /// <summary>Reads whole messages as fast as they come and queues them; the last input it writes says why it stopped.</summary>
    private async Task ReadLoopAsync(Connection connection, ChannelWriter<Input> inputs, CancellationToken ct)
    {
        var socket = connection.Socket!;
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        long size = 0;
        string reason;
        try
        {
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer.AsMemory(), ct).ConfigureAwait(false);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    reason = $"the provider closed the connection ({socket.CloseStatus?.ToString() ?? "no status"}{(string.IsNullOrEmpty(socket.CloseStatusDescription) ? "" : ": " + socket.CloseStatusDescription)})";
                    break;
                }

                size += received.Count;
                // Past the cap the rest of the message is read and thrown away: the connection stays usable.
                if (size <= StreamFrameParser.MaxFrameBytes) message.Write(buffer, 0, received.Count);
                if (!received.EndOfMessage) continue;

                if (size > StreamFrameParser.MaxFrameBytes)
                {
                    inputs.TryWrite(new OversizedInput(connection.Id, size));
                }
                else
                {
                    var frame = message.ToArray();
                    if (Interlocked.Add(ref _queuedBytes, frame.Length) > _settings.MaxQueuedBytes)
                    {
                        Interlocked.Add(ref _queuedBytes, -frame.Length);
                        reason = $"the consumer is too slow: {_settings.MaxQueuedBytes >> 20} MiB of frames are waiting; closing this connection (the gap is back-filled after the reconnect)";
                        break;
                    }

                    inputs.TryWrite(new FrameInput(connection.Id, frame));
                }

                message.SetLength(0);
                size = 0;
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            reason = "stopped";
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            // A missing pong aborts the socket, which ends the pending receive with the keep-alive's own message.
            reason = "connection lost: " + (ex.InnerException is { } inner ? $"{ex.Message} ({inner.Message})" : ex.Message);
        }

        inputs.TryWrite(new ClosedInput(connection.Id, reason));
    }

    private async Task HandshakeDeadlineAsync(long connection, ChannelWriter<Input> inputs, CancellationToken ct)
    {
        try
        {
            await Task.Delay(_settings.HandshakeTimeout, ct).ConfigureAwait(false);
            inputs.TryWrite(new HandshakeDeadline(connection));
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }

    private static async Task<Input?> NextInputAsync(ChannelReader<Input> reader, TimeSpan wait, CancellationToken ct)
    {
        if (reader.TryRead(out var ready)) return ready;
        if (wait <= TimeSpan.Zero) return null;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(wait);
        try
        {
            return await reader.ReadAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return null;
        }
    }

    private async Task HandleAsync(Input input, Connection connection, List<IWithSymbol> commands, ChannelWriter<Input> inputs, CancellationToken ct)
    {
        var deliver = new List<MinuteAggregate>();
        switch (input)
        {
            case FrameInput frame:
                Interlocked.Add(ref _queuedBytes, -frame.Bytes.Length);
                if (frame.Connection == connection.Id && connection.End is null)
                {
                    await HandleFrameAsync(frame.Bytes, connection, deliver, inputs, ct).ConfigureAwait(false);
                }

                break;
            case OversizedInput oversized when oversized.Connection == connection.Id:
                Refuse([new BadInput(BadFrameKind.Oversized, $"message of {oversized.Bytes} bytes exceeds {StreamFrameParser.MaxFrameBytes}")]);
                Monitor.Frame(0, null, _gate, [new BadInput(BadFrameKind.Oversized, string.Empty)]);
                break;
            case ClosedInput closed when closed.Connection == connection.Id && connection.End is null:
                connection.End = new ConnectionEnd(LiveFeedProblem.Connection, closed.Reason);
                break;
            case HandshakeDeadline deadline when deadline.Connection == connection.Id && connection.End is null && !connection.Streaming:
                connection.End = new ConnectionEnd(LiveFeedProblem.Connection, $"no auth_success within {_settings.HandshakeTimeout.TotalSeconds:0} s of connecting");
                break;
            case BackfillDone done:
                if (done.Bars is { } bars) _gate.OnBackfill(done.Request, done.Symbol, bars, deliver, done.HeldElsewhereMs);
                else
                {
                    _gate.OnBackfillFailed(done.Request, done.Symbol, deliver, done.HeldElsewhereMs);
                    if (_refused.Count("backfill", "failed")) _log.Warning("Polygon stream: back-fill of {0} failed ({1}); its live bars go on without the missed minutes", done.Symbol, done.Error);
                }

                if (_gate.PendingBackfills == 0 && done.Last) _log.Info("Polygon stream: back-fill done; {0} missed bars delivered so far", _gate.Backfilled);
                Monitor.Frame(0, null, _gate, []);
                break;
        }

        commands.AddRange(ToCommands(deliver));
        ReportRefusals();
    }

    private static IEnumerable<IWithSymbol> ToCommands(List<MinuteAggregate> deliver) =>
        deliver.Select(bar => new SymbolCommands.MinuteBar(bar.Symbol,
            MinuteBarBuilder.Stamp(new Bar(bar.StartMs, bar.Open, bar.High, bar.Low, bar.Close, bar.Volume))));

    private async Task HandleFrameAsync(byte[] frame, Connection connection, List<MinuteAggregate> deliver, ChannelWriter<Input> inputs, CancellationToken ct)
    {
        var statuses = new List<StreamStatus>();
        var bars = new List<MinuteAggregate>();
        var refused = new List<BadInput>();
        StreamFrameParser.Parse(frame, _gate.IsSubscribed, statuses, bars, refused);
        Refuse(refused);
        foreach (var status in statuses)
        {
            await HandleStatusAsync(status, connection, ct).ConfigureAwait(false);
            if (connection.End is not null) break;
        }

        long? lastEnd = null;
        foreach (var bar in bars)
        {
            connection.BarsReceived++;
            lastEnd = lastEnd is { } e ? Math.Max(e, bar.EndMs) : bar.EndMs;
            if (_gate.OnLive(bar, deliver) is { } gap) BeginBackfill(gap, inputs, ct);
        }

        Monitor.Frame(bars.Count, lastEnd, _gate, refused);
    }

    private async Task HandleStatusAsync(StreamStatus status, Connection connection, CancellationToken ct)
    {
        switch (status.Status)
        {
            case StreamStatus.Connected:
                await SendAsync(connection, StreamRequests.Auth(_settings.ApiKey), ct).ConfigureAwait(false);
                break;
            case StreamStatus.AuthSuccess:
                var chunks = StreamRequests.SubscribeMinuteAggregates(_settings.Universe);
                foreach (var chunk in chunks)
                {
                    await SendAsync(connection, chunk, ct).ConfigureAwait(false);
                    if (connection.End is not null) return;
                }

                connection.Streaming = true;
                Monitor.Streaming();
                _log.Info("Polygon stream: authenticated; subscribed to AM for {0} symbols in {1} messages", _settings.Universe.Count, chunks.Count);
                break;
            case StreamStatus.AuthFailed or StreamStatus.AuthTimeout:
                connection.End = new ConnectionEnd(LiveFeedProblem.AuthFailed, $"the provider rejected the API key ({status.Status}: {Safe(status.Message)})");
                break;
            case StreamStatus.MaxConnections:
                connection.End = new ConnectionEnd(LiveFeedProblem.MaxConnections,
                    $"another process is using this API key: the provider allows one stream connection per key and closed this one ({status.Status}: {Safe(status.Message)})");
                break;
            case StreamStatus.Success:
                const string Prefix = "subscribed to:";
                if (status.Message.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
                {
                    Monitor.Subscribed(status.Message[Prefix.Length..].Split(',', StringSplitOptions.RemoveEmptyEntries).Length);
                }

                break;
            case StreamStatus.Error:
                if (_refused.Count("status", "error")) _log.Warning("Polygon stream: the provider reported an error: {0}", Safe(status.Message));
                break;
        }
    }

    private async Task SendAsync(Connection connection, byte[] message, CancellationToken ct)
    {
        try
        {
            await connection.Socket!.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException)
        {
            connection.End ??= new ConnectionEnd(LiveFeedProblem.Connection, "connection lost while sending: " + ex.GetBaseException().Message);
        }
    }

    private void BeginBackfill(BackfillRequest gap, ChannelWriter<Input> inputs, CancellationToken ct)
    {
        var from = DateTimeOffset.FromUnixTimeMilliseconds(gap.FromMs);
        var to = DateTimeOffset.FromUnixTimeMilliseconds(gap.ToMs);
        if (gap.AtStart)
        {
            _log.Info("Polygon stream: run started at {0:HH:mm} UTC; asking the SymbolActors of {1} symbols for their last minute, then back-filling ({2}) from {3:HH:mm} UTC at the earliest",
                to, gap.Symbols.Count, _settings.BackfillAtStart.ToString().ToLowerInvariant(), from);
        }
        else
        {
            _log.Info("Polygon stream: reconnected after a gap; back-filling {0} symbols for the minutes {1:HH:mm}–{2:HH:mm} UTC from the REST aggregates",
                gap.Symbols.Count, from, to);
        }

        var work = new BackfillWork(gap, inputs);
        // The fetches run beside the consumer and only post their results back to it: the gate stays on one loop.
        var fetches = Channel.CreateUnbounded<(string Symbol, long FromMs, long? HeldMs)>(new UnboundedChannelOptions { SingleWriter = !gap.AtStart });
        if (gap.AtStart) _ = LookUpAsync(work, fetches.Writer, ct);
        else
        {
            foreach (var symbol in gap.Symbols) fetches.Writer.TryWrite((symbol, gap.FromMs, null));
            fetches.Writer.TryComplete();
        }

        _ = Parallel.ForEachAsync(fetches.Reader.ReadAllAsync(ct), new ParallelOptions { MaxDegreeOfParallelism = _settings.BackfillParallelism, CancellationToken = ct }, async (fetch, token) =>
        {
            try
            {
                var bars = await _backfill.FetchAsync(fetch.Symbol, fetch.FromMs, gap.ToMs, token).ConfigureAwait(false);
                work.Done(fetch.Symbol, bars, null, fetch.HeldMs);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !token.IsCancellationRequested)
            {
                work.Done(fetch.Symbol, null, ex.GetBaseException().Message, fetch.HeldMs);
            }
        }).ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    /// <summary>
    /// The start back-fill's first step: each symbol's last minute from its SymbolActor (<see cref="ISymbolProgress"/>,
    /// <see cref="PolygonStreamSettings.StatusParallelism"/> questions in flight, each bounded by
    /// <see cref="PolygonStreamSettings.StatusTimeout"/>), then what to fetch (<see cref="StartBackfill.From"/>). A
    /// symbol with nothing to fetch is answered at once; one whose SymbolActor did not answer is not back-filled
    /// (fetching the whole session could deliver minutes it holds) and is counted as abandoned.
    /// </summary>
    private async Task LookUpAsync(BackfillWork work, ChannelWriter<(string Symbol, long FromMs, long? HeldMs)> fetches, CancellationToken ct)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        int toFetch = 0, unanswered = 0;
        try
        {
            await Parallel.ForEachAsync(work.Request.Symbols, new ParallelOptions { MaxDegreeOfParallelism = _settings.StatusParallelism, CancellationToken = ct }, async (symbol, token) =>
            {
                long? held;
                try
                {
                    held = _progress is null ? null : await _progress.LastMinuteAsync(symbol, _settings.StatusTimeout, token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !token.IsCancellationRequested)
                {
                    Interlocked.Increment(ref unanswered);
                    work.Done(symbol, null, "its SymbolActor did not say what it holds: " + ex.GetBaseException().Message, null);
                    return;
                }

                if (StartBackfill.From(_settings.BackfillAtStart, work.Request, held) is { } from)
                {
                    Interlocked.Increment(ref toFetch);
                    fetches.TryWrite((symbol, from, held));
                }
                else
                {
                    work.Done(symbol, [], null, held);
                }
            }).ConfigureAwait(false);
            _log.Info("Polygon stream: {0} SymbolActors asked in {1:0.0} s; {2} symbols to back-fill from REST, {3} did not answer",
                work.Request.Symbols.Count, clock.Elapsed.TotalSeconds, toFetch, unanswered);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // stopping
        }
        finally
        {
            fetches.TryComplete();
        }
    }

    private void Refuse(List<BadInput> refused)
    {
        foreach (var bad in refused)
        {
            if (_refused.Count("stream", bad.Kind.Name()))
            {
                _log.Warning("Polygon stream: refused input ({0}): {1}; later ones of this kind are counted (ctl feed, health) and reported once a minute", bad.Kind.Name(), bad.Reason);
            }
        }

        if (refused.Count > 0) PipelineCounters.FeedBadFrames(refused);
    }

    private void ReportRefusals()
    {
        var now = DateTimeOffset.UtcNow;
        if (now - _lastRefusalReport < RefusalReportInterval) return;
        _lastRefusalReport = now;
        foreach (var count in _refused.TakeReport())
        {
            _log.Warning("Polygon stream: {0} more refused ({1}) in the last minute; {2} in all", count.SinceLastReport, count.Reason, count.Total);
        }
    }

    private void LogEnd(ConnectionEnd end, TimeSpan delay)
    {
        var wait = delay.TotalSeconds >= 90 ? $"{delay.TotalMinutes:0.#} min" : $"{delay.TotalSeconds:0.##} s";
        switch (end.Problem)
        {
            case LiveFeedProblem.AuthFailed:
            case LiveFeedProblem.MaxConnections:
                _log.Error("Polygon stream: {0}; next attempt in {1} (no live data until then)", end.Reason, wait);
                break;
            default:
                _log.Warning("Polygon stream: {0}; reconnecting in {1}", end.Reason, wait);
                break;
        }
    }

    /// <summary>The URL without query or user info (a key in either never reaches a log).</summary>
    private static string Describe(Uri url) => url.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);

    /// <summary>Provider text, shortened and without control characters, for logs and health.</summary>
    private static string Safe(string text)
    {
        var cleaned = new string(text.Select(c => char.IsControl(c) ? ' ' : c).ToArray());
        return cleaned.Length <= 200 ? cleaned : cleaned[..200] + "…";
    }

    private sealed class Connection(long id)
    {
        public long Id { get; } = id;

        public ClientWebSocket? Socket { get; set; }

        public bool Opened { get; set; }

        public bool Streaming { get; set; }

        public long BarsReceived { get; set; }

        public ConnectionEnd? End { get; set; }
    }

    private sealed record ConnectionEnd(LiveFeedProblem Problem, string Reason);

    private abstract record Input;

    private sealed record FrameInput(long Connection, byte[] Bytes) : Input;

    private sealed record OversizedInput(long Connection, long Bytes) : Input;

    private sealed record ClosedInput(long Connection, string Reason) : Input;

    private sealed record HandshakeDeadline(long Connection) : Input;

    private sealed record BackfillDone(BackfillRequest Request, string Symbol, IReadOnlyList<MinuteAggregate>? Bars, string? Error, bool Last, long? HeldElsewhereMs) : Input;

    /// <summary>One back-fill's symbols as they finish, posted to the consumer loop; the last one says so.</summary>
    private sealed class BackfillWork(BackfillRequest request, ChannelWriter<Input> inputs)
    {
        private int _remaining = request.Symbols.Count;

        public BackfillRequest Request { get; } = request;

        public void Done(string symbol, IReadOnlyList<MinuteAggregate>? bars, string? error, long? heldElsewhereMs) =>
            inputs.TryWrite(new BackfillDone(Request, symbol, bars, error, Interlocked.Decrement(ref _remaining) == 0, heldElsewhereMs));
    }
}
