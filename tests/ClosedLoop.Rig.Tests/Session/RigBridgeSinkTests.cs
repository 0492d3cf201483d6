using ClosedLoop.Core.Outputs;
using ClosedLoop.Core.Safety;
using ClosedLoop.Rig.Session;
using ClosedLoop.TestSupport;
using Xunit;

namespace ClosedLoop.Rig.Tests.Session;

/// <summary>A whole rig session whose governor heartbeat is the real firmware, running as a virtual device on a pty.</summary>
public sealed class RigBridgeSinkTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Link => _dir.File("tty");

    private string DeviceLog => _dir.File("device.csv");

    private RigSession Create() => RigSession.Create(RigTestOptions.Create(_dir.File("run.cllog"), $"""
        [[sink]]
        kind = "bridge"
        port = "{Link}"
        heartbeat = true
        host_timeout_ms = 200
        """));

    private static async Task Eventually(Func<bool> condition, string what)
    {
        using var cts = new CancellationTokenSource(Bound);
        while (!condition())
        {
            if (cts.IsCancellationRequested)
            {
                Assert.Fail("timed out waiting for " + what);
            }
            await Task.Delay(5);
        }
    }

    private string[] ArmedLinesAtDevice() =>
        File.Exists(DeviceLog) ? File.ReadAllLines(DeviceLog).Where(l => l.Split(',')[3] == "0").ToArray() : [];

    [Fact]
    public async Task Session_DeviceNeverAcknowledgesLimits_GovernorNeverArms()
    {
        await using var vd = await VirtualDevice.StartAsync("--link", Link, "--never-ack-limits", "--log", DeviceLog);
        await using var session = Create();
        await session.StartAsync();
        var bridge = session.Bridges.Single();
        Assert.Same(bridge, session.Heartbeat);
        await Eventually(() => bridge.Connections >= 2 && session.Runtime.StepsRun > 1000, "two attempts and 1000 steps");
        Assert.NotEqual(SafetyState.Armed, session.Runtime.Governor.State);
        Assert.Empty(ArmedLinesAtDevice());
    }

    [Fact]
    public async Task Session_DeviceAcceptsLimits_GovernorArmsAndArmedFramesReachTheDeviceWithinLimits()
    {
        await using var vd = await VirtualDevice.StartAsync("--link", Link, "--log", DeviceLog);
        await using var session = Create();
        await session.StartAsync();
        await Eventually(() => session.Runtime.Governor.State == SafetyState.Armed, "the governor armed");
        await Eventually(() => ArmedLinesAtDevice().Length >= 50, "50 armed frames at the device");
        var limits = session.Options.Runtime.Channels;
        foreach (var line in ArmedLinesAtDevice())
        {
            var v = line.Split(',')[4..].Select(x => double.Parse(x, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            for (int c = 0; c < v.Length; c++)
            {
                Assert.InRange(v[c], limits[c].Limits!.Min, limits[c].Limits!.Max);
            }
        }
        var bridge = session.Bridges.Single();
        Assert.True(bridge.ClockOffset is not null);
        string summary = await vd.StopAsync();
        Assert.Contains("0 rejected", summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Session_DeviceEStopInput_LatchesTheSessionEStopLikeTheOperatorControl()
    {
        await using var vd = await VirtualDevice.StartAsync("--link", Link, "--log", DeviceLog);
        await using var session = Create();
        await session.StartAsync();
        await Eventually(() => session.Runtime.Governor.State == SafetyState.Armed, "the governor armed");
        vd.Signal(10); // SIGUSR1: the device's e-stop input
        await Eventually(() => session.EStopLatched && session.Runtime.Governor.State == SafetyState.EStop, "the session e-stop");
        Assert.Contains("device e-stop input", session.EStopReason, StringComparison.Ordinal);
        Assert.Equal(1, session.DeviceEStops);
    }

    [Fact]
    public async Task Session_DeviceUnplugged_GovernorTripsOnDeviceLost()
    {
        var vd = await VirtualDevice.StartAsync("--link", Link);
        await using var session = Create();
        await session.StartAsync();
        await Eventually(() => session.Runtime.Governor.State == SafetyState.Armed, "the governor armed");
        long before = session.Runtime.Governor.Count(GovernorReason.DeviceLost);
        await vd.DisposeAsync();
        // No device, no acknowledgement: the governor trips and stays tripped.
        await Eventually(() => session.Runtime.Governor.Count(GovernorReason.DeviceLost) > before
            && session.Runtime.Governor.State == SafetyState.Tripped, "device lost");
        Assert.False(session.Bridges.Single().LimitsAcknowledged);
    }
}
