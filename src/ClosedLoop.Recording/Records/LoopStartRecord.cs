using System.Buffers.Binary;
using ClosedLoop.Core.Loop;

namespace ClosedLoop.Recording.Records;

/// <summary>The loop's start summary (its model name is in the Config record, not repeated here).</summary>
/// <param name="Info">The summary.</param>
public readonly record struct LoopStartRecord(LoopStartInfo Info) : IRecord<LoopStartRecord>
{
    public static RecordType Type => RecordType.LoopStart;

    public static int FixedSize => 50;

    public static int MinSize => FixedSize;

    public int PayloadSize => FixedSize;

    public void Encode(Span<byte> p)
    {
        var i = Info;
        BinaryPrimitives.WriteDoubleLittleEndian(p, i.StepRateHz);
        BinaryPrimitives.WriteInt32LittleEndian(p[8..], i.Substeps);
        BinaryPrimitives.WriteDoubleLittleEndian(p[12..], i.ModelDtMs);
        BinaryPrimitives.WriteInt64LittleEndian(p[20..], i.PeriodTicks);
        BinaryPrimitives.WriteInt64LittleEndian(p[28..], i.TickFrequency);
        BinaryPrimitives.WriteInt32LittleEndian(p[36..], i.ChannelCount);
        p[40] = (byte)i.OverrunPolicy;
        p[41] = i.Deterministic ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteInt64LittleEndian(p[42..], i.StartTicks);
    }

    /// <summary>The summary with an empty model name; <see cref="WithModel"/> fills it from the Config record.</summary>
    public static LoopStartRecord Decode(ReadOnlySpan<byte> p) => new(new LoopStartInfo(
        BinaryPrimitives.ReadDoubleLittleEndian(p),
        BinaryPrimitives.ReadInt32LittleEndian(p[8..]),
        BinaryPrimitives.ReadDoubleLittleEndian(p[12..]),
        BinaryPrimitives.ReadInt64LittleEndian(p[20..]),
        BinaryPrimitives.ReadInt64LittleEndian(p[28..]),
        BinaryPrimitives.ReadInt32LittleEndian(p[36..]),
        (OverrunPolicy)p[40],
        p[41] != 0,
        "",
        BinaryPrimitives.ReadInt64LittleEndian(p[42..])));

    /// <summary>The summary with <paramref name="modelName"/>.</summary>
    public LoopStartInfo WithModel(string modelName) => Info with { ModelName = modelName };
}
