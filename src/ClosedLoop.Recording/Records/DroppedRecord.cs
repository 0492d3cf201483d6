using System.Buffers.Binary;

namespace ClosedLoop.Recording.Records;

/// <summary>Records the real-time producer could not queue because its ring was full (written by the drain thread).</summary>
/// <param name="Total">Records dropped since the recording began.</param>
/// <param name="SincePrevious">Records dropped since the previous Dropped record.</param>
public readonly record struct DroppedRecord(ulong Total, ulong SincePrevious) : IRecord<DroppedRecord>
{
    public static RecordType Type => RecordType.Dropped;

    public static int FixedSize => 16;

    public static int MinSize => FixedSize;

    public int PayloadSize => FixedSize;

    public void Encode(Span<byte> p)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(p, Total);
        BinaryPrimitives.WriteUInt64LittleEndian(p[8..], SincePrevious);
    }

    public static DroppedRecord Decode(ReadOnlySpan<byte> p) =>
        new(BinaryPrimitives.ReadUInt64LittleEndian(p), BinaryPrimitives.ReadUInt64LittleEndian(p[8..]));
}
