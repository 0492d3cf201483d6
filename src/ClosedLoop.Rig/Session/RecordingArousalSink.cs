using ClosedLoop.Core.Ingest;
using ClosedLoop.Runtime.Loop;
using ClosedLoop.Runtime.Recording;

namespace ClosedLoop.Rig.Session;

/// <summary>
/// Records every raw sample as it arrives (with the loop step that was next to run), and every ingest error
/// as a note, then hands both on: the recording keeps every input, not only the estimates the loop used.
/// </summary>
internal sealed class RecordingArousalSink : IArousalSink
{
    /// <summary>Marker code of ingest-error notes.</summary>
    public const int IngestErrorMarker = 10;

    private readonly IArousalSink _next;
    private readonly RecordingWriter _writer;
    private readonly ClosedLoopRuntime _runtime;

    public RecordingArousalSink(IArousalSink next, RecordingWriter writer, ClosedLoopRuntime runtime)
    {
        _next = next;
        _writer = writer;
        _runtime = runtime;
    }

    public void OnSample(in ArousalSample sample)
    {
        _writer.RecordArrival(_runtime.StepsRun, sample);
        _next.OnSample(sample);
    }

    public void OnError(IngestError error, string detail)
    {
        _writer.WriteNote(_runtime.StepsRun, IngestErrorMarker + (int)error, $"ingest {error}: {detail}");
        _next.OnError(error, detail);
    }
}
