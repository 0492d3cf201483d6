using ClosedLoop.Circuit.Bench;

namespace ClosedLoop.Circuit.Tests.Bench;

public class BenchRunnerTests
{
    [Theory]
    [InlineData(12345, 500)]
    [InlineData(500, 500)]
    [InlineData(999, 500)]
    [InlineData(1_000_000, 500)]
    public void FindLargest_MonotonePredicate_ReturnsLimitWithinPrecision(int limit, int start)
    {
        int calls = 0;
        int found = BenchRunner.FindLargest(n => { calls++; return n <= limit; }, start, max: 4_000_000, relativePrecision: 0.05);

        Assert.InRange(found, (int)(limit * 0.95), limit);
        Assert.True(calls < 30, $"{calls} probes");
    }

    [Fact]
    public void FindLargest_StartAlreadyFails_ReturnsZero()
        => Assert.Equal(0, BenchRunner.FindLargest(n => n < 100, 500, 4_000_000, 0.05));

    [Fact]
    public void FindLargest_NeverFailsUpToMax_ReturnsLastDoubledSizeBelowMax()
        => Assert.Equal(512_000, BenchRunner.FindLargest(_ => true, 500, 1_000_000, 0.05));
}
