using System.Buffers.Binary;
using ClosedLoop.Core.Ingest;

namespace ClosedLoop.Recording.Records;

/// <summary>A raw <see cref="ArousalSample"/> as it arrived; the record's step is the step that was next to run.</summary>
/// <param name="Sample">The sample.</param>
public readonly record struct InputSampleRecord(ArousalSample Sample) : IRecord<InputSampleRecord>
{
    public static RecordType Type => RecordType.InputSample;

    public static int FixedSize => 38;

    public static int MinSize => FixedSize;

    public int PayloadSize => FixedSize;

    public void Encode(Span<byte> p)
    {
        var s = Sample;
        BinaryPrimitives.WriteDoubleLittleEndian(p, s.Value);
        BinaryPrimitives.WriteSingleLittleEndian(p[8..], s.Confidence);
        p[12] = s.Channel;
        p[13] = (byte)s.Kind;
        BinaryPrimitives.WriteDoubleLittleEndian(p[14..], s.SourceTimeSeconds);
        BinaryPrimitives.WriteInt64LittleEndian(p[22..], s.ArrivalTicks);
        BinaryPrimitives.WriteUInt64LittleEndian(p[30..], s.Sequence);
    }

    public static InputSampleRecord Decode(ReadOnlySpan<byte> p) => new(new ArousalSample(
        BinaryPrimitives.ReadDoubleLittleEndian(p),
        BinaryPrimitives.ReadSingleLittleEndian(p[8..]),
        p[12],
        (ArousalSourceKind)p[13],
        BinaryPrimitives.ReadDoubleLittleEndian(p[14..]),
        BinaryPrimitives.ReadInt64LittleEndian(p[22..]),
        BinaryPrimitives.ReadUInt64LittleEndian(p[30..])));
}
