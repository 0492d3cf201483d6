using ClosedLoop.Circuit;
using ClosedLoop.Rig.Scenarios;
using ClosedLoop.Rig.Tests.Config;
using Xunit;

namespace ClosedLoop.Rig.Tests.Scenarios;

public class PublishedRingScenarioTests
{
    [Fact]
    public void PublishedRing_BuildsAllToAllProjectionsWithKernelWeights()
    {
        var spec = ScenarioParser.ParseFile(DocumentedConfigTests.RepoFile("scenarios/published-l5-ring.toml")).Circuit;
        Assert.All(spec.Projections, p => Assert.True(p.WeightFromKernel));
        var c = MicrocircuitBuilder.BuildMicrocircuit(spec);

        Assert.Equal(90 * 89, c.GetProjectionSynapseCount(0));
        Assert.Equal(90 * 90, c.GetProjectionSynapseCount(1));
        Assert.Equal(90 * 90, c.GetProjectionSynapseCount(2));
        // e -> e: w / (sd sqrt(2 pi)) = 3.5 / (0.5 * 2.5066) = 2.793 nS at distance 0; the nearest neighbour 2.766 nS.
        float maxEe = Enumerable.Range(0, 90 * 89).Max(e => c.GetWeight(0, e));
        Assert.Equal(2.766, maxEe, 0.001);
        // i -> e is broad (sd 2): the opposite cell still gets exp(-1/2) of the peak 5 / (2 sqrt(2 pi)) = 0.997 nS.
        float minIe = Enumerable.Range(0, 90 * 90).Min(e => c.GetWeight(2, e));
        Assert.Equal(0.997 * Math.Exp(-0.5), minIe, 0.002);
        c.Run(2000);
        Assert.True(c.Activity.PyramidalRateHz >= 0 && float.IsFinite(c.Activity.PyramidalRateHz));
    }

    [Fact]
    public void WeightFromKernel_WithoutSd_NamesTheField()
    {
        const string toml = "duration_ms = 10\n[[population]]\nname = \"a\"\ntype = \"pv\"\ncount = 5\n"
            + "[[projection]]\nfrom = \"a\"\nto = \"a\"\nreceptor = \"gaba_a\"\nweight = 1\nfan_in = 4\nweight_from_kernel = true\n";
        var ex = Assert.Throws<ClosedLoop.Core.Configuration.ConfigException>(() => ScenarioParser.Parse(toml));
        Assert.EndsWith("weight_from_kernel", ex.Field, StringComparison.Ordinal);
    }
}
