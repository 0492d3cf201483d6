using ClosedLoop.Core.Concurrency;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Runtime.Sinks;
using Xunit;

namespace ClosedLoop.Runtime.Tests.Sinks;

public class SimulatedDeviceTests
{
    private static OutputFrame Frame(long step, float v0)
    {
        var f = new OutputFrame { Step = step, Ticks = step * 10, ChannelCount = 2 };
        f.Values[0] = v0;
        f.Values[1] = 1;
        return f;
    }

    [Fact]
    public void ProcessAvailable_ValueOverDeviceLimit_ClampedAndCounted()
    {
        var ring = new BroadcastRing<OutputFrame>(16);
        var dev = new SimulatedDevice(new SimulatedDeviceOptions { ChannelMax = [50, 1], AcknowledgeWithFrameTime = true });
        var reader = ring.CreateReader();
        ring.Write(Frame(0, 10));
        ring.Write(Frame(1, 70));
        Assert.Equal(2, dev.ProcessAvailable(reader));
        Assert.Equal(2, dev.FramesReceived);
        Assert.Equal(1, dev.LimitViolations);
        Assert.True(dev.TryGetLastFrame(out var last));
        Assert.Equal(50f, last.Values[0]);
        Assert.Equal(10, dev.LastAcknowledgedTicks);
    }

    [Fact]
    public void Unplug_StopsAcknowledging()
    {
        var ring = new BroadcastRing<OutputFrame>(16);
        var dev = new SimulatedDevice(new SimulatedDeviceOptions { AcknowledgeWithFrameTime = true });
        var reader = ring.CreateReader();
        ring.Write(Frame(1, 1));
        dev.ProcessAvailable(reader);
        dev.Unplug();
        ring.Write(Frame(2, 1));
        ring.Write(Frame(3, 1));
        dev.ProcessAvailable(reader);
        Assert.Equal(10, dev.LastAcknowledgedTicks);
        Assert.Equal(2, dev.FramesIgnored);
        Assert.Equal(1, dev.FramesReceived);
        Assert.False(dev.IsPlugged);
    }

    [Fact]
    public async Task RunAsync_OwnThread_ReceivesFramesWrittenLater()
    {
        var ring = new BroadcastRing<OutputFrame>(64);
        await using var dev = new SimulatedDevice();
        dev.Start(ring.CreateReader());
        var wait = dev.WaitForFrameAsync(f => f.Step == 9, TimeSpan.FromSeconds(5));
        for (int i = 0; i < 10; i++) ring.Write(Frame(i, i));
        var got = await wait;
        Assert.Equal(9f, got.Values[0]);
        Assert.True(dev.LastAcknowledgedTicks > 0);
    }
}
