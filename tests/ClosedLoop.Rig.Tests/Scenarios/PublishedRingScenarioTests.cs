using ClosedLoop.Circuit;
using ClosedLoop.Circuit.Spec;
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
        Assert.Equal(0.065, spec.Pyramidal.AdaptationStepNs);
        Assert.Equal(2000, spec.Pyramidal.AdaptationTauMs);
        Assert.Equal(-80, spec.Pyramidal.AdaptationReversalMv);
        Assert.Equal(85, spec.Pyramidal.SomaticNmdaCapNs);
        Assert.Equal(Receptor.Nmda, spec.Projections[3].Receptor);
        Assert.Equal(Compartment.Soma, spec.Projections[3].Target);
        var c = MicrocircuitBuilder.BuildMicrocircuit(spec);

        Assert.Equal(90 * 89, c.GetProjectionSynapseCount(0));
        Assert.Equal(90 * 90, c.GetProjectionSynapseCount(1));
        Assert.Equal(90 * 90, c.GetProjectionSynapseCount(2));
        Assert.Equal(90 * 89, c.GetProjectionSynapseCount(3));
        Assert.Equal(90 * 90, c.GetProjectionSynapseCount(4));
        // e -> e: w / (sd sqrt(2 pi)) = 3.5 / (0.5 * 2.5066) = 2.793 nS at distance 0; the nearest neighbour 2.766 nS,
        // times 1.75 for AMPA (4.840 nS) and 0.35 for NMDA (0.968 nS).
        float maxEe = Enumerable.Range(0, 90 * 89).Max(e => c.GetWeight(0, e));
        Assert.Equal(2.766 * 1.75, maxEe, 0.002);
        float maxEeNmda = Enumerable.Range(0, 90 * 89).Max(e => c.GetWeight(3, e));
        Assert.Equal(2.766 * 0.35, maxEeNmda, 0.001);
        // i -> e is broad (sd 2): the opposite cell still gets exp(-1/2) of the peak 5 / (2 sqrt(2 pi)) = 0.997 nS.
        float minIe = Enumerable.Range(0, 90 * 90).Min(e => c.GetWeight(2, e));
        Assert.Equal(0.997 * Math.Exp(-0.5), minIe, 0.002);
        int spikes = 0;
        for (int s = 0; s < 5000; s++) { c.Step(); spikes += c.SpikedLastStep.Length; }
        Assert.True(spikes > 0 && float.IsFinite(c.Activity.PyramidalRateHz), $"{spikes} spikes in 500 ms");
        // The adaptation conductance of a cell that fired is positive and below (its spikes x 0.065 nS).
        float gA = Enumerable.Range(0, 90).Max(i => c.GetState(StateVariable.GAdaptation, i));
        Assert.True(gA > 0 && gA < 0.065f * 5000, $"max g_a {gA}");
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
