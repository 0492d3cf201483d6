using System.Globalization;
using System.Text;
using ClosedLoop.Fitting.Training;
using ClosedLoop.Population.LowRank;
using ClosedLoop.Rig.Config;
using ClosedLoop.TestSupport;
using Xunit;

namespace ClosedLoop.Cli.Tests;

public class FitCommandTests
{
    /// <summary>A CSV of ground-truth data (columns time, trial, ne, u, one per unit).</summary>
    private static void WriteCsv(string path)
    {
        var truth = PlantedNetworks.Random(8, 1, NeMechanism.Additive, seed: 2);
        var data = GroundTruth.Generate(truth, trials: 10, steps: 25, dtMs: 20, seed: 5);
        var sb = new StringBuilder("time,trial,ne,u," + string.Join(',', Enumerable.Range(0, 8).Select(i => $"unit{i}")) + "\n");
        int row = 0;
        for (int k = 0; k < data.Trials.Count; k++)
        {
            var t = data.Trials[k];
            for (int s = 0; s < t.Steps; s++)
            {
                sb.Append(string.Create(CultureInfo.InvariantCulture, $"{row++ * 0.02},{k},{t.Level[s]:R},{t.Input[s]:R}"));
                for (int i = 0; i < 8; i++) sb.Append(',').Append(t.Y[s * 8 + i].ToString("R", CultureInfo.InvariantCulture));
                sb.Append('\n');
            }
        }
        File.WriteAllText(path, sb.ToString());
    }

    [Fact]
    public void Fit_Csv_WritesANetworkThatTheRunConfigLoads()
    {
        using var dir = new TempDirectory();
        string csv = dir.File("data.csv");
        WriteCsv(csv);
        string net = dir.File("net.json");
        var (code, output, err) = CliRunner.Run("fit", csv, "--mechanism", "additive", "--rank", "1", "--epochs", "15", "--batch", "2", "--out", net);
        Assert.True(code == 0, output + err);
        Assert.Contains("10 trials, 8 units", output, StringComparison.Ordinal);
        Assert.Contains("held-out loss", output, StringComparison.Ordinal);
        Assert.Contains("15/15", err, StringComparison.Ordinal); // the progress bar reached the end
        var model = RigModels.CreateModel(RigConfigParser.Parse($"[model]\nkind = \"low-rank-rnn\"\npath = \"{net}\"\n"));
        Assert.Equal("low-rank-rnn", model.Name);
        Assert.Equal(NeMechanism.Additive, LowRankFile.Load(net).Weights.Mechanism);
    }

    [Fact]
    public void Fit_All_WritesOneNetworkPerMechanismAndTheComparison()
    {
        using var dir = new TempDirectory();
        string csv = dir.File("data.csv");
        WriteCsv(csv);
        var (code, output, err) = CliRunner.Run("fit", csv, "--rank", "1", "--epochs", "3", "--out", dir.File("net.json"));
        Assert.True(code == 0, output + err);
        foreach (string m in new[] { "additive", "presynaptic", "postsynaptic", "connectivity" })
        {
            Assert.True(File.Exists(dir.File($"net-{m}.json")), m);
        }
        string[] rows = File.ReadAllLines(dir.File("net-comparison.csv"));
        Assert.Equal(5, rows.Length);
        Assert.Contains("best:", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_GroundTruth_PrintsTheRecoveryMeasures()
    {
        using var dir = new TempDirectory();
        var (code, output, err) = CliRunner.Run("fit", "--ground-truth", "random", "--units", "8", "--rank", "1", "--mechanism", "additive",
            "--trials", "10", "--trial-steps", "20", "--epochs", "5", "--latent-x0", "--init", "pca", "--restarts", "2", "--out", dir.File("net.json"));
        Assert.True(code == 0, output + err);
        Assert.Contains("restart 2 (seed 2)", output, StringComparison.Ordinal);
        Assert.Contains("recovery: m angles", output, StringComparison.Ordinal);
        Assert.Contains("J error", output, StringComparison.Ordinal);
        Assert.All(LowRankFile.Load(dir.File("net.json")).Weights.ReadScale, s => Assert.True(s >= 0));
    }

    [Theory]
    [InlineData("--init", "zeros", "expected random or pca")]
    [InlineData("--restarts", "0", "expected >= 1")]
    [InlineData("--lr-decay", "1.5", "learning-rate decay")]
    [InlineData("--loss", "gauss", "expected mse or poisson")]
    [InlineData("--mechanism", "dopamine", "expected additive")]
    [InlineData("--ne-range", "5,1", "HIGH > LOW")]
    public void Fit_BadOption_IsBadInput(string option, string value, string message)
    {
        using var dir = new TempDirectory();
        string csv = dir.File("data.csv");
        WriteCsv(csv);
        var (code, _, err) = CliRunner.Run("fit", csv, option, value, "--epochs", "1");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains(message, err, StringComparison.Ordinal);
    }
}
