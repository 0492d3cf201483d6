using ClosedLoop.TestSupport;
using Xunit.Abstractions;

namespace ClosedLoop.Cli.Tests;

/// <summary>
/// <c>closedloop hil</c> against the compiled virtual device: the host-kill scenario (the controller a separate
/// <c>closedloop run</c> process, killed with SIGKILL) and a run whose device refuses the limits (exit non-zero).
/// </summary>
public sealed class HilCommandTests(ITestOutputHelper output)
{
    private static string Scenario(string name) => Path.Combine(RepoPaths.Root, "hil", "scenarios", name + ".toml");

    [Fact]
    public void Hil_HostKilled_DeviceHostTimeoutTurnsOutputsOff_ReportAndPng()
    {
        using var dir = new TempDirectory();
        string outDir = Path.Combine(dir.Path, "kill");
        var (code, stdout, stderr) = CliRunner.Run("hil", Scenario("host-kill"), "--out", outDir, "--device", VirtualDevice.BinaryPath);
        string report = File.Exists(Path.Combine(outDir, "report.md")) ? File.ReadAllText(Path.Combine(outDir, "report.md")) : "(no report)";
        output.WriteLine(stdout + stderr + report);
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("hil host-kill: PASS", stdout, StringComparison.Ordinal);
        Assert.Matches(@"fault host-kill at 700 ms: host not watched; device off after \d+\.\d ms \(bound 150\)", stdout);
        Assert.Contains("a separate process", report, StringComparison.Ordinal);
        Assert.Contains("closed cleanly: False", report, StringComparison.Ordinal); // SIGKILL: no stop marker
        var (width, height) = PngAssert.IsValidPng(Path.Combine(outDir, "report.png"));
        Assert.Equal((1400, 1050), (width, height));
        Assert.Contains("report.png", report, StringComparison.Ordinal);
    }

    [Fact]
    public void Hil_DeviceRefusesTheLimits_FailsWithExitCodeOne()
    {
        using var dir = new TempDirectory();
        string scenario = Path.Combine(dir.Path, "refused.toml");
        File.WriteAllText(scenario, """
            [hil]
            duration_ms = 500
            arm_timeout_ms = 1500
            device_ceiling = 0.5   # below the stimulator's limits: the device answers OVER_CEILING
            """);
        var (code, stdout, _) = CliRunner.Run("hil", scenario, "--out", Path.Combine(dir.Path, "out"), "--device", VirtualDevice.BinaryPath);
        output.WriteLine(stdout);
        Assert.Equal(ExitCodes.Failure, code);
        Assert.Contains("hil refused: FAIL", stdout, StringComparison.Ordinal);
        Assert.Contains("FAIL  the controller armed and armed outputs reached the device: not armed within 2 s", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Hil_MissingScenario_BadInput()
    {
        var (code, _, stderr) = CliRunner.Run("hil", "/nonexistent/scenario.toml");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("does not exist", stderr, StringComparison.Ordinal);
    }
}
