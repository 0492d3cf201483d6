using System.Text.Json;
using ClosedLoop.Circuit;
using ClosedLoop.TestSupport;

namespace ClosedLoop.Cli.Tests;

public class BenchCommandTests
{
    [Fact]
    public void Bench_TwoSmallSizes_PrintsOneConsistentCsvRowPerSize()
    {
        var (code, output, error) = CliRunner.Run("bench", "--cells", "50,100", "--seconds", "0.05", "--skip-search", "--format", "csv");

        Assert.True(code == ExitCodes.Ok, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.StartsWith("cells,synapses,dt_ms,sim_s,wall_s,wall_per_sim_s,cpu_per_sim_s", lines[0], StringComparison.Ordinal);
        Assert.Equal(3, lines.Length);
        int[] expectedCells = [50, 100];
        for (int i = 0; i < 2; i++)
        {
            var f = lines[i + 1].Split(',').Select(x => double.Parse(x, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(expectedCells[i], f[0]);
            Assert.Equal(MicrocircuitBuilder.Build(DefaultMicrocircuit.Create(expectedCells[i], 1)).SynapseCount, (long)f[1]);
            Assert.Equal(0.1, f[2]);
            Assert.Equal(0.05, f[3], 9);
            Assert.True(f[4] > 0 && f[5] > 0, "wall times must be positive");
            // neuron updates/s = cells x steps / wall; real-time factor = sim / wall.
            Assert.Equal(f[0] * 500 / f[4], f[7], f[7] * 1e-3);
            Assert.Equal(f[3] / f[4], f[9], 0.001 + (f[9] * 1e-5)); // printed with 3 decimals
        }
    }

    [Fact]
    public void Bench_ExportNetwork_WritesTheNetworkFile()
    {
        using var dir = new TempDirectory();
        string path = dir.File("net.json");

        var (code, output, error) = CliRunner.Run("bench", "--cells", "120", "--seconds", "0.01", "--skip-search", "--export-network", path, "--seed", "5");

        Assert.True(code == ExitCodes.Ok, error);
        Assert.Contains($"network of 120 cells written to {path}", output, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        Assert.Equal("closedloop-network/1", doc.RootElement.GetProperty("format").GetString());
        Assert.Equal(5, doc.RootElement.GetProperty("seed").GetInt32());
    }
}
