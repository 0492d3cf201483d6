using Xunit;
using ClosedLoop.Core.Concurrency;
using ClosedLoop.Core.Diagnostics;
using ClosedLoop.TestSupport;

namespace ClosedLoop.Core.Tests.Concurrency;

public class LatestValueMailboxTests
{
    private struct Pair
    {
        public long A;
        public long B;
        public long C;
        public long D;
    }

    [Fact]
    public void TryRead_BeforeAnyPublish_ReturnsFalse()
    {
        var box = new LatestValueMailbox<Pair>();
        Assert.False(box.TryRead(out _, out long count));
        Assert.Equal(0, count);
    }

    [Fact]
    public void TryRead_AfterPublishes_ReturnsNewestAndCount()
    {
        var box = new LatestValueMailbox<Pair>();
        box.Publish(new Pair { A = 1 });
        box.Publish(new Pair { A = 2 });
        Assert.True(box.TryRead(out var v, out long count));
        Assert.Equal(2, v.A);
        Assert.Equal(2, count);
    }

    [Fact]
    public async Task TryRead_WhileWriterHammers_NeverSeesTornValue()
    {
        var box = new LatestValueMailbox<Pair>();
        using var cts = new CancellationTokenSource();
        var writer = Task.Run(() =>
        {
            long i = 0;
            while (!cts.IsCancellationRequested)
            {
                i++;
                box.Publish(new Pair { A = i, B = -i, C = i * 3, D = i ^ 0x5555 });
                // A real source publishes at most every few microseconds; a writer in a tight loop could
                // starve readers (who then keep their previous value, by design).
                Thread.SpinWait(20);
            }
        });
        long reads = 0, last = 0;
        // Wait (bounded) for the writer to start: on a loaded machine the task may start late.
        var startBy = DateTime.UtcNow.AddSeconds(10);
        while (box.PublishCount == 0 && DateTime.UtcNow < startBy)
        {
            Thread.Yield();
        }
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (reads < 20_000 && DateTime.UtcNow < deadline)
        {
            if (box.TryRead(out var v, out _))
            {
                Assert.Equal(v.A, -v.B);
                Assert.Equal(v.A * 3, v.C);
                Assert.Equal(v.A ^ 0x5555, v.D);
                Assert.True(v.A >= last, "values must never go backwards");
                last = v.A;
                reads++;
            }
        }
        cts.Cancel();
        await writer.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(reads > 0);
    }

    [Fact]
    public void TryRead_Steady_AllocatesNothing()
    {
        var box = new LatestValueMailbox<Pair>();
        box.Publish(new Pair { A = 7 });
        long bytes = SteadyStateAllocation.Measure(() =>
        {
            box.Publish(new Pair { A = 8 });
            box.TryRead(out _, out _);
        }, 10_000).Bytes;
        Assert.Equal(0, bytes);
    }
}
