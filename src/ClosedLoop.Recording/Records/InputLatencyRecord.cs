using System.Buffers.Binary;

namespace ClosedLoop.Recording.Records;

/// <summary>
/// The latency stamps of the step that first used a new input (written by the loop recorder on that step only):
/// the input's sequence, its source time (the sender's clock), its arrival (ingest's monotonic stamp) and the time
/// the step's output frame was published to the output ring (monotonic). Results, not replay inputs.
/// </summary>
/// <param name="InputSequence">Sequence of the newest sample behind the input.</param>
/// <param name="SourceTimeSeconds">The sample's source time, s, in the sender's clock (CLOCK_MONOTONIC for a co-located sender that stamps it so).</param>
/// <param name="ArrivalTicks">Arrival at ingest, monotonic ticks.</param>
/// <param name="PublishTicks">The step's output frame published, monotonic ticks.</param>
public readonly record struct InputLatencyRecord(ulong InputSequence, double SourceTimeSeconds, long ArrivalTicks, long PublishTicks)
    : IRecord<InputLatencyRecord>
{
    public static RecordType Type => RecordType.InputLatency;

    public static int FixedSize => 32;

    public static int MinSize => FixedSize;

    public int PayloadSize => FixedSize;

    public void Encode(Span<byte> p)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(p, InputSequence);
        BinaryPrimitives.WriteDoubleLittleEndian(p[8..], SourceTimeSeconds);
        BinaryPrimitives.WriteInt64LittleEndian(p[16..], ArrivalTicks);
        BinaryPrimitives.WriteInt64LittleEndian(p[24..], PublishTicks);
    }

    public static InputLatencyRecord Decode(ReadOnlySpan<byte> p) => new(
        BinaryPrimitives.ReadUInt64LittleEndian(p),
        BinaryPrimitives.ReadDoubleLittleEndian(p[8..]),
        BinaryPrimitives.ReadInt64LittleEndian(p[16..]),
        BinaryPrimitives.ReadInt64LittleEndian(p[24..]));
}
