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

    // The device's own schedule (due_us, last_host_us): host timeout 100 ms, 0.1 ms ticks.
    private static readonly TimeSpan s_promise = TimeSpan.FromMilliseconds(100.2);

    [Fact]
    public void Check_HostTimeoutOnTheDevicesSchedule_HoldsHoweverLateTheLoadedHostRanIt()
    {
        // Host killed at 2.0 s; last host frame 1.9995 s; the tick due at 2.0996 s (100.1 ms later) turned the outputs off,
        // but the device process ran it only at 2.2 s: 200 ms after the kill by the harness's clock, beyond the old bound.
        var v = HilDeviceSafety.Check(Log("2200000,4,0,change,2099600,1999500"), 2_000_000, s_bound, 2_500_000, s_promise);
        Assert.Equal(TimeSpan.FromMilliseconds(200), v.OffAfter);
        Assert.NotNull(v.Decision);
        Assert.Equal(TimeSpan.FromMilliseconds(100.1), v.Decision.AfterLastContact);
        Assert.Equal(TimeSpan.FromMicroseconds(100_400), v.Decision.Late);
        Assert.True(v.Holds);
    }

    [Fact]
    public void Check_DeviceTimeoutLongerThanItsPromise_FailsEvenWhenItRanOnTime()
    {
        // A firmware whose timeout is twice the configured one: off at a tick due 200 ms after the last host frame, run on
        // time; by the harness's clock 200.5 ms, which the old bound plus a generous allowance could have let through.
        var v = HilDeviceSafety.Check(Log("2200000,4,0,change,2200000,1999500"), 2_000_000, TimeSpan.FromMilliseconds(250), 2_500_000, s_promise);
        Assert.Equal(TimeSpan.FromMilliseconds(200.5), v.Decision!.AfterLastContact);
        Assert.False(v.Decision.Holds);
        Assert.False(v.Holds);
    }

    [Fact]
    public void Check_ExitLineOnTheDevicesSchedule_OffAtItsExitHowLateSoEver()
    {
        // Unplugged at 2.0 s: the stop signal reached the device at 2.06 s (the harness and the device waited for the CPU),
        // its exit path turned the outputs off at once, logged at 2.0721 s.
        var v = HilDeviceSafety.Check(Log("2072100,5,0,exit,2060000,1999000"), 2_000_000, TimeSpan.FromMilliseconds(50), null, s_promise);
        Assert.True(v.Decision!.AtExit);
        Assert.Equal(TimeSpan.FromMilliseconds(12.1), v.Decision.Late);
        Assert.True(v.Holds);
    }

    [Fact]
    public void Check_NeverOffOrLiveAgain_FailsWhateverTheSchedule()
    {
        Assert.False(HilDeviceSafety.Check(Log(), 2_000_000, s_bound, null, s_promise).Holds);
        var again = HilDeviceSafety.Check(Log("2050000,4,0,change,2050000,2049000", "2300000,3,1,change,2300000,2299000"), 2_000_000, s_bound, 2_500_000, s_promise);
        Assert.Equal(2_300_000, again.LiveAgainAtUs);
        Assert.False(again.Holds);
    }

    [Fact]
    public void ParseStates_ScheduleColumns_ReadWhenPresent()
    {
        var changes = HilDeviceLog.ParseStates(["device_us,state,live,event,due_us,last_host_us", "12,3,1,change,11,5", "20,4,0,exit,18,5", "21,4,0,change,x,5"], out int malformed);
        Assert.Equal(2, changes.Count);
        Assert.Equal((11L, 5L), (changes[0].DueUs!.Value, changes[0].LastHostUs!.Value));
        Assert.Equal(1, malformed);
    }

    [Fact]
    public void ParseStates_MalformedLines_CountedNotRead()
    {
        var changes = HilDeviceLog.ParseStates(["device_us,state,live,event", "12,3,1,change", "garbage", "13,3,2,change"], out int malformed);
        Assert.Single(changes);
        Assert.Equal(2, malformed);
    }
}
