using System.Runtime;
using ClosedLoop.Runtime.Diagnostics;
using ClosedLoop.Runtime.Loop;
using ClosedLoop.TestSupport;
using Xunit;

namespace ClosedLoop.Runtime.Tests.Loop;

/// <summary>
/// loop.no_gc_region_mb: the process enters a no-GC region after the warm-up, before the clock; nothing the other
/// threads allocate within the budget starts a collection; a spent budget is visible; Stop leaves the region and
/// restores the latency mode. Process-wide state, so these run without parallel neighbours.
/// </summary>
[Collection(AllocationTestsCollection.Name)]
public class NoGcRegionTests
{
    private static byte[]? s_keep;

    private static ClosedLoopRuntime Start(double mb)
    {
        var c = LoopFixture.Config();
        var rt = new ClosedLoopRuntime(c with { Loop = c.Loop with { WarmUpMs = 200, NoGcRegionMb = mb } },
            new Population.NeuralMass.NeuralMassModel(), LoopFixture.Map());
        rt.Start();
        return rt;
    }

    private static List<LoopEvent> Events(ClosedLoopRuntime rt)
    {
        var reader = rt.Log.CreateReader();
        var list = new List<LoopEvent>();
        while (reader.TryRead(out var e)) list.Add(e);
        return list;
    }

    private static void Allocate(long bytes)
    {
        for (long done = 0; done < bytes; done += 4096)
        {
            s_keep = new byte[4096 - 24];
        }
    }

    [Fact]
    public void WithinTheBudget_NoCollectionWhileTheClockRuns_AndStopLeavesTheRegion()
    {
        var before = GCSettings.LatencyMode;
        var rt = Start(256);
        Assert.Equal(256L << 20, rt.NoGcRegionBytes);
        Assert.True(rt.NoGcRegionHeld);
        Assert.Equal(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
        var started = Events(rt).Single(e => e.Code == LoopEventCode.NoGcRegionStarted);
        Assert.Equal(256, started.Value);
        long a0 = GC.GetTotalAllocatedBytes(true);
        var g0 = GcCounts.Now();
        Allocate(64L << 20); // what ingest and transport threads would allocate in minutes, at once
        Thread.Sleep(50);
        Assert.True(rt.NoGcRegionHeld, $"region ended: {(GC.GetTotalAllocatedBytes(true) - a0) >> 20} MiB allocated process-wide, collections {GcCounts.Now() - g0}, mode {GCSettings.LatencyMode}");
        Assert.True(rt.Stop(TimeSpan.FromSeconds(10)));
        Assert.True(rt.NoGcRegionHeldToTheEnd);
        Assert.Equal(new GcCounts(0, 0, 0), rt.GcCountsAtStop - rt.GcCountsAtClockStart);
        Assert.True(rt.AllocatedBytesAtStop - rt.AllocatedBytesAtClockStart >= 64L << 20);
        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
        Assert.Equal(before, GCSettings.LatencyMode);
        Assert.False(rt.NoGcRegionHeld);
    }

    [Fact]
    public void BudgetSpent_TheRegionEnds_CollectionsResume_AndItIsVisible()
    {
        var rt = Start(16);
        Assert.True(rt.NoGcRegionHeld);
        Allocate(96L << 20);
        Assert.True(SpinWait.SpinUntil(() => !rt.NoGcRegionHeld, TimeSpan.FromSeconds(10)));
        Assert.True(rt.Stop(TimeSpan.FromSeconds(10)));
        Assert.False(rt.NoGcRegionHeldToTheEnd);
        Assert.True((rt.GcCountsAtStop - rt.GcCountsAtClockStart).Gen0 >= 1);
        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
    }

    [Fact]
    public void TwoLoopsInOneProcess_OnlyTheFirstHoldsIt_TheSecondSaysSo()
    {
        var first = Start(128);
        var second = Start(128);
        try
        {
            Assert.True(first.NoGcRegionHeld);
            Assert.Equal(0, second.NoGcRegionBytes);
            Assert.Equal(-1, Events(second).Single(e => e.Code == LoopEventCode.NoGcRegionRefused).Value);
        }
        finally
        {
            Assert.True(second.Stop(TimeSpan.FromSeconds(10)));
            Assert.True(first.Stop(TimeSpan.FromSeconds(10)));
        }
        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
    }

    [Fact]
    public void ALoopStartedInsideAnothersRegion_OutlivesIt_AndStopsCleanly()
    {
        var before = GCSettings.LatencyMode;
        var first = Start(128);
        var second = Start(128); // its thread starts while the first holds the region: it reads NoGCRegion as the mode to restore
        Assert.True(first.Stop(TimeSpan.FromSeconds(10)));
        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
        Assert.True(second.Stop(TimeSpan.FromSeconds(10)));
        Assert.Null(second.Fault);
        Assert.Null(first.Fault);
        Assert.Equal(before, GCSettings.LatencyMode);
    }

    [Fact]
    public void Off_NoRegion()
    {
        var rt = Start(0);
        Assert.Equal(0, rt.NoGcRegionBytes);
        Assert.DoesNotContain(Events(rt), e => e.Code is LoopEventCode.NoGcRegionStarted or LoopEventCode.NoGcRegionRefused);
        Assert.True(rt.Stop(TimeSpan.FromSeconds(10)));
    }
}
