using ClosedLoop.TestSupport;

namespace ClosedLoop.Cli.Tests;

public class PlotFiCommandTests
{
    [Fact]
    public void Fi_ShortSweep_WritesValidPngAndCsvWithOneRowPerLeverValueAndCurrent()
    {
        using var dir = new TempDirectory();
        string png = dir.File("fi.png");

        var (code, output, error) = CliRunner.Run("plot", "fi", "--out", png,
            "--max-current", "1200", "--current-step", "400", "--duration-ms", "200", "--settle-ms", "20",
            "--dendritic-drive", "0,400", "--coupling", "1", "--som-strength", "1", "--pv-strength", "0,4",
            "--cells-per-level", "2", "--somatic-noise", "0", "--dendritic-noise", "0", "--width", "800", "--height", "600");

        Assert.True(code == ExitCodes.Ok, error);
        Assert.Equal((800, 600), PngAssert.IsValidPng(png));
        var csv = CsvFile.Read(dir.File("fi.csv"));
        Assert.Equal(["lever", "value", "current_pa", "rate_hz", "burst_fraction"], csv.Header);
        // (2 + 1 + 1 + 2) lever values x 4 currents (0, 400, 800, 1200 pA).
        Assert.Equal(24, csv.Rows.Length);
        Assert.Equal(["coupling", "dendritic_drive", "pv_strength", "som_strength"], csv.Rows.Select(r => r[0]).Distinct().Order());
        Assert.All(csv.Column(3), r => Assert.True(r >= 0 && double.IsFinite(r)));
        // Zero current leaves an isolated cell silent; 1200 pA is well above the soma's 640 pA rheobase.
        Assert.All(csv.Rows.Where(r => r[0] == "dendritic_drive" && r[2] == "0"), r => Assert.Equal("0", r[3]));
        Assert.All(csv.Rows.Where(r => r[2] == "1200"), r => Assert.True(double.Parse(r[3], System.Globalization.CultureInfo.InvariantCulture) > 5));
        Assert.Contains("rheobase", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--coupling", "0,1.5")]
    [InlineData("--dendritic-drive", "2500")]
    [InlineData("--pv-strength", "x")]
    [InlineData("--current-step", "0")]
    [InlineData("--cells-per-level", "0")]
    [InlineData("--somatic-noise", "-5")]
    public void Fi_BadOption_ExitsTwoNamingTheOption(string option, string value)
    {
        using var dir = new TempDirectory();

        var (code, _, error) = CliRunner.Run("plot", "fi", "--out", dir.File("fi.png"), option, value);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains(option, error, StringComparison.Ordinal);
        Assert.False(File.Exists(dir.File("fi.png")));
    }
}
