using ClosedLoop.Core.Concurrency;
using ClosedLoop.Core.Outputs;
using ClosedLoop.Runtime.Sinks;
using Xunit;

namespace ClosedLoop.Runtime.Tests.Sinks;

/// <summary>Issue 10: the simulated device's warm-up runs its frame path on a twin; the device itself is untouched.</summary>
public class SimulatedDeviceWarmUpTests
{
    [Fact]
    public void WarmUp_ScratchFrames_LeaveCountersLastFrameAndAcknowledgementUntouched()
    {
        var device = new SimulatedDevice(new SimulatedDeviceOptions { ChannelMin = [0, 0], ChannelMax = [0.5, 0.5] });
        var scratch = ScratchFrames.Outputs(channels: 2, count: 300, ceiling: 1f, ticks: 1000);
        Assert.Contains(scratch, f => f.Safety == SafetyState.Armed && f.Values[0] > 0.5f); // the clamp path runs too
        Assert.Contains(scratch, f => f.Safety != SafetyState.Armed);

        ((ISink)device).WarmUp(scratch);

        Assert.Equal(0, device.FramesReceived);
        Assert.Equal(0, device.LimitViolations);
        Assert.Equal(long.MinValue, device.LastAcknowledgedTicks);
        Assert.Equal(long.MinValue, device.LastReceivedTicks);
        Assert.False(device.TryGetLastFrame(out _));

        // The device still works as before: one real frame is handled and counted.
        var ring = new BroadcastRing<OutputFrame>(8);
        var reader = ring.CreateReader();
        ring.Write(scratch[4]);
        Assert.Equal(1, device.ProcessAvailable(reader));
        Assert.Equal(1, device.FramesReceived);
    }
}
