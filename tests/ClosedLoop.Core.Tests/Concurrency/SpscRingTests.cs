using Xunit;
using System.Runtime.CompilerServices;
using ClosedLoop.Core.Concurrency;

namespace ClosedLoop.Core.Tests.Concurrency;

public class SpscRingTests
{
    /// <summary>A slot-sized item: a step and a payload that is not a copy of it.</summary>
    private struct Item
    {
        public long Step;
        public long Payload;
    }

    private static Item Slot(long step) => new() { Step = step, Payload = ~step };

    [Fact]
    public void TryWrite_FullRing_RefusesWithoutOverwriting()
    {
        var ring = new SpscRing<Item>(4);
        for (int i = 0; i < 4; i++) Assert.True(ring.TryWrite(Slot(i)));
        Assert.False(ring.TryWrite(Slot(99)));
        for (int i = 0; i < 4; i++)
        {
            Assert.True(ring.TryRead(out Item s));
            Assert.Equal(i, s.Step);
        }
        Assert.False(ring.TryRead(out _));
        Assert.True(ring.TryWrite(Slot(5)));
    }

    [Fact]
    public void TryClaim_FullRing_ReturnsNullRefAndUnpublishedSlotIsInvisible()
    {
        var ring = new SpscRing<Item>(2);
        ref Item a = ref ring.TryClaim();
        a = Slot(10);
        Assert.False(ring.TryRead(out _)); // claimed but not published
        ring.Publish();
        ref Item b = ref ring.TryClaim();
        b = Slot(11);
        ring.Publish();
        Assert.True(Unsafe.IsNullRef(ref ring.TryClaim()));
        Assert.True(ring.TryRead(out Item first));
        Assert.Equal(10, first.Step);
        Assert.False(Unsafe.IsNullRef(ref ring.TryClaim())); // one slot free again
    }

    [Fact]
    public async Task TryWriteTryRead_ConcurrentThreads_DeliverEveryItemInOrder()
    {
        const int n = 100_000;
        var ring = new SpscRing<Item>(256);
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
                if (ring.TryRead(out Item s))
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
