using System.Buffers.Binary;
using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Time;

namespace ClosedLoop.Recording.Records;

/// <summary>An estimate of a device clock's offset from the monotonic clock.</summary>
/// <param name="Offset">The estimate.</param>
public readonly record struct ClockOffsetRecord(ClockOffset Offset) : IRecord<ClockOffsetRecord>
{
    public static RecordType Type => RecordType.ClockOffset;

    public static int FixedSize => 26;

    public static int MinSize => FixedSize;

    public int PayloadSize => FixedSize;

    public void Encode(Span<byte> p)
    {
        var c = Offset;
        p[0] = (byte)c.Source;
        p[1] = c.SourceId;
        BinaryPrimitives.WriteDoubleLittleEndian(p[2..], c.OffsetSeconds);
        BinaryPrimitives.WriteDoubleLittleEndian(p[10..], c.RoundTripSeconds);
        BinaryPrimitives.WriteInt64LittleEndian(p[18..], c.MeasuredTicks);
    }

    public static ClockOffsetRecord Decode(ReadOnlySpan<byte> p) => new(new ClockOffset(
        (ArousalSourceKind)p[0],
        p[1],
        BinaryPrimitives.ReadDoubleLittleEndian(p[2..]),
        BinaryPrimitives.ReadDoubleLittleEndian(p[10..]),
        BinaryPrimitives.ReadInt64LittleEndian(p[18..])));
}
