using System.Buffers.Binary;
using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Levers;
using ClosedLoop.Core.Models;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Core.Loop;
using ClosedLoop.Core.Safety;
using ClosedLoop.Core.Time;

namespace ClosedLoop.Recording;

/// <summary>Decodes record payloads (the inverse of <see cref="RecordEncoder"/> and <see cref="RecordingWriter.WriteConfig"/>).</summary>
public static class RecordDecoder
{
    public static ArousalSample InputSample(ReadOnlySpan<byte> p) => new(
        BinaryPrimitives.ReadDoubleLittleEndian(p),
        BinaryPrimitives.ReadSingleLittleEndian(p[8..]),
        p[12],
        (ArousalSourceKind)p[13],
        BinaryPrimitives.ReadDoubleLittleEndian(p[14..]),
        BinaryPrimitives.ReadInt64LittleEndian(p[22..]),
        BinaryPrimitives.ReadUInt64LittleEndian(p[30..]));

    /// <summary>The estimate and the mailbox publish count it was read with.</summary>
    public static (ArousalEstimate Estimate, long PublishCount) ArousalEstimate(ReadOnlySpan<byte> p) => (new(
        BinaryPrimitives.ReadSingleLittleEndian(p),
        (SampleQuality)BinaryPrimitives.ReadUInt16LittleEndian(p[4..]),
        BinaryPrimitives.ReadDoubleLittleEndian(p[6..]),
        BinaryPrimitives.ReadInt64LittleEndian(p[14..]),
        BinaryPrimitives.ReadUInt64LittleEndian(p[22..])),
        BinaryPrimitives.ReadInt64LittleEndian(p[30..]));

    public static LeverSet LeverChange(ReadOnlySpan<byte> p)
    {
        LeverSet levers = default;
        Span<float> values = LeverSet.AsSpan(ref levers);
        for (int i = 0; i < LeverSet.Count; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(p[(4 * i)..]);
        }
        return levers;
    }

    public static OutputFrame OutputFrame(long step, ReadOnlySpan<byte> p)
    {
        var f = new OutputFrame
        {
            Step = step,
            Ticks = BinaryPrimitives.ReadInt64LittleEndian(p),
            InputSequence = BinaryPrimitives.ReadUInt64LittleEndian(p[8..]),
            InputArrivalTicks = BinaryPrimitives.ReadInt64LittleEndian(p[16..]),
            ChannelCount = BinaryPrimitives.ReadInt32LittleEndian(p[24..]),
            Safety = (SafetyState)p[60],
            InterventionMask = p[61],
        };
        for (int i = 0; i < Core.Outputs.OutputFrame.MaxChannels; i++)
        {
            f.Values[i] = BinaryPrimitives.ReadSingleLittleEndian(p[(28 + 4 * i)..]);
        }
        return f;
    }

    public static RecordedTiming StepTiming(ReadOnlySpan<byte> p) => new(
        BinaryPrimitives.ReadInt64LittleEndian(p),
        BinaryPrimitives.ReadInt64LittleEndian(p[8..]),
        BinaryPrimitives.ReadInt64LittleEndian(p[16..]),
        BinaryPrimitives.ReadInt64LittleEndian(p[24..]),
        BinaryPrimitives.ReadInt32LittleEndian(p[32..]),
        p[36] != 0);

    public static SafetyIntervention SafetyIntervention(ReadOnlySpan<byte> p) => new(
        (GovernorReason)BinaryPrimitives.ReadUInt32LittleEndian(p),
        p[4],
        BinaryPrimitives.ReadSingleLittleEndian(p[5..]),
        BinaryPrimitives.ReadSingleLittleEndian(p[9..]));

    public static CircuitReadout Readout(ReadOnlySpan<byte> p) => new(
        BinaryPrimitives.ReadDoubleLittleEndian(p),
        BinaryPrimitives.ReadSingleLittleEndian(p[8..]),
        BinaryPrimitives.ReadSingleLittleEndian(p[12..]),
        BinaryPrimitives.ReadSingleLittleEndian(p[16..]),
        BinaryPrimitives.ReadSingleLittleEndian(p[20..]),
        BinaryPrimitives.ReadSingleLittleEndian(p[24..]),
        BinaryPrimitives.ReadInt32LittleEndian(p[28..]));

    /// <summary>The loop's start summary; <paramref name="modelName"/> comes from the Config record.</summary>
    public static LoopStartInfo LoopStart(ReadOnlySpan<byte> p, string modelName) => new(
        BinaryPrimitives.ReadDoubleLittleEndian(p),
        BinaryPrimitives.ReadInt32LittleEndian(p[8..]),
        BinaryPrimitives.ReadDoubleLittleEndian(p[12..]),
        BinaryPrimitives.ReadInt64LittleEndian(p[20..]),
        BinaryPrimitives.ReadInt64LittleEndian(p[28..]),
        BinaryPrimitives.ReadInt32LittleEndian(p[36..]),
        (OverrunPolicy)p[40],
        p[41] != 0,
        modelName,
        BinaryPrimitives.ReadInt64LittleEndian(p[42..]));

    /// <summary>A marker's code and its note (empty when it has none).</summary>
    public static (int Code, string Note) Marker(ReadOnlySpan<byte> p) =>
        (BinaryPrimitives.ReadInt32LittleEndian(p), System.Text.Encoding.UTF8.GetString(p[4..]));

    public static ClockOffset ClockOffset(ReadOnlySpan<byte> p) => new(
        (ArousalSourceKind)p[0],
        p[1],
        BinaryPrimitives.ReadDoubleLittleEndian(p[2..]),
        BinaryPrimitives.ReadDoubleLittleEndian(p[10..]),
        BinaryPrimitives.ReadInt64LittleEndian(p[18..]));

    /// <summary>Total records dropped so far and the number since the previous Dropped record.</summary>
    public static (ulong Total, ulong SincePrevious) Dropped(ReadOnlySpan<byte> p) =>
        (BinaryPrimitives.ReadUInt64LittleEndian(p), BinaryPrimitives.ReadUInt64LittleEndian(p[8..]));

    /// <summary>Model name and config text of a Config record.</summary>
    public static (string ModelName, string ConfigText) Config(ReadOnlySpan<byte> p)
    {
        int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(p);
        if (2 + nameLength > p.Length)
        {
            throw new InvalidDataException($"config record: model name length {nameLength} exceeds payload {p.Length}");
        }
        return (System.Text.Encoding.UTF8.GetString(p.Slice(2, nameLength)),
            System.Text.Encoding.UTF8.GetString(p[(2 + nameLength)..]));
    }
}
