using ClosedLoop.Core.Time;
using Xunit;

namespace ClosedLoop.Bridge.Tests;

/// <summary>The stamp an output frame carries (device_time_seen_us): never later than the device's clock at the frame's
/// production, so (device now - stamp) bounds the frame's age from above.</summary>
public class BridgeStampTests
{
    private static long Us(double us) => MonoClock.FromMicroseconds(us);

    [Fact]
    public void Stamp_FrameProducedAfterTheHeartbeatArrived_IsTheHeartbeatsDeviceTime()
    {
        long rx = Us(10_000_000);
        Assert.Equal(5_000_000UL, BridgeDevice.Stamp(rx, 5_000_000, rx));
        Assert.Equal(5_000_000UL, BridgeDevice.Stamp(rx + Us(250_000), 5_000_000, rx));
    }

    [Theory]
    [InlineData(1, 4_999_999)]
    [InlineData(5_000, 4_995_000)]
    [InlineData(400_000, 4_600_000)]
    [InlineData(4_999_999, 1)]
    [InlineData(5_000_000, 1)] // produced before the device's clock started: the oldest stamp there is, never 0
    [InlineData(60_000_000, 1)]
    public void Stamp_FrameProducedBeforeTheHeartbeatArrived_IsThatMuchEarlier(double lagUs, ulong expected)
    {
        long rx = Us(100_000_000);
        Assert.Equal(expected, BridgeDevice.Stamp(rx - Us(lagUs), 5_000_000, rx));
    }

    [Fact]
    public void Stamp_FractionOfAMicrosecond_RoundsTowardsOlder()
    {
        long rx = Us(100_000_000);
        long lag = (long)Math.Ceiling(MonoClock.Frequency / 1e6 * 0.5); // half a microsecond, at least one tick
        Assert.Equal(4_999_999UL, BridgeDevice.Stamp(rx - lag, 5_000_000, rx));
    }
}
