using Xunit;
using ClosedLoop.Rig.Bench;

namespace ClosedLoop.Rig.Tests.Bench;

/// <summary>The benchmark path runs end to end (no speed claim: the numbers go in the report, not in asserts).</summary>
public class LoopBenchmarkTests
{
    [Fact]
    public void Run_ShortRun_ReportsConsistentStatistics()
    {
        var r = LoopBenchmark.Run(1000, 0.3);
        Assert.InRange(r.Steps, 1, 100_000);
        Assert.True(r.LatenessP50Us <= r.LatenessP99Us && r.LatenessP99Us <= r.LatenessP999Us && r.LatenessP999Us <= r.LatenessMaxUs);
        Assert.True(r.ComputeP50Us > 0 && r.ComputeP50Us <= r.ComputeMaxUs);
        Assert.Contains(r.Notes, n => n.StartsWith("loop started at 1000 Hz", StringComparison.Ordinal));
        Assert.Contains(r.Notes, n => n.Contains("device frames", StringComparison.Ordinal));
    }
}
