using Xunit;
using ClosedLoop.Core.Concurrency;
using ClosedLoop.Core.Diagnostics;
using ClosedLoop.TestSupport;

namespace ClosedLoop.Core.Tests.Concurrency;

public class BroadcastRingTests
{
    [Fact]
    public void Constructor_RoundsCapacityUpToPowerOfTwo()
    {
        Assert.Equal(8, new BroadcastRing<int>(5).Capacity);
    }

    [Fact]
    public void TryRead_InOrder_ReturnsEveryItemOnce()
    {
        var ring = new BroadcastRing<long>(16);
        var reader = ring.CreateReader();
        for (long i = 0; i < 10; i++) ring.Write(i);
        for (long i = 0; i < 10; i++)
        {
            Assert.True(reader.TryRead(out long v));
            Assert.Equal(i, v);
        }
        Assert.False(reader.TryRead(out _));
        Assert.Equal(0, reader.Lost);
    }

    [Fact]
    public void TryRead_ConsumerFellBehind_LosesOldestAndCountsThem()
    {
        var ring = new BroadcastRing<long>(8);
        var reader = ring.CreateReader();
        for (long i = 0; i < 20; i++) ring.Write(i);
        var got = new List<long>();
        while (reader.TryRead(out long v)) got.Add(v);
        Assert.Equal(20 - got.Count, reader.Lost);
        Assert.Equal(19, got[^1]);
        Assert.True(got.Count <= 8);
        for (int i = 1; i < got.Count; i++) Assert.Equal(got[i - 1] + 1, got[i]);
    }

    [Fact]
    public void CreateReader_FromNow_SkipsHistory()
    {
        var ring = new BroadcastRing<int>(8);
        ring.Write(1);
        var reader = ring.CreateReader(fromNow: true);
        Assert.False(reader.TryRead(out _));
        ring.Write(2);
        Assert.True(reader.TryRead(out int v));
        Assert.Equal(2, v);
    }

    [Fact]
    public async Task TryRead_ConcurrentProducer_SeesIncreasingIntactItemsAndAccountsForAll()
    {
        var ring = new BroadcastRing<(long A, long B)>(64);
        var reader = ring.CreateReader();
        const long n = 200_000;
        var producer = Task.Run(() =>
        {
            for (long i = 0; i < n; i++) ring.Write((i, ~i));
        });
        long seen = 0, last = -1;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (seen + reader.Lost < n && DateTime.UtcNow < deadline)
        {
            if (reader.TryRead(out var item))
            {
                Assert.Equal(~item.A, item.B);
                Assert.True(item.A > last);
                last = item.A;
                seen++;
            }
        }
        await producer.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(n, seen + reader.Lost);
    }

    [Fact]
    public void Write_Steady_AllocatesNothing()
    {
        var ring = new BroadcastRing<long>(1024);
        var reader = ring.CreateReader();
        long bytes = SteadyStateAllocation.Measure(() =>
        {
            ring.Write(42);
            reader.TryRead(out _);
        }, 10_000).Bytes;
        Assert.Equal(0, bytes);
    }
}
