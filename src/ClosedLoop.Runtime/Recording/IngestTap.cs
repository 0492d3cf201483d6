using ClosedLoop.Core.Ingest;
using ClosedLoop.Runtime.Loop;
using ClosedLoop.Recording;
using ClosedLoop.Recording.Records;

namespace ClosedLoop.Runtime.Recording;

/// <summary>
/// Records every raw sample as it arrives (with the loop step that was next to run), and every ingest error
/// as a note, then hands both on: the recording keeps every input, not only the estimates the loop used.
/// Digital edges (pyPhotometry digital inputs and sync pulses) are recorded and handed on when the next sink takes them.
/// </summary>
public sealed class IngestTap : IArousalSink, IDigitalEdgeSink, Core.Time.IClockOffsetSink
{
    private readonly IArousalSink _next;
    private readonly RecordingWriter _writer;
    private readonly ClosedLoopRuntime _runtime;

    public IngestTap(IArousalSink next, RecordingWriter writer, ClosedLoopRuntime runtime)
    {
        _next = next;
        _writer = writer;
        _runtime = runtime;
    }

    public void OnSample(in ArousalSample sample)
    {
        _writer.WriteSide(_runtime.StepsRun, new InputSampleRecord(sample));
        _next.OnSample(sample);
    }

    public void OnDigitalEdge(in DigitalEdge edge)
    {
        _writer.WriteSide(_runtime.StepsRun, new DigitalEdgeRecord(edge));
        (_next as IDigitalEdgeSink)?.OnDigitalEdge(edge);
    }

    public void OnClockOffset(in Core.Time.ClockOffset offset)
    {
        _writer.WriteSide(_runtime.StepsRun, new ClockOffsetRecord(offset));
        (_next as Core.Time.IClockOffsetSink)?.OnClockOffset(offset);
    }

    public void OnError(IngestError error, string detail)
    {
        _writer.WriteNote(_runtime.StepsRun, MarkerCode.IngestErrorBase + (int)error, $"ingest {error}: {detail}");
        _next.OnError(error, detail);
    }
}
