using System.Buffers.Binary;
using ClosedLoop.Core.Ingest;

namespace ClosedLoop.Recording.Records;

/// <summary>
/// A digital line of a source changed level. Payload (19 bytes): source kind u8, line u8, flags u8 (bit 0 = high,
/// bit 1 = sync-out line), source time f64 s, arrival i64 ticks.
/// </summary>
/// <param name="Edge">The edge.</param>
public readonly record struct DigitalEdgeRecord(DigitalEdge Edge) : IRecord<DigitalEdgeRecord>
{
    public static RecordType Type => RecordType.DigitalEdge;

    public static int FixedSize => 19;

    public static int MinSize => FixedSize;

    public int PayloadSize => FixedSize;

    public void Encode(Span<byte> p)
    {
        var e = Edge;
        p[0] = (byte)e.Kind;
        p[1] = e.Line;
        p[2] = (byte)((e.High ? 1 : 0) | (e.SyncOut ? 2 : 0));
        BinaryPrimitives.WriteDoubleLittleEndian(p[3..], e.SourceTimeSeconds);
        BinaryPrimitives.WriteInt64LittleEndian(p[11..], e.ArrivalTicks);
    }

    public static DigitalEdgeRecord Decode(ReadOnlySpan<byte> p) => new(new DigitalEdge(
        (ArousalSourceKind)p[0],
        p[1],
        (p[2] & 1) != 0,
        BinaryPrimitives.ReadDoubleLittleEndian(p[3..]),
        BinaryPrimitives.ReadInt64LittleEndian(p[11..]),
        (p[2] & 2) != 0));
}
