using ClosedLoop.Circuit;
using ClosedLoop.Circuit.Spec;
using ClosedLoop.Core.Configuration;
using ClosedLoop.Rig.Scenarios;
using ClosedLoop.Rig.Tests.Config;
using Xunit;

namespace ClosedLoop.Rig.Tests.Scenarios;

/// <summary>
/// scenarios/mean-field-rs-fs-network.toml builds the RS-FS network of the mean-field preset rs-fs: the FS cells in the
/// mean field's linear-u form, AMPA and GABA-A with the mean field's own time constants and reversal potentials.
/// (Its rhythm against the mean field's limit cycle: tests/ClosedLoop.Circuit.Tests/HeterogeneousRsFsNetworkTests.cs.)
/// </summary>
public class MeanFieldRsFsNetworkScenarioTests
{
    [Fact]
    public void Scenario_BuildsTheMeanFieldRsFsNetwork()
    {
        var scenario = ScenarioParser.ParseFile(DocumentedConfigTests.RepoFile("scenarios/mean-field-rs-fs-network.toml"));
        var c = scenario.Circuit;
        Assert.Equal(2, c.Populations.Count);
        var fs = Assert.NotNull(c.Populations[1].Parameters);
        Assert.False(fs.CubicU);
        Assert.Equal((20.0, 1.0, -55.0, -40.0, 0.2, 0.025, 0.0), (fs.C, fs.K, fs.VR, fs.VT, fs.A, fs.B, fs.D));
        Assert.Equal((1000.0, -1000.0), (fs.VPeak, fs.CReset));
        Assert.Equal(0.1, c.Populations[1].ThresholdHalfWidthMv);
        Assert.Equal(20.0, Assert.NotNull(c.Populations[0].Parameters).D);
        foreach (var p in c.Projections)
        {
            bool gaba = p.Receptor == Receptor.GabaA;
            Assert.Equal(gaba ? 8.0 : 6.0, p.TauMs);
            Assert.Equal(gaba ? -65.0 : 0.0, p.ReversalMv);
            double w = (p.From, p.To) switch { ("rs", "rs") => 16, ("fs", "rs") => 16, _ => 4 };
            Assert.Equal(w, p.Weight * p.FanIn, 6); // g W / N, all to all
        }
        Assert.Equal(40.0, c.Drives.Single(d => d.Population == "fs").Amplitude);
        var built = MicrocircuitBuilder.BuildMicrocircuit(c);
        Assert.Equal(999 * 1000 * 2 + 1000 * 1000 * 2, built.SynapseCount);
    }

    [Theory]
    [InlineData("receptor = \"nmda\"\ntau_ms = 8\n", "tau_ms")]
    [InlineData("receptor = \"gaba_a\"\ntau_ms = 0\n", "tau_ms")]
    [InlineData("receptor = \"gaba_a\"\nreversal_mv = -500\n", "reversal_mv")]
    public void BadSynapseConstants_NameTheField(string receptor, string field)
    {
        string toml = "duration_ms = 10\n[[population]]\nname = \"a\"\ntype = \"izhikevich2007\"\npreset = \"RS\"\ncount = 5\n"
            + "[[projection]]\nfrom = \"a\"\nto = \"a\"\nweight = 1\nfan_in = 4\n" + receptor;
        var ex = Assert.Throws<ConfigException>(() => ScenarioParser.Parse(toml));
        Assert.EndsWith(field, ex.Field, StringComparison.Ordinal);
    }

    [Fact]
    public void UForm_Linear_ReplacesTheCubicFsNullcline()
    {
        string toml = "duration_ms = 10\n[[population]]\nname = \"a\"\ntype = \"izhikevich2007\"\npreset = \"FS\"\ncount = 5\nparams = { u_form = \"linear\" }\n";
        var p = Assert.NotNull(ScenarioParser.Parse(toml).Circuit.Populations[0].Parameters);
        Assert.False(p.CubicU);
        Assert.Equal(0.025, p.B);
        var ex = Assert.Throws<ConfigException>(() => ScenarioParser.Parse(toml.Replace("linear", "quartic", StringComparison.Ordinal)));
        Assert.EndsWith("u_form", ex.Field, StringComparison.Ordinal);
    }
}
