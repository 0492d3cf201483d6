using System.Buffers;
using MessagePack;

namespace ClosedLoop.Transport.Zmq.Pupil;

/// <summary>
/// One event to mark in Pupil Capture's recording (an annotation, as Pupil Player shows and exports them).
/// </summary>
/// <param name="Label">What happened, e.g. "closedloop.armed" (Capture's <c>label</c>).</param>
/// <param name="LocalTicks">When it happened on our monotonic clock (<see cref="Core.Time.MonoClock"/> ticks); sent in Pupil time.</param>
/// <param name="DurationSeconds">How long it lasted, s (0 for an instant).</param>
/// <param name="Step">The loop step it happened at, or -1.</param>
/// <param name="Detail">Free text (a reason, a channel), or null.</param>
public readonly record struct PupilAnnotation(string Label, long LocalTicks, double DurationSeconds = 0, long Step = -1, string? Detail = null)
{
    /// <summary>
    /// The msgpack map Capture's Annotation_Capture plugin expects on topic <c>annotation</c> (Pupil Labs, Pupil Core
    /// network API documentation, "Remote annotations"): <c>topic</c>, <c>label</c>, <c>timestamp</c> (Pupil time, s,
    /// float64), <c>duration</c> (s); then our own keys, which Capture keeps and Pupil Player exports as columns:
    /// <c>source</c> ("closedloop"), <c>step</c> when known, <c>detail</c> when given.
    /// </summary>
    public byte[] Encode(double pupilTimeSeconds)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        var w = new MessagePackWriter(buffer);
        w.WriteMapHeader(5 + (Step >= 0 ? 1 : 0) + (Detail is null ? 0 : 1));
        w.Write("topic");
        w.Write("annotation");
        w.Write("label");
        w.Write(Label);
        w.Write("timestamp");
        w.Write(pupilTimeSeconds);
        w.Write("duration");
        w.Write(DurationSeconds);
        w.Write("source");
        w.Write("closedloop");
        if (Step >= 0)
        {
            w.Write("step");
            w.Write(Step);
        }
        if (Detail is not null)
        {
            w.Write("detail");
            w.Write(Detail);
        }
        w.Flush();
        return buffer.WrittenSpan.ToArray();
    }
}
