using System.Globalization;
using ClosedLoop.TestSupport;

namespace ClosedLoop.Cli.Tests;

public class PlotGainArousalCommandTests
{
    [Fact]
    public void GainArousal_SmallSweep_WritesPngAndCsvWithOneRowPerArousalAndSeed()
    {
        using var dir = new TempDirectory();
        string png = dir.File("ga.png");

        var (code, output, error) = CliRunner.Run("plot", "gain-arousal", "--out", png, "--cells", "100", "--seeds", "1,2",
            "--arousal", "0,0.5,1", "--duration-ms", "300", "--settle-ms", "100", "--width", "800", "--height", "400");

        Assert.True(code == ExitCodes.Ok, error);
        Assert.Equal((800, 400), PngAssert.IsValidPng(png));
        var csv = CsvFile.Read(dir.File("ga.csv"));
        Assert.Equal("arousal", csv.Header[0]);
        Assert.Contains("gain_hz_per_na", csv.Header);
        Assert.Contains("burst_fraction", csv.Header);
        Assert.Equal(6, csv.Rows.Length);
        Assert.Equal(["0", "0.5", "1"], csv.Rows.Select(r => r[0]).Distinct());
        // The levers in the CSV are the default map's: coupling at arousal 0.5 is 0.2 + 1.2 o2 - 1.4 o1 = 0.644.
        int coupling = Array.IndexOf(csv.Header, "coupling");
        Assert.Equal(0.644, double.Parse(csv.Rows.First(r => r[0] == "0.5")[coupling], CultureInfo.InvariantCulture), 0.001);
        Assert.Contains("gain-arousal figure written", output, StringComparison.Ordinal);
    }

    [Fact]
    public void GainArousal_ConfigLevers_AreTheOnesMeasured()
    {
        using var dir = new TempDirectory();
        string config = dir.File("rig.toml");
        File.WriteAllText(config, "[levers]\ncoupling = { base = 0.5, alpha2 = 0, alpha1 = 0 }\n");
        string png = dir.File("ga.png");

        var (code, _, error) = CliRunner.Run("plot", "gain-arousal", "--config", config, "--out", png, "--cells", "50", "--seeds", "3",
            "--arousal", "0.25", "--duration-ms", "100", "--settle-ms", "0");

        Assert.True(code == ExitCodes.Ok, error);
        var csv = CsvFile.Read(dir.File("ga.csv"));
        Assert.Equal("0.50000", csv.Rows.Single()[Array.IndexOf(csv.Header, "coupling")]);
    }

    [Theory]
    [InlineData("--arousal", "0,1.5")]
    [InlineData("--seeds", "1.5")]
    [InlineData("--cells", "5")]
    [InlineData("--duration-ms", "0")]
    public void GainArousal_BadOption_ExitsTwoNamingTheOption(string option, string value)
    {
        using var dir = new TempDirectory();

        var (code, _, error) = CliRunner.Run("plot", "gain-arousal", "--out", dir.File("ga.png"), option, value);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains(option, error, StringComparison.Ordinal);
        Assert.False(File.Exists(dir.File("ga.png")));
    }

    [Fact]
    public void GainArousal_BadConfigValue_ExitsTwoNamingTheField()
    {
        using var dir = new TempDirectory();
        string config = dir.File("rig.toml");
        File.WriteAllText(config, "[levers]\ncoupling = { base = 0.9, alpha2 = 0.9, alpha1 = 0 }\n");

        var (code, _, error) = CliRunner.Run("plot", "gain-arousal", "--config", config, "--out", dir.File("ga.png"));

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("levers.coupling", error, StringComparison.Ordinal);
    }
}
