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

    [Fact]
    public void Analyze_PlantedLineAttractor_FindsTheLineOnlyAtIntermediateNe_WritesCsvAndPngs()
    {
        using var dir = new TempDirectory();
        string outDir = dir.File("lr");

        var (code, output, error) = CliRunner.Run("analyze", "low-rank-line-attractor", "--levels", "0,0.25,0.5,0.75,1", "--starts", "40", "--out", outDir);

        Assert.True(code == ExitCodes.Ok, error + output);
        Assert.Contains("line attractor at c in [0.500, 0.500] (1 levels)", output, StringComparison.Ordinal);
        string[] levels = File.ReadAllLines(Path.Combine(outDir, "levels.csv"));
        Assert.Equal(6, levels.Length);
        Assert.Equal(["single", "single", "line", "single", "single"], levels.Skip(1).Select(l => l.Split(',')[1]).ToArray());
        Assert.StartsWith("level,kind,v1,v2,speed,stable,unstable,eig1_re,eig1_im,eig2_re,eig2_im", File.ReadAllLines(Path.Combine(outDir, "fixed-points.csv"))[0], StringComparison.Ordinal);
        PngAssert.IsValidPng(Path.Combine(outDir, "fixed-points.png"));
        PngAssert.IsValidPng(Path.Combine(outDir, "spectra.png"));
        Assert.True(File.Exists(Path.Combine(outDir, "populations.csv")));
        // The planted network was saved and analyses the same from its file.
        var (code2, output2, error2) = CliRunner.Run("analyze", Path.Combine(outDir, "network.json"), "--levels", "0.5", "--starts", "40", "--populations", "0", "--out", dir.File("again"));
        Assert.True(code2 == ExitCodes.Ok, error2);
        Assert.Contains("line attractor at c in [0.500, 0.500]", output2, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--levels", "0:2:0.5")]
    [InlineData("--levels", "a,b")]
    [InlineData("--starts", "0")]
    public void Analyze_LowRank_BadOptions_ExitTwo(string option, string value)
    {
        using var dir = new TempDirectory();
        var (code, _, _) = CliRunner.Run("analyze", "low-rank-line-attractor", option, value, "--out", dir.File("x"));
        Assert.Equal(ExitCodes.BadInput, code);
    }
}
