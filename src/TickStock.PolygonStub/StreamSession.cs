using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using TickStock.Core.Calendar;
using TickStock.Core.Feed;

namespace TickStock.PolygonStub;

/// <summary>One stream connection of the stub: the protocol, the minute clock, and the injected faults.</summary>
internal sealed class StreamSession(WebSocket socket, PolygonStubOptions options, MarketData data, StreamEndpoint endpoint)
{
    private readonly SemaphoreSlim _send = new(1, 1);
    private readonly Dictionary<string, SymbolCursor> _subscribed = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource<string> _evicted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _silent;

    /// <summary>The key this session authenticated with (null before).</summary>
    public string? Key { get; private set; }

    public async Task RunAsync(CancellationToken aborted)
    {
        // Cancelling a pending receive aborts a WebSocket, so the loops are only cancelled on the way out; eviction
        // and the faults are signalled beside them.
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(aborted, _stop.Token);
        var ct = linked.Token;
        try
        {
            await SendAsync([Status("connected", "Connected Successfully")], ct).ConfigureAwait(false);
            var receive = ReceiveLoopAsync(ct);
            var minutes = MinuteLoopAsync(ct);
            var drop = options.Stream.DropEvery is { } every ? Task.Delay(every, ct) : Task.Delay(Timeout.Infinite, ct);
            var first = await Task.WhenAny(receive, minutes, drop, _evicted.Task).ConfigureAwait(false);
            if (first == receive && _silent)
            {
                // Nothing more is read (so pings go unanswered) or sent, until the client gives up.
                await Task.Delay(Timeout.Infinite, aborted).ConfigureAwait(false);
            }
            else if (first == drop && !ct.IsCancellationRequested)
            {
                socket.Abort(); // no close frame: a cut connection
            }
            else if (first == _evicted.Task)
            {
                await SendAsync([Status("max_connections", await _evicted.Task.ConfigureAwait(false))], ct).ConfigureAwait(false);
                using var closing = CancellationTokenSource.CreateLinkedTokenSource(ct);
                closing.CancelAfter(TimeSpan.FromSeconds(2));
                await socket.CloseOutputAsync(WebSocketCloseStatus.PolicyViolation, "max_connections", closing.Token).ConfigureAwait(false);
                // Until the client closes too (or gives up): aborting now could discard the frames not yet flushed.
                await Task.WhenAny(receive, Task.Delay(TimeSpan.FromSeconds(2), ct)).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException or ObjectDisposedException)
        {
            // the client went away, or the server stops
        }
        finally
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            socket.Abort();
        }
    }

    /// <summary>A newer connection authenticated with this key: tell this one and close it.</summary>
    public void Evict(string message) => _evicted.TrySetResult(message);

