using System.Globalization;
using ClosedLoop.TestSupport;

namespace ClosedLoop.Cli.Tests;

public class AnalyzeCommandTests
{
    [Fact]
    public void Analyze_MeanFieldRs_WritesBranchFoldsAndDiagram()
    {
        using var dir = new TempDirectory();
        string outDir = dir.File("an");

        var (code, output, error) = CliRunner.Run("analyze", "mean-field-rs", "--from", "0", "--to", "100", "--out", outDir);

        Assert.True(code == ExitCodes.Ok, error);
        Assert.Contains("Fold  at I_rs (pA) = 40.6707", output, StringComparison.Ordinal);
        Assert.Contains("Fold  at I_rs (pA) = 23.6218", output, StringComparison.Ordinal);
        string[] bifurcations = File.ReadAllLines(Path.Combine(outDir, "bifurcations.csv"));
        Assert.Equal(3, bifurcations.Length); // header and two folds
        string[] branch = File.ReadAllLines(Path.Combine(outDir, "branch.csv"));
        Assert.StartsWith("parameter,observable,gain,stable,unstable_eigenvalues,max_real_eigenvalue_per_ms,r_rs,v_rs,u_rs,s_rs", branch[0], StringComparison.Ordinal);
        // The branch's last point is at I >= 100 and on the stable high state.
        string[] last = branch[^1].Split(',');
        Assert.True(double.Parse(last[0], CultureInfo.InvariantCulture) >= 100);
        Assert.Equal("1", last[3]);
        // The gain there is the slope of the high branch, positive and below 1 Hz per pA (0.150 measured).
        Assert.InRange(double.Parse(last[2], CultureInfo.InvariantCulture), 0.01, 1.0);
        PngAssert.IsValidPng(Path.Combine(outDir, "bifurcation.png"));
    }

    [Fact]
    public void Analyze_JansenRit_ReportsTheLimitCyclePastTheUpperHopf()
    {
        using var dir = new TempDirectory();

        var (code, output, error) = CliRunner.Run("analyze", "jansen-rit", "--from", "200", "--to", "400", "--out", dir.File("jr"));

        Assert.True(code == ExitCodes.Ok, error);
        Assert.Contains("Hopf  at p (1/s) = 315.69", output, StringComparison.Ordinal);
        Assert.Matches(@"limit cycle at 31\d\.\d\d: 1[01]\.\d\d Hz", output);
    }

    [Fact]
    public void Analyze_UnknownModel_ExitsTwoNamingTheModels()
    {
        var (code, _, error) = CliRunner.Run("analyze", "wilson-cowan");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("mean-field-rs, mean-field-rs-fs, mean-field-rs-fs-lts, jansen-rit", error, StringComparison.Ordinal);
    }
}
