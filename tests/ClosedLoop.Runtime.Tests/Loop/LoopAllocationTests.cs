using ClosedLoop.Runtime.Loop;
using ClosedLoop.Runtime.Safety;
using Xunit;
using ClosedLoop.Core.Loop;
using ClosedLoop.Core.Safety;
using ClosedLoop.TestSupport;

namespace ClosedLoop.Runtime.Tests.Loop;

[Collection(AllocationTestsCollection.Name)]
public class LoopAllocationTests
{
    [Fact]
    public void RunSteps_ThousandsOfSteps_AllocateNothing()
    {
        var recorder = new ArrayRecorder(16);
        var rt = LoopFixture.Create(recorder: recorder);
        LoopFixture.Publish(rt, 0.5f, 1);
        rt.RunSteps(200); // warm up every path
        ulong seq = 2;
        var (bytes, _) = SteadyStateAllocation.Measure(() =>
        {
            LoopFixture.Publish(rt, seq % 2 == 0 ? 0.3f : 0.7f, seq++);
            rt.RunSteps(10);
        }, 500);
        Assert.Equal(0, bytes);
        Assert.True(rt.StepsRun > 5000);
        Assert.Equal(rt.StepsRun, recorder.Steps);
    }

    [Fact]
    public void RunSteps_FaultPaths_AllocateNothing()
    {
        var rt = LoopFixture.Create(LoopFixture.Config(new WatchdogConfig { StaleInputMs = 5, MaxOverrunStreak = 2 }));
        LoopFixture.Publish(rt, 0.5f, 1);
        rt.RunSteps(20);
        ulong seq = 2;
        var (bytes, _) = SteadyStateAllocation.Measure(() =>
        {
            LoopFixture.Publish(rt, float.NaN, seq++);
            rt.StepOnce();
            LoopFixture.Publish(rt, 0.5f, seq++);
            long now = rt.DeterministicTicks(rt.StepsRun);
            for (int i = 0; i < 4; i++) rt.StepOnce(new StepTiming(now, now, true, 1));
            rt.RunSteps(10); // goes stale
            rt.Governor.RequestEStop();
            rt.StepOnce();
            rt.Governor.ResetEStop();
        }, 300);
        Assert.Equal(0, bytes);
        Assert.True(rt.Governor.Count(GovernorReason.StaleInput) > 0);
        Assert.True(rt.Governor.Count(GovernorReason.OverrunStreak) > 0);
        Assert.True(rt.InvalidInputs >= 300);
    }
}
