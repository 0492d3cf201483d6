using System.Text.Json;
using ClosedLoop.Circuit.Bench;
using ClosedLoop.TestSupport;

namespace ClosedLoop.Circuit.Tests.Bench;

public class NetworkExporterTests
{
    [Fact]
    public void Export_WritesEverySynapseOfTheBuiltCircuit()
    {
        using var dir = new TempDirectory();
        string path = dir.File("net.json");

        NetworkExporter.Export(120, 5, 0.1, path);

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
}
