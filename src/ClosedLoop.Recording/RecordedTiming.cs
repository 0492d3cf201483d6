using System.Buffers.Binary;
using ClosedLoop.Core.Loop;
using ClosedLoop.Recording.Records;

namespace ClosedLoop.Recording;

/// <summary>
/// One loop step's timing as recorded: the <see cref="StepTiming"/> the step was computed from, its
/// compute time and the device acknowledgement the governor saw (all in monotonic ticks).
/// </summary>
/// <param name="NowTicks">Ticks the step treated as "now".</param>
/// <param name="DeadlineTicks">When the step was due to start, ticks.</param>
/// <param name="ComputeTicks">Time from reading the mailbox to publishing the frame, ticks.</param>
/// <param name="DeviceAckTicks">Device acknowledgement ticks seen by the governor (<see cref="long.MinValue"/> = no heartbeat source).</param>
/// <param name="SkippedSteps">Steps skipped before this one under <see cref="OverrunPolicy.Skip"/>.</param>
/// <param name="Overran">True if the previous step ran past this step's deadline.</param>
public readonly record struct RecordedTiming(
    long NowTicks, long DeadlineTicks, long ComputeTicks, long DeviceAckTicks, int SkippedSteps, bool Overran)
    : IRecord<RecordedTiming>
{
    public static RecordType Type => RecordType.StepTiming;

    public static int FixedSize => 37;

    public static int MinSize => FixedSize;

    public int PayloadSize => FixedSize;

    public void Encode(Span<byte> p)
    {
        BinaryPrimitives.WriteInt64LittleEndian(p, NowTicks);
        BinaryPrimitives.WriteInt64LittleEndian(p[8..], DeadlineTicks);
        BinaryPrimitives.WriteInt64LittleEndian(p[16..], ComputeTicks);
        BinaryPrimitives.WriteInt64LittleEndian(p[24..], DeviceAckTicks);
        BinaryPrimitives.WriteInt32LittleEndian(p[32..], SkippedSteps);
        p[36] = Overran ? (byte)1 : (byte)0;
    }

    public static RecordedTiming Decode(ReadOnlySpan<byte> p) => new(
        BinaryPrimitives.ReadInt64LittleEndian(p),
        BinaryPrimitives.ReadInt64LittleEndian(p[8..]),
        BinaryPrimitives.ReadInt64LittleEndian(p[16..]),
        BinaryPrimitives.ReadInt64LittleEndian(p[24..]),
        BinaryPrimitives.ReadInt32LittleEndian(p[32..]),
        p[36] != 0);

    /// <summary>Lateness of the step start, ticks (never negative), as <see cref="StepTiming.LatenessTicks"/>.</summary>
    public long LatenessTicks => Math.Max(0, NowTicks - DeadlineTicks);

    /// <summary>The timing to hand back to the loop on replay.</summary>
    public StepTiming ToStepTiming() => new(NowTicks, DeadlineTicks, Overran, SkippedSteps);
}
