using Xunit;
using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Levers;
using ClosedLoop.Core.Models;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Core.Loop;
using ClosedLoop.Core.Safety;
using ClosedLoop.Recording;
using ClosedLoop.Core.Time;

namespace ClosedLoop.Recording.Tests;

public class RecordCodecTests
{
    private static ReadOnlySpan<byte> PayloadOf(in RecordSlot slot, RecordType type, int size)
    {
        Assert.Equal(type, slot.Type);
        Assert.Equal(size, slot.Length);
        Assert.Equal(size, RecordPayloadSizes.Of(type));
        return ((ReadOnlySpan<byte>)slot.Payload)[..slot.Length];
    }

    [Fact]
    public void InputSample_RoundTrip_KeepsEveryFieldExactly()
    {
        var s = new ArousalSample(3.14159265358979, 0.87f, 1, ArousalSourceKind.Pupil, 1234.5678, long.MaxValue - 3, ulong.MaxValue - 9);
        RecordSlot slot = default;
        RecordEncoder.InputSample(ref slot, 77, s);
        Assert.Equal(77, slot.Step);
        Assert.Equal(s, RecordDecoder.InputSample(PayloadOf(slot, RecordType.InputSample, 38)));
    }

    [Fact]
    public void ArousalEstimate_RoundTrip_KeepsEstimateAndPublishCount()
    {
        var e = new ArousalEstimate(0.4f, SampleQuality.Blink | SampleQuality.Bridged, 99.25, -5, 12345);
        RecordSlot slot = default;
        RecordEncoder.ArousalEstimate(ref slot, 3, e, 4242);
        var (decoded, count) = RecordDecoder.ArousalEstimate(PayloadOf(slot, RecordType.ArousalEstimate, 38));
        Assert.Equal(e, decoded);
        Assert.Equal(4242, count);
    }

    [Fact]
    public void LeverChange_RoundTrip_KeepsAllElevenLevers()
    {
        LeverSet levers = LeverSet.Neutral;
        Span<float> v = LeverSet.AsSpan(ref levers);
        for (int i = 0; i < LeverSet.Count; i++) v[i] = 0.1f * i - 0.3f;
        RecordSlot slot = default;
        RecordEncoder.LeverChange(ref slot, 9, levers);
        Assert.Equal(levers, RecordDecoder.LeverChange(PayloadOf(slot, RecordType.LeverChange, 44)));
    }

    [Fact]
    public void OutputFrame_RoundTrip_KeepsChannelBitsIncludingNegativeZeroAndNaNPayload()
    {
        var f = new OutputFrame { Step = 1000, Ticks = 5, InputSequence = 6, InputArrivalTicks = 7, ChannelCount = 8, Safety = SafetyState.Tripped, InterventionMask = 0xA5 };
        for (int i = 0; i < OutputFrame.MaxChannels; i++) f.Values[i] = i * 1.5f - 2f;
        f.Values[3] = -0f;
        f.Values[4] = BitConverter.UInt32BitsToSingle(0x7FC00123); // a NaN with a payload
        RecordSlot slot = default;
        RecordEncoder.OutputFrame(ref slot, f);
        Assert.Equal(1000, slot.Step);
        OutputFrame back = RecordDecoder.OutputFrame(slot.Step, PayloadOf(slot, RecordType.OutputFrame, 62));
        Assert.False(OutputComparer.TryFindDifference(f, back, out var d), d.ToString());
        Assert.Equal(f.Ticks, back.Ticks);
    }

    [Fact]
    public void TimingInterventionReadoutLoopStartClockDropped_RoundTrip()
    {
        RecordSlot slot = default;
        var t = new RecordedTiming(100, 90, 7, long.MinValue, 2, true);
        RecordEncoder.StepTiming(ref slot, 1, t);
        Assert.Equal(t, RecordDecoder.StepTiming(PayloadOf(slot, RecordType.StepTiming, 37)));
        Assert.Equal(10, t.LatenessTicks);

        var si = new SafetyIntervention(GovernorReason.SlewLimit | GovernorReason.RangeClamp, 2, 5.5f, 4f);
        RecordEncoder.SafetyIntervention(ref slot, 1, si);
        Assert.Equal(si, RecordDecoder.SafetyIntervention(PayloadOf(slot, RecordType.SafetyIntervention, 13)));

        var r = new CircuitReadout(12.5, 3f, 4f, 5f, 0.25f, 1.1f, 17);
        RecordEncoder.Readout(ref slot, 1, r);
        Assert.Equal(r, RecordDecoder.Readout(PayloadOf(slot, RecordType.Readout, 32)));

        var info = new LoopStartInfo(1000, 10, 0.1, 1_000_000, 1_000_000_000, 4, OverrunPolicy.Skip, true, "l5", 555);
        RecordEncoder.LoopStart(ref slot, -1, info);
        Assert.Equal(info, RecordDecoder.LoopStart(PayloadOf(slot, RecordType.LoopStart, 50), "l5"));

        var c = new ClockOffset(ArousalSourceKind.Photometry, 1, -0.004, 0.0002, 999);
        RecordEncoder.ClockOffset(ref slot, 5, c);
        Assert.Equal(c, RecordDecoder.ClockOffset(PayloadOf(slot, RecordType.ClockOffset, 26)));

        RecordEncoder.Dropped(ref slot, 5, 30, 12);
        Assert.Equal((30ul, 12ul), RecordDecoder.Dropped(PayloadOf(slot, RecordType.Dropped, 16)));
    }
}
