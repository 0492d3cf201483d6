using System.Diagnostics;
using System.Runtime.CompilerServices;
using ClosedLoop.Core.Ingest;
using ClosedLoop.Core.Levers;
using ClosedLoop.Core.Time;
using ClosedLoop.Population.NeuralMass;
using ClosedLoop.Runtime.Diagnostics;
using ClosedLoop.Runtime.Loop;
using Xunit;

namespace ClosedLoop.Runtime.Tests.Loop;

/// <summary>
/// Issue 10: the loop thread counts what it JIT-compiles after its clock started (after every step, without allocating)
/// and says so on its log. A map with a branch the warm-up never takes (arousal below its range) calls a method that
/// nothing else calls: once an input takes that branch, the loop thread compiles it and the count and event follow.
/// </summary>
public class LoopThreadJitTests
{
    /// <summary>Arousal below 0.04 (the warm-up feeds 0.05 to 0.95) takes a branch into a method compiled on first use.</summary>
    private sealed class RareBranchMap : IArousalToLevers
    {
        private readonly LinearLeverMap _inner = LoopFixture.Map();

        public int RareCalls;

        public LeverSet Map(float arousal)
        {
            if (arousal < 0.04f)
            {
                RareCalls = NeverCalledBefore(RareCalls);
            }
            return _inner.Map(arousal);
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static int NeverCalledBefore(int n) => n + 1;
    }

    [Fact]
    public void PerStepRead_OfTheThreadsJitCount_AllocatesNothing()
    {
        long sum = System.Runtime.JitInfo.GetCompiledMethodCount(currentThread: true); // first call outside the measurement
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100_000; i++)
        {
            sum += System.Runtime.JitInfo.GetCompiledMethodCount(currentThread: true);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.True(sum > 0);
    }

    [Fact]
    public async Task PathTheWarmUpMissed_CompiledOnTheLoopThreadAfterTheClock_CountedAndLogged()
    {
        var config = LoopFixture.Config() is var c
            ? c with { Loop = c.Loop with { WarmUpMs = 500 } }
            : null!;
        var map = new RareBranchMap();
        var rt = new ClosedLoopRuntime(config, new NeuralMassModel(), map);
        var log = rt.Log.CreateReader();
        Assert.Equal(0, rt.MethodsCompiledAfterClockStart); // not started: nothing counted yet
        rt.Start();
        try
        {
            var clock = Stopwatch.StartNew();
            rt.Input.Publish(new ArousalEstimate(0.5f, SampleQuality.Good, 0, MonoClock.Now, 1));
            while (rt.StepsRun < 100 && clock.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(10);
            }
            long before = rt.LoopThreadMethodsCompiledAfterClockStart;
            long stepAtRare = rt.StepsRun;
            Assert.Equal(0, map.RareCalls);

            rt.Input.Publish(new ArousalEstimate(0.01f, SampleQuality.Good, 1, MonoClock.Now, 2));
            while ((map.RareCalls == 0 || rt.LoopThreadMethodsCompiledAfterClockStart == before) && clock.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(10);
            }
            Assert.True(map.RareCalls > 0, "the loop never took the rare branch");
            Assert.True(rt.LoopThreadMethodsCompiledAfterClockStart > before, "the loop thread's JIT count did not rise");
            Assert.True(rt.MethodsCompiledAfterClockStart >= rt.LoopThreadMethodsCompiledAfterClockStart);
        }
        finally
        {
            Assert.True(rt.Stop(TimeSpan.FromSeconds(10)));
        }
        var jitEvents = new List<LoopEvent>();
        while (log.TryRead(out var e))
        {
            if (e.Code == LoopEventCode.LoopThreadJit)
            {
                jitEvents.Add(e);
            }
        }
        Assert.NotEmpty(jitEvents);
        Assert.Equal(rt.LoopThreadMethodsCompiledAfterClockStart, jitEvents[^1].Value);
        Assert.Contains("JIT-compiled", jitEvents[^1].Describe(), StringComparison.Ordinal);
        long frozen = rt.MethodsCompiledAfterClockStart;
        _ = new Func<int, int>(x => x * 3)(2); // compile something after the stop: the process-wide figure stays frozen
        Assert.Equal(frozen, rt.MethodsCompiledAfterClockStart);
    }
}
