using ClosedLoop.Rig.Hil;
using Xunit;

namespace ClosedLoop.Rig.Tests.Hil;

/// <summary>The device-side checker fed device state logs written by hand: it must be able to fail.</summary>
public sealed class HilDeviceSafetyTests
{
    private static readonly TimeSpan s_bound = TimeSpan.FromMilliseconds(150);

    // A device armed at 1.0 s; the fault at 2.0 s (reference); the log's last lines vary per test.
    private static List<DeviceStateChange> Log(params string[] tail) => HilDeviceLog.ParseStates(
        new[] { "device_us,state,live,event", "900000,0,0,start", "950000,2,0,change", "1000000,3,1,change" }.Concat(tail), out _);

    [Fact]
    public void Check_OutputsOffLongAfterTheBound_Fails()
    {
        var v = HilDeviceSafety.Check(Log("2400000,4,0,change"), 2_000_000, s_bound, null);
        Assert.Equal(TimeSpan.FromMilliseconds(400), v.OffAfter);
        Assert.False(v.Holds);
    }

    [Fact]
    public void Check_OutputsNeverOff_Fails()
    {
        var v = HilDeviceSafety.Check(Log(), 2_000_000, s_bound, null);
        Assert.Null(v.OffAfter);
        Assert.False(v.Holds);
    }

    [Fact]
    public void Check_LiveAgainWhileTheFaultLasts_Fails()
    {
        // Off at +100, live again at +300, off for good only at +350: not off within the 150 ms bound.
        var v = HilDeviceSafety.Check(Log("2100000,4,0,change", "2300000,3,1,change", "2350000,4,0,change"), 2_000_000, s_bound, 2_500_000);
        Assert.Equal(TimeSpan.FromMilliseconds(350), v.OffAfter);
        Assert.False(v.Holds);
        // Off at +100, then live until the cause ended: never off for good.
        var w = HilDeviceSafety.Check(Log("2100000,4,0,change", "2300000,3,1,change"), 2_000_000, s_bound, 2_500_000);
        Assert.Null(w.OffAfter);
        Assert.Equal(2_300_000, w.LiveAgainAtUs);
        Assert.False(w.Holds);
    }

    [Fact]
    public void Check_FollowsTheHostBrieflyAfterTheInjection_ThenOffForGoodWithinTheBound_Holds()
    {
        // Seen in CI: off at the injection by chance, live again 0.3 ms later while the host was still armed (its
        // watchdog had not tripped yet), off for good 13.5 ms later and until the cause ended.
        var v = HilDeviceSafety.Check(Log("1999000,3,1,change", "2000000,4,0,change", "2000300,3,1,change", "2013500,4,0,change"), 2_000_000, s_bound, 2_500_000);
        Assert.Equal(TimeSpan.FromMilliseconds(13.5), v.OffAfter);
        Assert.Null(v.LiveAgainAtUs);
        Assert.True(v.Holds);
    }

    [Fact]
    public void Check_OffWithinTheBoundAndLiveOnlyAfterTheFault_Holds()
    {
        var v = HilDeviceSafety.Check(Log("2100000,4,0,change", "2600000,3,1,change"), 2_000_000, s_bound, 2_500_000);
        Assert.Equal(TimeSpan.FromMilliseconds(100), v.OffAfter);
        Assert.Null(v.LiveAgainAtUs);
        Assert.True(v.Holds);
    }

    [Fact]
    public void Check_DeviceExitedAtTheFault_OffAtItsExitLine()
    {
        var v = HilDeviceSafety.Check(Log("2000300,4,0,exit"), 2_000_000, s_bound, null);
        Assert.Equal(TimeSpan.FromMicroseconds(300), v.OffAfter);
        Assert.True(v.Holds);
    }

    [Fact]
    public void Check_AlreadyOffAtTheReference_ZeroAndHolds()
    {
        var v = HilDeviceSafety.Check(Log("1500000,4,0,change"), 2_000_000, s_bound, null);
        Assert.Equal(TimeSpan.Zero, v.OffAfter);
        Assert.True(v.Holds);
    }

    [Fact]
    public void ParseStates_MalformedLines_CountedNotRead()
    {
        var changes = HilDeviceLog.ParseStates(["device_us,state,live,event", "12,3,1,change", "garbage", "13,3,2,change"], out int malformed);
        Assert.Single(changes);
        Assert.Equal(2, malformed);
    }
}
