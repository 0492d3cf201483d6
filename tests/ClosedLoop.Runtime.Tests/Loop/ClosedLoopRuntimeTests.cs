using ClosedLoop.Core.Outputs;
using ClosedLoop.Runtime.Loop;
using ClosedLoop.Runtime.Safety;
using Xunit;
using ClosedLoop.Core.Models;

namespace ClosedLoop.Runtime.Tests.Loop;

public class ClosedLoopRuntimeTests
{
    [Fact]
    public void StepOnce_BeforeAnyInput_EmitsSafeDisarmedFrames()
    {
        var rt = LoopFixture.Create();
        var frame = rt.RunSteps(50);
        Assert.Equal(SafetyState.Disarmed, frame.Safety);
        Assert.Equal(0f, frame.Values[RuntimeConfigPresets.Amplitude]);
        Assert.Equal(0f, frame.Values[RuntimeConfigPresets.PulseRate]);
        Assert.Equal(100f, frame.Values[RuntimeConfigPresets.PulseWidth]);
        Assert.Equal(50, rt.StepsRun);
        Assert.Equal(50, rt.Outputs.WrittenCount);
    }

    [Fact]
    public void StepOnce_AfterValidInput_ArmsAndFollowsPyramidalRate()
    {
        var rt = LoopFixture.Create();
        LoopFixture.Publish(rt, 0.8f, 1);
        var first = rt.StepOnce();
        Assert.Equal(SafetyState.Armed, first.Safety);
        for (int i = 0; i < 50; i++)
        {
            LoopFixture.Publish(rt, 0.8f, (ulong)(i + 2));
            rt.RunSteps(10);
        }
        var frame = rt.StepOnce();
        // Amplitude map: 0.5 uA per Hz of pyramidal rate, then the governor's 0..100 uA and 10 nC / 100 us = 100 uA.
        rt.Telemetry.CreateReader(fromNow: false);
        float rate = ReadLastTelemetry(rt).Readout.Get(rt.ReadoutSchema, ReadoutNames.PyramidalRateHz);
        Assert.True(rate > 1f, $"pyramidal rate {rate} Hz");
        Assert.Equal(Math.Min(0.5f * rate, 100f), frame.Values[RuntimeConfigPresets.Amplitude], 3);
        Assert.Equal(130f, frame.Values[RuntimeConfigPresets.PulseRate]);
        Assert.Equal(1f, frame.Values[RuntimeConfigPresets.Enable]);
    }

    [Fact]
    public void RunSteps_SameInputs_ReproduceOutputsBitForBit()
    {
        var a = LoopFixture.Create();
        var b = LoopFixture.Create();
        for (ulong i = 1; i <= 100; i++)
        {
            float arousal = (float)(0.5 + 0.4 * Math.Sin(i * 0.1));
            LoopFixture.Publish(a, arousal, i);
            LoopFixture.Publish(b, arousal, i);
            for (int k = 0; k < 10; k++)
            {
                var fa = a.StepOnce();
                var fb = b.StepOnce();
                for (int c = 0; c < OutputFrame.MaxChannels; c++)
                {
                    Assert.Equal(BitConverter.SingleToInt32Bits(fa.Values[c]), BitConverter.SingleToInt32Bits(fb.Values[c]));
                }
                Assert.Equal(fa.Safety, fb.Safety);
            }
        }
    }

    [Fact]
    public void StepOnce_ReplayOfRecordedSteps_ReproducesOutputs()
    {
        var recorder = new ArrayRecorder(3000);
        var original = LoopFixture.Create(LoopFixture.Config(new WatchdogConfig { StaleInputMs = 20 }), recorder: recorder);
        ulong seq = 1;
        for (int s = 0; s < 3000; s++)
        {
            if (s % 7 == 0 && s is < 1000 or > 1100) LoopFixture.Publish(original, (float)(0.5 + 0.45 * Math.Sin(s * 0.01)), seq++);
            if (s == 2000) LoopFixture.Publish(original, float.PositiveInfinity, seq++);
            original.StepOnce();
        }

        var replay = LoopFixture.Create(LoopFixture.Config(new WatchdogConfig { StaleInputMs = 20 }));
        for (int s = 0; s < 3000; s++)
        {
            ref readonly var r = ref recorder.Records[s];
            if (r.NewInput) replay.Input.Publish(r.Input);
            var f = replay.StepOnce(r.Timing);
            Assert.Equal(r.Output.Safety, f.Safety);
            for (int c = 0; c < OutputFrame.MaxChannels; c++)
            {
                Assert.Equal(BitConverter.SingleToInt32Bits(r.Output.Values[c]), BitConverter.SingleToInt32Bits(f.Values[c]));
            }
        }
        Assert.Contains(recorder.Records, r => r.Output.Safety == SafetyState.Tripped);
    }

    private static TelemetryFrame ReadLastTelemetry(ClosedLoopRuntime rt)
    {
        var reader = rt.Telemetry.CreateReader();
        TelemetryFrame last = default;
        while (reader.TryRead(out var t)) last = t;
        return last;
    }
}
