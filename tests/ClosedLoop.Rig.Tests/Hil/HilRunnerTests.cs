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

    private static string ScenarioPath(string name) =>
        Path.Combine(Path.GetDirectoryName(VirtualDevice.FirmwareDir)!, "hil", "scenarios", name + ".toml");

    [Theory]
    [InlineData("unplug-replug", 1)]
    [InlineData("stall", 2)]
    public async Task Scenario_RunsAgainstTheVirtualDevice_AllInvariantsHold(string name, int faults)
    {
        var scenario = HilScenario.Load(ScenarioPath(name));
        var result = await new HilRunner(VirtualDevice.BinaryPath, _dir.File("run")).RunAsync(scenario);
        string report = File.ReadAllText(Path.Combine(_dir.File("run"), "report.md"));
        output.WriteLine(report);
        Assert.True(result.Passed, report);
        Assert.Equal(faults, result.Faults.Count);
        Assert.All(result.Faults, f => Assert.True(f.SafeAfter <= scenario.SafeBound, report));
        Assert.True(result.DeviceArmedFrames > 100, report);
        Assert.Empty(result.OutOfLimits);
        Assert.True(result.Recording.ClosedCleanly && result.Recording.Dropped == 0, report);
        Assert.Contains("Result: **PASS**", report, StringComparison.Ordinal);
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
}
