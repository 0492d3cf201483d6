using ClosedLoop.Core.Concurrency;
using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Runtime.Loop;
using ClosedLoop.Runtime.Safety;
using ClosedLoop.Runtime.Sinks;
using Xunit;
using ClosedLoop.Core.Loop;
using ClosedLoop.Core.Safety;

namespace ClosedLoop.Runtime.Tests.Loop;

/// <summary>Each bad input gives a counted error and safe outputs within the stated bound while the loop keeps stepping.</summary>
public class BadInputTests
{
    private static ClosedLoopRuntime ArmedLoop(WatchdogConfig? watchdog = null, IDeviceHeartbeat? heartbeat = null)
    {
        var rt = LoopFixture.Create(LoopFixture.Config(watchdog), heartbeat);
        for (ulong i = 1; i <= 20; i++)
        {
            LoopFixture.Publish(rt, 0.8f, i);
            rt.RunSteps(5);
        }
        return rt;
    }

    private static void AssertSafe(in OutputFrame f, SafetyState expected)
    {
        Assert.Equal(expected, f.Safety);
        Assert.Equal(0f, f.Values[RuntimeConfigPresets.Amplitude]);
        Assert.Equal(0f, f.Values[RuntimeConfigPresets.PulseRate]);
        Assert.Equal(0f, f.Values[RuntimeConfigPresets.Enable]);
        Assert.Equal(0x0F, f.InterventionMask);
    }

    [Theory]
    [InlineData(float.NaN, SampleQuality.Good)]
    [InlineData(float.PositiveInfinity, SampleQuality.Good)]
    [InlineData(float.NegativeInfinity, SampleQuality.Good)]
    [InlineData(1.5f, SampleQuality.Good)]
    [InlineData(0.5f, SampleQuality.Invalid)]
    [InlineData(0.5f, SampleQuality.Stale)]
    public void StepOnce_InvalidArousal_SafeInTheSameStepAndCounted(float arousal, SampleQuality quality)
    {
        var rt = ArmedLoop();
        Assert.Equal(SafetyState.Armed, rt.StepOnce().Safety);
        LoopFixture.Publish(rt, arousal, 100, quality);
        var f = rt.StepOnce(); // bound: 0 steps after the step that reads the bad value
        AssertSafe(f, SafetyState.Tripped);
        Assert.Equal(1, rt.InvalidInputs);
        Assert.Equal(1, rt.Governor.Count(GovernorReason.InvalidInput));
        Assert.True(rt.Log.CreateReader().TryRead(out var e) && e.Code == ClosedLoop.Runtime.Diagnostics.LoopEventCode.InvalidInput);
        long before = rt.StepsRun;
        AssertSafe(rt.RunSteps(10), SafetyState.Tripped); // stays safe, loop keeps stepping
        Assert.Equal(before + 10, rt.StepsRun);
        LoopFixture.Publish(rt, 0.8f, 101);
        Assert.Equal(SafetyState.Armed, rt.StepOnce().Safety); // a valid input re-arms (rearm delay 0)
    }

    [Fact]
    public void StepOnce_InputStopsArriving_SafeWithinStaleBound()
    {
        const double staleMs = 25; // 1 kHz loop: bound = ceil(25 ms / 1 ms) + 1 = 26 steps after the last input
        var rt = ArmedLoop(new WatchdogConfig { StaleInputMs = staleMs });
        LoopFixture.Publish(rt, 0.8f, 500);
        long lastInputStep = rt.StepsRun;
        long firstSafe = -1;
        for (int i = 0; i < 100 && firstSafe < 0; i++)
        {
            var f = rt.StepOnce();
            if (f.Safety != SafetyState.Armed) firstSafe = f.Step;
        }
        long elapsed = firstSafe - lastInputStep;
        Assert.InRange(elapsed, (long)staleMs, (long)staleMs + 1); // not early, and within the bound
        Assert.Equal(1, rt.Governor.Count(GovernorReason.StaleInput));
        AssertSafe(rt.StepOnce(), SafetyState.Tripped);
    }

