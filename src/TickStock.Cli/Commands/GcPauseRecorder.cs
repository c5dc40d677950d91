using System.Diagnostics.Tracing;

namespace TickStock.Cli.Commands;

/// <summary>
/// Each garbage collection's pause during the bench's measured part, from the runtime's own GC
/// events (suspension begins → threads restarted), so a latency tail can be set against the
/// collector: a pause stalls every event in flight for its whole length.
/// </summary>
internal sealed class GcPauseRecorder : EventListener
{
    private const int GCStart = 1;
    private const int GCRestartEEEnd = 3;
    private const int GCSuspendEEBegin = 9;

    private readonly List<GcPause> _pauses = [];
    private DateTime _suspendBegin;
    private int _generation = -1;
    private volatile bool _recording;

    public readonly record struct GcPause(double Milliseconds, int Generation);

    public void Start() => _recording = true;

    public IReadOnlyList<GcPause> Stop()
    {
        _recording = false;
        lock (_pauses) return [.. _pauses];
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        // The GC keyword at Informational: a handful of events per collection.
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(eventSource, EventLevel.Informational, (EventKeywords)0x1);
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (!_recording) return;
        switch (eventData.EventId)
        {
            case GCSuspendEEBegin:
                _suspendBegin = eventData.TimeStamp;
                _generation = -1;
                break;
            case GCStart:
                _generation = eventData.Payload is { Count: > 1 } payload && payload[1] is uint depth ? (int)depth : -1;
                break;
            case GCRestartEEEnd when _suspendBegin != default:
                lock (_pauses) _pauses.Add(new GcPause((eventData.TimeStamp - _suspendBegin).TotalMilliseconds, _generation));
                _suspendBegin = default;
                break;
        }
    }
}
