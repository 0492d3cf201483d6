using ClosedLoop.Runtime.Diagnostics;
using Xunit;
using ClosedLoop.TestSupport;

namespace ClosedLoop.Runtime.Tests.Diagnostics;

[Collection(AllocationTestsCollection.Name)]
public class LatencyHistogramTests
{
    [Fact]
    public void ValueAtQuantile_LogNormalSample_WithinBucketResolutionOfExactQuantile()
    {
        var rng = new Random(42);
        var h = new LatencyHistogram();
        var values = new long[100_000];
        for (int i = 0; i < values.Length; i++)
        {
            double g = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
            values[i] = (long)Math.Exp(9 + 1.5 * g); // median about 8 us, long tail
            h.Record(values[i]);
        }
        Array.Sort(values);
        foreach (double q in new[] { 0.5, 0.9, 0.99, 0.999 })
        {
            long exact = values[(int)Math.Ceiling(q * values.Length) - 1];
            long got = h.ValueAtQuantile(q);
            // Upper bucket edge: never below the exact value, at most 1/16 above it (+1 ns for integer edges).
            Assert.InRange(got, exact, (long)(exact * (1 + 1.0 / 16)) + 1);
        }
        Assert.Equal(values[^1], h.Max);
        Assert.Equal(values[^1], h.ValueAtQuantile(1));
    }

    [Fact]
    public void ValueAtQuantile_SmallValues_Exact()
    {
        var h = new LatencyHistogram();
        for (int i = 1; i <= 100; i++) h.Record(i);
        Assert.Equal(50, h.ValueAtQuantile(0.5));
        Assert.Equal(99, h.ValueAtQuantile(0.99));
        Assert.Equal(100, h.Count);
    }

    [Fact]
    public void BucketOf_EdgesAreConsistent()
    {
        for (long v = 0; v < 1L << 36; v = (v * 5 / 4) + 1)
        {
            int b = LatencyHistogram.BucketOf(v);
            Assert.True(LatencyHistogram.UpperEdge(b) >= v, $"value {v} above its bucket edge");
            Assert.True(b == 0 || LatencyHistogram.UpperEdge(b - 1) < v, $"value {v} below its bucket");
        }
    }

    [Fact]
    public void Record_AllocatesNothing()
    {
        var h = new LatencyHistogram();
        long v = 1;
        Assert.Equal(0, SteadyStateAllocation.Measure(() => h.Record(v = (v * 7) % 1_000_003), 100_000).Bytes);
    }
}
