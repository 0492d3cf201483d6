using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Levers;
using ClosedLoop.Core.Models;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Core.Loop;
using ClosedLoop.Core.Time;

namespace ClosedLoop.Recording;

/// <summary>
/// Encodes the fixed-size records into <see cref="RecordSlot"/>s (little-endian, layouts in docs/recording.md).
/// Every method is allocation-free and safe to call on the real-time thread.
/// </summary>
public static class RecordEncoder
{
    public static void InputSample(ref RecordSlot slot, long step, in ArousalSample s)
    {
        Span<byte> p = Begin(ref slot, RecordType.InputSample, step, RecordPayloadSizes.InputSample);
        BinaryPrimitives.WriteDoubleLittleEndian(p, s.Value);
        BinaryPrimitives.WriteSingleLittleEndian(p[8..], s.Confidence);
        p[12] = s.Channel;
        p[13] = (byte)s.Kind;
        BinaryPrimitives.WriteDoubleLittleEndian(p[14..], s.SourceTimeSeconds);
        BinaryPrimitives.WriteInt64LittleEndian(p[22..], s.ArrivalTicks);
        BinaryPrimitives.WriteUInt64LittleEndian(p[30..], s.Sequence);
    }

    public static void ArousalEstimate(ref RecordSlot slot, long step, in ArousalEstimate e, long publishCount)
    {
        Span<byte> p = Begin(ref slot, RecordType.ArousalEstimate, step, RecordPayloadSizes.ArousalEstimate);
        BinaryPrimitives.WriteSingleLittleEndian(p, e.Arousal);
        BinaryPrimitives.WriteUInt16LittleEndian(p[4..], (ushort)e.Quality);
        BinaryPrimitives.WriteDoubleLittleEndian(p[6..], e.SourceTimeSeconds);
        BinaryPrimitives.WriteInt64LittleEndian(p[14..], e.ArrivalTicks);
        BinaryPrimitives.WriteUInt64LittleEndian(p[22..], e.Sequence);
        BinaryPrimitives.WriteInt64LittleEndian(p[30..], publishCount);
    }

    public static void LeverChange(ref RecordSlot slot, long step, in LeverSet levers)
    {
        Span<byte> p = Begin(ref slot, RecordType.LeverChange, step, RecordPayloadSizes.LeverChange);
        LeverSet copy = levers;
        Span<float> values = LeverSet.AsSpan(ref copy);
        for (int i = 0; i < LeverSet.Count; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(p[(4 * i)..], values[i]);
        }
    }

    /// <summary>Encode an output frame; the record's step is <see cref="OutputFrame.Step"/>.</summary>
    public static void OutputFrame(ref RecordSlot slot, in OutputFrame f)
    {
        Span<byte> p = Begin(ref slot, RecordType.OutputFrame, f.Step, RecordPayloadSizes.OutputFrame);
        BinaryPrimitives.WriteInt64LittleEndian(p, f.Ticks);
        BinaryPrimitives.WriteUInt64LittleEndian(p[8..], f.InputSequence);
        BinaryPrimitives.WriteInt64LittleEndian(p[16..], f.InputArrivalTicks);
        BinaryPrimitives.WriteInt32LittleEndian(p[24..], f.ChannelCount);
        for (int i = 0; i < Core.Outputs.OutputFrame.MaxChannels; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(p[(28 + 4 * i)..], f.Values[i]);
        }
        p[60] = (byte)f.Safety;
        p[61] = f.InterventionMask;
    }

    public static void StepTiming(ref RecordSlot slot, long step, in RecordedTiming t)
    {
        Span<byte> p = Begin(ref slot, RecordType.StepTiming, step, RecordPayloadSizes.StepTiming);
        BinaryPrimitives.WriteInt64LittleEndian(p, t.NowTicks);
        BinaryPrimitives.WriteInt64LittleEndian(p[8..], t.DeadlineTicks);
        BinaryPrimitives.WriteInt64LittleEndian(p[16..], t.ComputeTicks);
        BinaryPrimitives.WriteInt64LittleEndian(p[24..], t.DeviceAckTicks);
        BinaryPrimitives.WriteInt32LittleEndian(p[32..], t.SkippedSteps);
        p[36] = t.Overran ? (byte)1 : (byte)0;
    }

    public static void SafetyIntervention(ref RecordSlot slot, long step, in SafetyIntervention s)
    {
        Span<byte> p = Begin(ref slot, RecordType.SafetyIntervention, step, RecordPayloadSizes.SafetyIntervention);
        BinaryPrimitives.WriteUInt32LittleEndian(p, (uint)s.Reasons);
        p[4] = s.Channel;
        BinaryPrimitives.WriteSingleLittleEndian(p[5..], s.Before);
        BinaryPrimitives.WriteSingleLittleEndian(p[9..], s.After);
    }

    public static void Readout(ref RecordSlot slot, long step, in CircuitReadout r)
    {
        Span<byte> p = Begin(ref slot, RecordType.Readout, step, RecordPayloadSizes.Readout);
        BinaryPrimitives.WriteDoubleLittleEndian(p, r.TimeMs);
        BinaryPrimitives.WriteSingleLittleEndian(p[8..], r.PyramidalRateHz);
        BinaryPrimitives.WriteSingleLittleEndian(p[12..], r.SomRateHz);
        BinaryPrimitives.WriteSingleLittleEndian(p[16..], r.PvRateHz);
        BinaryPrimitives.WriteSingleLittleEndian(p[20..], r.BurstFraction);
        BinaryPrimitives.WriteSingleLittleEndian(p[24..], r.Gain);
        BinaryPrimitives.WriteInt32LittleEndian(p[28..], r.SpikesThisStep);
    }

    /// <summary>The loop's start summary (its model name goes in the Config record).</summary>
    public static void LoopStart(ref RecordSlot slot, long step, in LoopStartInfo i)
    {
        Span<byte> p = Begin(ref slot, RecordType.LoopStart, step, RecordPayloadSizes.LoopStart);
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

    public static void Marker(ref RecordSlot slot, long step, int code)
    {
        Span<byte> p = Begin(ref slot, RecordType.Marker, step, RecordPayloadSizes.Marker);
        BinaryPrimitives.WriteInt32LittleEndian(p, code);
    }

    public static void ClockOffset(ref RecordSlot slot, long step, in ClockOffset c)
    {
        Span<byte> p = Begin(ref slot, RecordType.ClockOffset, step, RecordPayloadSizes.ClockOffset);
        p[0] = (byte)c.Source;
        p[1] = c.SourceId;
        BinaryPrimitives.WriteDoubleLittleEndian(p[2..], c.OffsetSeconds);
        BinaryPrimitives.WriteDoubleLittleEndian(p[10..], c.RoundTripSeconds);
        BinaryPrimitives.WriteInt64LittleEndian(p[18..], c.MeasuredTicks);
    }

    public static void Dropped(ref RecordSlot slot, long step, ulong total, ulong sincePrevious)
    {
        Span<byte> p = Begin(ref slot, RecordType.Dropped, step, RecordPayloadSizes.Dropped);
        BinaryPrimitives.WriteUInt64LittleEndian(p, total);
        BinaryPrimitives.WriteUInt64LittleEndian(p[8..], sincePrevious);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Span<byte> Begin(ref RecordSlot slot, RecordType type, long step, int length)
    {
        slot.Type = type;
        slot.Length = (byte)length;
        slot.Step = step;
        return ((Span<byte>)slot.Payload)[..length];
    }
}
