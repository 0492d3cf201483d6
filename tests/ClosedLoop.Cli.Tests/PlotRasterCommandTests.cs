using ClosedLoop.TestSupport;

namespace ClosedLoop.Cli.Tests;

public class PlotRasterCommandTests
{
    [Fact]
    public void Raster_FromSpikeFile_WritesPngOfRequestedSize()
    {
        using var dir = new TempDirectory();
        string spikes = dir.File("spikes.csv");
        var lines = new List<string> { "t_ms,neuron" };
        for (int k = 0; k < 500; k++)
        {
            lines.Add(System.FormattableString.Invariant($"{k * 2.0:F4},{(k * 37) % 100}"));
        }
        File.WriteAllLines(spikes, lines);
        string png = dir.File("raster.png");

        var (code, output, error) = CliRunner.Run("plot", "raster", spikes, "--out", png, "--width", "640", "--height", "400", "--to", "500");

        Assert.True(code == ExitCodes.Ok, error);
        Assert.Contains("raster of 251 spikes", output, StringComparison.Ordinal);
        Assert.Equal((640, 400), PngAssert.IsValidPng(png));
    }

    [Fact]
    public void Raster_MalformedLine_ExitsTwoNamingTheLine()
    {
        using var dir = new TempDirectory();
        string spikes = dir.File("spikes.csv");
        File.WriteAllText(spikes, "t_ms,neuron\n1.0,3\n2.0;4\n");

        var (code, _, error) = CliRunner.Run("plot", "raster", spikes, "--out", dir.File("r.png"));

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("line 3 is \"2.0;4\"", error, StringComparison.Ordinal);
    }
}
