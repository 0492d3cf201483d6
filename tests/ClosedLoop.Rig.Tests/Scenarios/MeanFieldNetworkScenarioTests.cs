using ClosedLoop.Circuit;
using ClosedLoop.Circuit.Spec;
using ClosedLoop.Core.Configuration;
using ClosedLoop.Rig.Scenarios;
using ClosedLoop.Rig.Tests.Config;
using Xunit;

namespace ClosedLoop.Rig.Tests.Scenarios;

/// <summary>scenarios/mean-field-rs-network.toml builds the network the heterogeneous mean field describes and reaches its rate.</summary>
public class MeanFieldNetworkScenarioTests
{
    [Fact]
    public void Scenario_BuildsTheMeanFieldNetwork_AndFiresAtTheMeanFieldRate()
    {
        var scenario = ScenarioParser.ParseFile(DocumentedConfigTests.RepoFile("scenarios/mean-field-rs-network.toml"));
        var pop = Assert.Single(scenario.Circuit.Populations);
        Assert.Equal(1.0, pop.ThresholdHalfWidthMv);
        var p = Assert.NotNull(pop.Parameters);
        Assert.Equal((1000.0, -1000.0, 10.0, 0.7, -40.0), (p.VPeak, p.CReset, p.D, p.K, p.VT));
        var c = MicrocircuitBuilder.BuildMicrocircuit(scenario.Circuit);
        Assert.Equal(1000 * 999, c.GetProjectionSynapseCount(0));
        long spikes = 0;
        int steps = (int)Math.Round(scenario.DurationMs / scenario.Circuit.DtMs);
        int from = (int)Math.Round(300 / scenario.Circuit.DtMs);
        for (int s = 0; s < steps; s++)
        {
            c.Step();
            if (s >= from) spikes += c.SpikedLastStep.Length;
        }
        double rate = spikes / (1000 * (steps - from) * scenario.Circuit.DtMs * 1e-3);
        Assert.True(Math.Abs(rate - 27.4733) / 27.4733 < 0.01, $"{rate:F3} Hz; mean field 27.4733 Hz");
    }

    [Theory]
    [InlineData("type = \"pv\"\ncount = 5\nv_t_half_width = 1\n", "v_t_half_width")]
    [InlineData("type = \"izhikevich2007\"\npreset = \"RS\"\ncount = 5\nv_t_half_width = -1\n", "v_t_half_width")]
    [InlineData("type = \"izhikevich2007\"\npreset = \"RS\"\ncount = 5\nparams = { v_peak = -100 }\n", "v_peak")]
    [InlineData("type = \"izhikevich2007\"\npreset = \"RS\"\ncount = 5\nparams = { vpeak = 10 }\n", "vpeak")]
    public void BadHeterogeneityKeys_NameTheField(string population, string field)
    {
        string toml = "duration_ms = 10\n[[population]]\nname = \"a\"\n" + population;
        var ex = Assert.Throws<ConfigException>(() => ScenarioParser.Parse(toml));
        Assert.EndsWith(field, ex.Field, StringComparison.Ordinal);
    }
}
