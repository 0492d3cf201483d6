using ClosedLoop.Core.Control;
using ClosedLoop.Core.Ingest;

namespace ClosedLoop.Rig.Session;

/// <summary>
/// Between a serial-line source and the session's ingest: samples, errors and digital edges pass through unchanged
/// (the recording keeps every edge), and the configured e-stop line going high latches the session's e-stop through
/// the operator control (<see cref="ILoopControl.EStopAsync"/>), the same path as gRPC EStop. The line's rise latches
/// (a repeated report of it high does not latch again; its fall releases nothing): a reset and Start are the
/// operator's, as after any e-stop, and Start is refused while the line is still high. Runs on the source's thread.
/// </summary>
internal sealed class EStopLineSink : IArousalSink, IDigitalEdgeSink, Core.Time.IClockOffsetSink
{
    private readonly IArousalSink _next;
    private readonly byte _line;
    private readonly ILoopControl _control;
    private readonly string _source;
    private readonly Action _counted;
    private readonly Action<bool> _level;
    private bool _high;

    public EStopLineSink(IArousalSink next, byte line, ILoopControl control, string source, Action counted, Action<bool> level)
    {
        _next = next;
        _line = line;
        _control = control;
        _source = source;
        _counted = counted;
        _level = level;
    }

    public void OnSample(in ArousalSample sample) => _next.OnSample(sample);

    public void OnError(IngestError error, string detail) => _next.OnError(error, detail);

    public void OnClockOffset(in Core.Time.ClockOffset offset) => (_next as Core.Time.IClockOffsetSink)?.OnClockOffset(offset);

    public void OnDigitalEdge(in DigitalEdge edge)
    {
        (_next as IDigitalEdgeSink)?.OnDigitalEdge(edge); // recorded first: the recording shows the cause before the e-stop note
        if (edge.Line != _line)
        {
            return;
        }
        bool was = _high;
        _high = edge.High;
        _level(edge.High); // before the latch: a Start between the two is refused already
        if (edge.High && !was)
        {
            _counted();
            // Completes synchronously (the session latches and returns its status); waited for on this, the source's, thread.
            _control.EStopAsync($"hardware e-stop line {_line} ({_source})", CancellationToken.None).GetAwaiter().GetResult();
        }
    }
}