    [Fact]
    public void StepOnce_OverrunStreakOverLimit_SafeOnTheStepThatExceedsIt()
    {
        var rt = ArmedLoop(new WatchdogConfig { MaxOverrunStreak = 5, StaleInputMs = 1000 });
        long now = rt.DeterministicTicks(rt.StepsRun);
        for (int i = 1; i <= 5; i++)
        {
            Assert.Equal(SafetyState.Armed, rt.StepOnce(new StepTiming(now, now, true, 0)).Safety);
        }
        var f = rt.StepOnce(new StepTiming(now, now, true, 0)); // 6th consecutive overrun: bound 0 steps
        AssertSafe(f, SafetyState.Tripped);
        Assert.Equal(6, rt.Overruns);
        Assert.Equal(1, rt.Governor.Count(GovernorReason.OverrunStreak));
        Assert.Equal(SafetyState.Armed, rt.StepOnce().Safety); // an on-time step ends the streak
    }

    [Fact]
    public void StepOnce_DeviceUnplugged_SafeWithinHeartbeatBound()
    {
        const double timeoutMs = 10;
        var device = new SimulatedDevice(new SimulatedDeviceOptions { AcknowledgeWithFrameTime = true });
        var rt = LoopFixture.Create(LoopFixture.Config(new WatchdogConfig { DeviceHeartbeatTimeoutMs = timeoutMs, StaleInputMs = 1000 }), device);
        var reader = rt.Outputs.CreateReader();
        Assert.Equal(SafetyState.Disarmed, rt.StepOnce().Safety); // no acknowledgement yet: still disarmed
        device.ProcessAvailable(reader);
        LoopFixture.Publish(rt, 0.8f, 1);
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(SafetyState.Armed, rt.StepOnce().Safety);
            device.ProcessAvailable(reader);
        }
        device.Unplug();
        long lastAckStep = rt.StepsRun - 1;
        long firstSafe = -1;
        for (int i = 0; i < 100 && firstSafe < 0; i++)
        {
            var f = rt.StepOnce();
            device.ProcessAvailable(reader);
            if (f.Safety != SafetyState.Armed) firstSafe = f.Step;
        }
        Assert.InRange(firstSafe - lastAckStep, (long)timeoutMs, (long)timeoutMs + 1);
        Assert.Equal(1, rt.Governor.Count(GovernorReason.DeviceLost));
        Assert.True(device.FramesIgnored > 0);
        device.Replug();
        device.ProcessAvailable(reader);
        rt.StepOnce();
        device.ProcessAvailable(reader);
        Assert.Equal(SafetyState.Armed, rt.StepOnce().Safety);
    }

    [Fact]
    public void StepOnce_EStop_LatchedUntilReset()
    {
        var rt = ArmedLoop();
        rt.Governor.RequestEStop();
        AssertSafe(rt.StepOnce(), SafetyState.EStop);
        LoopFixture.Publish(rt, 0.8f, 900);
        AssertSafe(rt.RunSteps(50), SafetyState.EStop); // fresh valid input does not release it
        rt.Governor.ResetEStop();
        Assert.Equal(SafetyState.Armed, rt.StepOnce().Safety);
        Assert.Equal(1, rt.Governor.Count(GovernorReason.EStop));
    }

    [Fact]
    public void StepOnce_RearmDelay_HoldsSafeForTheDelayAfterRecovery()
    {
        var rt = ArmedLoop(new WatchdogConfig { RearmDelayMs = 10 });
        LoopFixture.Publish(rt, float.NaN, 100);
        rt.StepOnce();
        LoopFixture.Publish(rt, 0.8f, 101);
        int safeSteps = 0;
        while (rt.StepOnce().Safety != SafetyState.Armed) safeSteps++;
        Assert.Equal(10, safeSteps); // 10 ms at 1 kHz
    }

    [Fact]
    public void Interventions_Ring_RecordsReasonStepAndChannel()
    {
        var rt = ArmedLoop();
        var reader = rt.Governor.Interventions.CreateReader(fromNow: true);
        LoopFixture.Publish(rt, float.NaN, 100);
        var f = rt.StepOnce();
        Assert.True(reader.TryRead(out var i));
        Assert.Equal(GovernorReason.InvalidInput, i.Reason);
        Assert.Equal(f.Step, i.Step);
        Assert.Equal(-1, i.Channel);
    }
}
