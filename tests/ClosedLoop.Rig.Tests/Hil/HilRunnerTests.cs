using ClosedLoop.Core.Configuration;
using ClosedLoop.Rig.Hil;
using ClosedLoop.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace ClosedLoop.Rig.Tests.Hil;

/// <summary>The scenario files under hil/scenarios run against the compiled virtual device; every invariant must hold.</summary>
public sealed class HilRunnerTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    internal static string ScenarioPath(string name) =>
        Path.Combine(Path.GetDirectoryName(VirtualDevice.FirmwareDir)!, "hil", "scenarios", name + ".toml");

    private async Task<(HilScenario Scenario, HilResult Result, string Report)> RunAsync(string name)
    {
        var scenario = HilScenario.Load(ScenarioPath(name));
        var result = await new HilRunner(VirtualDevice.BinaryPath, _dir.File("run")).RunAsync(scenario);
        string report = File.ReadAllText(Path.Combine(_dir.File("run"), "report.md"));
        output.WriteLine(report);
        return (scenario, result, report);
    }

    [Theory]
    [InlineData("unplug-replug", 1)]
    [InlineData("stall", 2)]
    [InlineData("stale-input", 1)]
    [InlineData("non-finite-input", 1)]
    [InlineData("corrupt-frames", 2)]
    [InlineData("never-ack", 1)]
    public async Task Scenario_FaultThatMustMakeOutputsSafe_OffAtTheDeviceWithinItsBound(string name, int faults)
    {
        var (scenario, result, report) = await RunAsync(name);
        Assert.True(result.Passed, report);
        Assert.Equal(faults, result.Faults.Count);
        Assert.All(result.Faults, f =>
        {
            Assert.NotNull(f.Device);
            Assert.True(f.Device.Holds, report);
            // Judged by the device's own schedule (its log has it): already off at the fault's moment, or off by its exit,
            // or within its host timeout of the last host frame, however late the loaded host ran the device process.
            Assert.True(f.Device.Decision is { } d ? d.AtExit || d.AfterLastContact <= scenario.DevicePromise : f.Device.OffAfter == TimeSpan.Zero, report);
            Assert.True(f.HostSafeAfter <= f.HostBound, report);
        });
        Assert.Contains("Result: **PASS**", report, StringComparison.Ordinal);
        if (name == "corrupt-frames")
        {
            var counted = Assert.Single(result.Invariants, i => i.Name.StartsWith("damaged frames", StringComparison.Ordinal));
            Assert.True(counted.Holds, report);
        }
    }

    [Fact]
    public async Task Scenario_InputFlood_WithinLimitsNothingLost()
    {
        var (_, result, report) = await RunAsync("input-flood");
        Assert.True(result.Passed, report);
        var flood = Assert.Single(result.Faults);
        Assert.Null(flood.Device); // a flood need not make outputs safe
        Assert.True(result.Recording!.Intact && result.Recording.Dropped == 0, report);
        Assert.Matches(@"flood \| .*\| (\d{4,}) samples sent", report); // thousands in half a second, not the trace's hundred
    }

    [Fact]
    public async Task Scenario_HostKillWithoutALauncher_Refused()
    {
        var scenario = HilScenario.Load(ScenarioPath("host-kill"));
        var runner = new HilRunner(VirtualDevice.BinaryPath, _dir.File("kill"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => runner.RunAsync(scenario));
    }

    [Fact]
    public async Task RealPort_FaultThatNeedsTheVirtualDevice_Refused()
    {
        var scenario = HilScenario.Load(ScenarioPath("stall"));
        var runner = new HilRunner("", _dir.File("real")) { RealPort = "/dev/ttyACM9" };
        await Assert.ThrowsAsync<ConfigException>(() => runner.RunAsync(scenario));
    }

    [Fact]
    public void Bounds_FollowFromTheWatchdogsAndTheAllowance()
    {
        var s = HilScenario.Load(ScenarioPath("corrupt-frames"));
        // device heartbeat 10 ms + heartbeat watchdog 50 ms + 1 step, + allowance 50; the device one step later, or its
        // own host timeout (100 ms) after the last frame when the host is descheduled before it writes the safe frame.
        Assert.Equal(111, s.HostBound(s.Faults[0])!.Value.TotalMilliseconds, 6);
        Assert.Equal(212, s.DeviceBound(s.Faults[0])!.Value.TotalMilliseconds, 6);
        var kill = HilScenario.Load(ScenarioPath("host-kill"));
        Assert.Equal(150, kill.DeviceBound(kill.Faults[0])!.Value.TotalMilliseconds, 6); // the device's host timeout + allowance
        Assert.Null(kill.HostBound(kill.Faults[0]));
    }

    [Fact]
    public void Parse_OverlappingFaults_Rejected()
    {
        const string toml = """
            [hil]
            duration_ms = 3000
            [[fault]]
            kind = "stall"
            at_ms = 1000
            duration_ms = 500
            [[fault]]
            kind = "unplug"
            at_ms = 1600
            duration_ms = 100
            """;
        Assert.Throws<ConfigException>(() => HilScenario.Parse(toml, "overlap"));
    }

    [Fact]
    public void Parse_UnknownFaultKind_Rejected()
    {
        const string toml = """
            [hil]
            duration_ms = 3000
            [[fault]]
            kind = "meteor"
            at_ms = 1000
            duration_ms = 500
            """;
        Assert.Throws<ConfigException>(() => HilScenario.Parse(toml, "unknown"));
    }

    [Fact]
    public void Parse_HostKillWithAnotherFault_Rejected()
    {
        const string toml = """
            [hil]
            duration_ms = 5000
            [[fault]]
            kind = "stale"
            at_ms = 500
            duration_ms = 200
            [[fault]]
            kind = "host-kill"
            at_ms = 2000
            duration_ms = 500
            """;
        Assert.Throws<ConfigException>(() => HilScenario.Parse(toml, "kill-plus"));
    }
}