    private async Task ReceiveLoopAsync(CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var received = await socket.ReceiveAsync(buffer.AsMemory(), ct).ConfigureAwait(false);
            if (received.MessageType == WebSocketMessageType.Close) return;
            message.Write(buffer, 0, received.Count);
            if (message.Length > StreamFrameParser.MaxFrameBytes) return;
            if (!received.EndOfMessage) continue;
            await HandleAsync(message.ToArray(), ct).ConfigureAwait(false);
            message.SetLength(0);
            if (socket.State != WebSocketState.Open || _silent) return;
        }
    }

    private async Task HandleAsync(byte[] request, CancellationToken ct)
    {
        string? action = null;
        string? parameters = null;
        try
        {
            using var document = JsonDocument.Parse(request);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                action = document.RootElement.TryGetProperty("action", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null;
                parameters = document.RootElement.TryGetProperty("params", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
            }
        }
        catch (JsonException)
        {
            // answered below
        }

        switch (action)
        {
            case "auth":
                var accepted = !string.IsNullOrEmpty(parameters) && (options.RequiredApiKey is not { } required || string.Equals(parameters, required, StringComparison.Ordinal));
                if (!accepted)
                {
                    await SendAsync([Status("auth_failed", "authentication failed")], ct).ConfigureAwait(false);
                    await socket.CloseAsync(WebSocketCloseStatus.PolicyViolation, "authentication failed", ct).ConfigureAwait(false);
                    return;
                }

                Key = parameters;
                endpoint.Authenticated(parameters!, this);
                await SendAsync([Status("auth_success", "authenticated")], ct).ConfigureAwait(false);
                return;
            case "subscribe" or "unsubscribe" when Key is null:
                await SendAsync([Status("error", "not authorized")], ct).ConfigureAwait(false);
                return;
            case "subscribe" or "unsubscribe":
                var symbols = StreamRequests.MinuteAggregateSymbols(parameters ?? string.Empty).ToList();
                lock (_gate)
                {
                    foreach (var symbol in symbols)
                    {
                        if (action == "subscribe") _subscribed.TryAdd(symbol, new SymbolCursor(symbol));
                        else _subscribed.Remove(symbol);
                    }
                }

                var verb = action == "subscribe" ? "subscribed to" : "unsubscribed to";
                await SendAsync([.. symbols.Select(s => Status("success", $"{verb}: AM.{s}"))], ct).ConfigureAwait(false);
                if (action == "subscribe")
                {
                    foreach (var frame in options.Stream.InjectFrames) await SendRawAsync(System.Text.Encoding.UTF8.GetBytes(frame), ct).ConfigureAwait(false);
                    _silent = options.Stream.SilentAfterSubscribe;
                }

                return;
            default:
                await SendAsync([Status("error", "unknown action")], ct).ConfigureAwait(false);
                return;
        }
    }

    /// <summary>At each minute boundary of the stub's clock, the minute that just ended for every subscribed symbol.</summary>
    private async Task MinuteLoopAsync(CancellationToken ct)
    {
        var now = options.CurrentNow().ToUnixTimeMilliseconds();
        var next = now - (now % 60_000); // the minute in progress ends first
        while (true)
        {
            now = options.CurrentNow().ToUnixTimeMilliseconds();
            if (_silent) await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
            var speed = options.Time is ScaledTimeProvider scaled ? scaled.Speed : 1.0;
            var wait = (next + 60_000 - now) / speed;
            if (wait > 0)
            {
                // At most 200 ms at a time: the clock may be re-anchored meanwhile.
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Clamp(wait, 1, 200)), ct).ConfigureAwait(false);
                continue;
            }

            List<(string Symbol, SymbolCursor Cursor)> subscribed;
            lock (_gate) subscribed = [.. _subscribed.Select(p => (p.Key, p.Value))];
            var events = new List<AggregateEvent>();
            var horizon = options.CurrentNow();
            foreach (var (_, cursor) in subscribed)
            {
                if (cursor.Minute(data, next, horizon) is { } e) events.Add(e);
            }

            foreach (var chunk in events.Chunk(Math.Max(1, options.Stream.EventsPerFrame)))
            {
                await SendRawAsync(AggregateEvent.Frame(chunk), ct).ConfigureAwait(false);
            }

            next += 60_000;
        }
    }

    private Task SendAsync(IReadOnlyList<byte[]> events, CancellationToken ct)
    {
        var buffer = new ArrayBufferWriter<byte>();
        buffer.Write("["u8);
        for (var i = 0; i < events.Count; i++)
        {
            if (i > 0) buffer.Write(","u8);
            buffer.Write(events[i]);
        }

        buffer.Write("]"u8);
        return SendRawAsync(buffer.WrittenMemory.ToArray(), ct);
    }

    private async Task SendRawAsync(byte[] frame, CancellationToken ct)
    {
        await _send.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, ct).ConfigureAwait(false);
        }
        finally
        {
            _send.Release();
        }
    }

    private static byte[] Status(string status, string message)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("ev", "status");
            json.WriteString("status", status);
            json.WriteString("message", message);
            json.WriteEndObject();
        }

        return buffer.WrittenMemory.ToArray();
    }

    /// <summary>
    /// Walks one symbol's minutes of the day forward (the day's bars are produced once, in order), keeping the day's
    /// accumulated volume, official open and VWAP that AM events carry.
    /// </summary>
    private sealed class SymbolCursor(string symbol)
    {
        private DateOnly _date;
        private DayMinutes _minutes;
        private StubBar? _pending;
        private bool _exhausted = true;
        private long _dayVolume;
        private double _dayOpen;
        private double _dayValue;

        public AggregateEvent? Minute(MarketData data, long start, DateTimeOffset horizon)
        {
            var date = EasternTime.EasternDate(DateTimeOffset.FromUnixTimeMilliseconds(start));
            if (date != _date)
            {
                _date = date;
                _minutes = data.Minutes(symbol, date, horizon.AddDays(1)); // the cursor cuts at the minute itself
                _pending = null;
                _exhausted = false;
                _dayVolume = 0;
                _dayValue = 0;
                _dayOpen = 0;
            }

            while (!_exhausted && (_pending is null || _pending.Value.T < start))
            {
                if (_pending is { } passed) Accumulate(passed);
                if (_minutes.MoveNext(out var bar)) _pending = bar;
                else
                {
                    _pending = null;
                    _exhausted = true;
                }
            }

            if (_pending is not { } current || current.T != start) return null;
            Accumulate(current);
            _pending = null;
            if (_minutes.MoveNext(out var following)) _pending = following;
            else _exhausted = true;
            var vwap = current.HasVwap ? current.Vw4 / 10_000.0 : Math.Round((current.H + current.L + current.C) / 3, 4);
            return new AggregateEvent(symbol, current, vwap, _dayVolume, _dayOpen, _dayVolume > 0 ? Math.Round(_dayValue / _dayVolume, 4) : vwap);
        }

        private void Accumulate(StubBar bar)
        {
            if (_dayVolume == 0) _dayOpen = bar.O;
            _dayVolume += bar.V;
            _dayValue += (bar.HasVwap ? bar.Vw4 / 10_000.0 : bar.C) * bar.V;
        }
    }
}

/// <summary>One <c>AM</c> event as the provider writes it.</summary>
internal readonly record struct AggregateEvent(string Symbol, StubBar Bar, double Vwap, long DayVolume, double DayOpen, double DayVwap)
{
    public static byte[] Frame(IEnumerable<AggregateEvent> events)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var e in events)
            {
                json.WriteStartObject();
                json.WriteString("ev", "AM");
                json.WriteString("sym", e.Symbol);
                json.WriteNumber("v", e.Bar.V);
                json.WriteNumber("av", e.DayVolume);
                json.WriteNumber("op", e.DayOpen);
                json.WriteNumber("vw", e.Vwap);
                json.WriteNumber("o", e.Bar.O);
                json.WriteNumber("c", e.Bar.C);
                json.WriteNumber("h", e.Bar.H);
                json.WriteNumber("l", e.Bar.L);
                json.WriteNumber("a", e.DayVwap);
                json.WriteNumber("z", e.Bar.N > 0 ? e.Bar.V / e.Bar.N : e.Bar.V);
                json.WriteNumber("s", e.Bar.T);
                json.WriteNumber("e", e.Bar.T + 60_000);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        return buffer.WrittenMemory.ToArray();
    }
}
