using System.Buffers.Binary;
using ClosedLoop.Core.Outputs;

namespace ClosedLoop.Recording.Records;

/// <summary>The frame that left the governor; the record's step is the frame's step (not repeated in the payload).</summary>
/// <param name="Frame">The frame.</param>
public readonly record struct OutputFrameRecord(OutputFrame Frame) : IRecord<OutputFrameRecord>
{
    public static RecordType Type => RecordType.OutputFrame;

    public static int FixedSize => 62;

    public static int MinSize => FixedSize;

    public int PayloadSize => FixedSize;

    public void Encode(Span<byte> p)
    {
        var f = Frame;
        BinaryPrimitives.WriteInt64LittleEndian(p, f.Ticks);
        BinaryPrimitives.WriteUInt64LittleEndian(p[8..], f.InputSequence);
        BinaryPrimitives.WriteInt64LittleEndian(p[16..], f.InputArrivalTicks);
        BinaryPrimitives.WriteInt32LittleEndian(p[24..], f.ChannelCount);
        for (int i = 0; i < OutputFrame.MaxChannels; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(p[(28 + 4 * i)..], f.Values[i]);
        }
        p[60] = (byte)f.Safety;
        p[61] = f.InterventionMask;
    }

    /// <summary>The frame with step 0; <see cref="At"/> gives it the record's step.</summary>
    public static OutputFrameRecord Decode(ReadOnlySpan<byte> p)
    {
        var f = new OutputFrame
        {
            Ticks = BinaryPrimitives.ReadInt64LittleEndian(p),
            InputSequence = BinaryPrimitives.ReadUInt64LittleEndian(p[8..]),
            InputArrivalTicks = BinaryPrimitives.ReadInt64LittleEndian(p[16..]),
            ChannelCount = BinaryPrimitives.ReadInt32LittleEndian(p[24..]),
            Safety = (SafetyState)p[60],
            InterventionMask = p[61],
        };
        for (int i = 0; i < OutputFrame.MaxChannels; i++)
        {
            f.Values[i] = BinaryPrimitives.ReadSingleLittleEndian(p[(28 + 4 * i)..]);
        }
        return new OutputFrameRecord(f);
    }

    /// <summary>The frame stamped with the record's <paramref name="step"/>.</summary>
    public OutputFrame At(long step)
    {
        var f = Frame;
        f.Step = step;
        return f;
    }
}
