using Xunit;
using System.Runtime.CompilerServices;
using ClosedLoop.Runtime.Recording;

namespace ClosedLoop.Runtime.Tests.Recording;

public class SpscSlotRingTests
{
    private static RecordSlot Slot(long step)
    {
        RecordSlot s = default;
        RecordEncoder.Marker(ref s, step, (int)step);
        return s;
    }

    [Fact]
    public void TryWrite_FullRing_RefusesWithoutOverwriting()
    {
        var ring = new SpscSlotRing(4);
        for (int i = 0; i < 4; i++) Assert.True(ring.TryWrite(Slot(i)));
        Assert.False(ring.TryWrite(Slot(99)));
        for (int i = 0; i < 4; i++)
        {
            Assert.True(ring.TryRead(out RecordSlot s));
            Assert.Equal(i, s.Step);
        }
        Assert.False(ring.TryRead(out _));
        Assert.True(ring.TryWrite(Slot(5)));
    }

    [Fact]
    public void TryClaim_FullRing_ReturnsNullRefAndUnpublishedSlotIsInvisible()
    {
        var ring = new SpscSlotRing(2);
        ref RecordSlot a = ref ring.TryClaim();
        RecordEncoder.Marker(ref a, 10, 10);
        Assert.False(ring.TryRead(out _)); // claimed but not published
        ring.Publish();
        ref RecordSlot b = ref ring.TryClaim();
        RecordEncoder.Marker(ref b, 11, 11);
        ring.Publish();
        Assert.True(Unsafe.IsNullRef(ref ring.TryClaim()));
        Assert.True(ring.TryRead(out RecordSlot first));
        Assert.Equal(10, first.Step);
        Assert.False(Unsafe.IsNullRef(ref ring.TryClaim())); // one slot free again
    }

    [Fact]
    public async Task TryWriteTryRead_ConcurrentThreads_DeliverEveryItemInOrder()
    {
        const int n = 100_000;
        var ring = new SpscSlotRing(256);
        var producer = Task.Factory.StartNew(() =>
        {
            for (long i = 0; i < n; i++)
            {
                while (!ring.TryWrite(Slot(i))) Thread.Yield(); // 2 shared cores: yield, do not spin
            }
        }, TaskCreationOptions.LongRunning);
        var consumer = Task.Factory.StartNew(() =>
        {
            long expected = 0;
            while (expected < n)
            {
                if (ring.TryRead(out RecordSlot s))
                {
                    if (s.Step != expected) return expected; // report the first out-of-order item
                    expected++;
                }
                else
                {
                    Thread.Yield();
                }
            }
            return expected;
        }, TaskCreationOptions.LongRunning);
        await producer.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(n, await consumer.WaitAsync(TimeSpan.FromSeconds(30)));
    }
}
