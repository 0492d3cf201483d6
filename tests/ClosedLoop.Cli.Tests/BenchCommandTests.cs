using System.Text.Json;
using ClosedLoop.Circuit;
using ClosedLoop.Cli.Bench;
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
    public void Bench_ExportNetwork_WritesEverySynapseOfTheBuiltCircuit()
    {
        using var dir = new TempDirectory();
        string path = dir.File("net.json");

        var (code, _, error) = CliRunner.Run("bench", "--cells", "120", "--seconds", "0.01", "--skip-search", "--export-network", path, "--seed", "5");

        Assert.True(code == ExitCodes.Ok, error);
        var circuit = MicrocircuitBuilder.BuildMicrocircuit(DefaultMicrocircuit.Create(120, 5));
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = doc.RootElement;
        Assert.Equal("closedloop-network/1", root.GetProperty("format").GetString());
        Assert.Equal(120, root.GetProperty("cells").GetInt32());
        Assert.Equal(circuit.SynapseCount, root.GetProperty("synapses").GetInt64());
        var projections = root.GetProperty("projections").EnumerateArray().ToArray();
        Assert.Equal(circuit.Spec.Projections.Count, projections.Length);
        long total = 0;
        for (int p = 0; p < projections.Length; p++)
        {
            var pre = projections[p].GetProperty("pre").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            var post = projections[p].GetProperty("post").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            var w = projections[p].GetProperty("weight_ns").EnumerateArray().Select(e => e.GetSingle()).ToArray();
            Assert.Equal(circuit.GetProjectionSynapseCount(p), pre.Length);
            Assert.Equal(pre.Length, post.Length);
            Assert.Equal(pre.Length, w.Length);
            for (int s = 0; s < pre.Length; s += 17)
            {
                Assert.Equal(circuit.GetSynapse(p, s), (pre[s], post[s]));
                Assert.Equal(circuit.GetWeight(p, s), w[s]);
            }
            total += pre.Length;
        }
        Assert.Equal(circuit.SynapseCount, total);
        var pyr = root.GetProperty("populations")[0].GetProperty("params");
        Assert.Equal("pyramidal", pyr.GetProperty("kernel").GetString());
        Assert.Equal(2600, pyr.GetProperty("p_d").GetDouble());
        Assert.Equal(4, root.GetProperty("drives").GetArrayLength());
    }

    [Theory]
    [InlineData(12345, 500)]
    [InlineData(500, 500)]
    [InlineData(999, 500)]
    [InlineData(1_000_000, 500)]
    public void FindLargest_MonotonePredicate_ReturnsLimitWithinPrecision(int limit, int start)
    {
        int calls = 0;
        int found = BenchRunner.FindLargest(n => { calls++; return n <= limit; }, start, max: 4_000_000, relativePrecision: 0.05);

        Assert.InRange(found, (int)(limit * 0.95), limit);
        Assert.True(calls < 30, $"{calls} probes");
    }

    [Fact]
    public void FindLargest_StartAlreadyFails_ReturnsZero()
        => Assert.Equal(0, BenchRunner.FindLargest(n => n < 100, 500, 4_000_000, 0.05));

    [Fact]
    public void FindLargest_NeverFailsUpToMax_ReturnsLastDoubledSizeBelowMax()
        => Assert.Equal(512_000, BenchRunner.FindLargest(_ => true, 500, 1_000_000, 0.05));
}
