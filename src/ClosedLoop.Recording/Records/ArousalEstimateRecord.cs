using System.Buffers.Binary;
using ClosedLoop.Core.Ingest;

namespace ClosedLoop.Recording.Records;

/// <summary>The conditioned estimate the loop read from its mailbox at the record's step, with the mailbox publish count.</summary>
/// <param name="Estimate">The estimate.</param>
/// <param name="PublishCount">Mailbox publish count when it was read.</param>
public readonly record struct ArousalEstimateRecord(ArousalEstimate Estimate, long PublishCount) : IRecord<ArousalEstimateRecord>
{
    public static RecordType Type => RecordType.ArousalEstimate;

    public static int FixedSize => 38;

    public static int MinSize => FixedSize;

    public int PayloadSize => FixedSize;

    public void Encode(Span<byte> p)
    {
        var e = Estimate;
        BinaryPrimitives.WriteSingleLittleEndian(p, e.Arousal);
        BinaryPrimitives.WriteUInt16LittleEndian(p[4..], (ushort)e.Quality);
        BinaryPrimitives.WriteDoubleLittleEndian(p[6..], e.SourceTimeSeconds);
        BinaryPrimitives.WriteInt64LittleEndian(p[14..], e.ArrivalTicks);
        BinaryPrimitives.WriteUInt64LittleEndian(p[22..], e.Sequence);
        BinaryPrimitives.WriteInt64LittleEndian(p[30..], PublishCount);
    }

    public static ArousalEstimateRecord Decode(ReadOnlySpan<byte> p) => new(new ArousalEstimate(
        BinaryPrimitives.ReadSingleLittleEndian(p),
        (SampleQuality)BinaryPrimitives.ReadUInt16LittleEndian(p[4..]),
        BinaryPrimitives.ReadDoubleLittleEndian(p[6..]),
        BinaryPrimitives.ReadInt64LittleEndian(p[14..]),
        BinaryPrimitives.ReadUInt64LittleEndian(p[22..])),
        BinaryPrimitives.ReadInt64LittleEndian(p[30..]));
}
