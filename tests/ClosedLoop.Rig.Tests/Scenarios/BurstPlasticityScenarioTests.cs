using ClosedLoop.Circuit;
using ClosedLoop.Circuit.Engine;
using ClosedLoop.Circuit.Spec;
using ClosedLoop.Core.Levers;
using ClosedLoop.Rig.Scenarios;
using ClosedLoop.Rig.Tests.Config;
using Xunit;

namespace ClosedLoop.Rig.Tests.Scenarios;

/// <summary>
/// scenarios/bac-burst-stdp.toml: bursts from a BAP coinciding with sub-plateau dendritic input (BAC firing) speed up
/// pair STDP, through the dendro-somatic path under the coupling lever. Controls are the same scenario with one
/// thing removed: the dendritic input, the dendro-somatic path, the coupling, or the coincidence (input moved away).
/// </summary>
public class BurstPlasticityScenarioTests
{
    private static readonly CircuitSpec s_spec = ScenarioParser.ParseFile(DocumentedConfigTests.RepoFile("scenarios/bac-burst-stdp.toml")).Circuit;

    private static (double Dw, int Spikes, int Bursts, float MaxVd) Run(CircuitSpec spec, double durationMs = 2100)
    {
        var c = MicrocircuitBuilder.BuildMicrocircuit(spec);
        var times = new List<long>();
        float maxVd = float.MinValue;
        for (int s = 0; s < (int)Math.Round(durationMs / spec.DtMs); s++)
        {
            c.Step();
            foreach (int n in c.SpikedLastStep)
            {
                if (n == 1) times.Add(s);
            }
            maxVd = Math.Max(maxVd, c.GetState(StateVariable.VDendrite, 1));
        }
        int bursts = times.Zip(times.Skip(1), (a, b) => (b - a) * spec.DtMs).Count(isi => isi < Microcircuit.BurstIsiMs);
        return (c.GetWeight(0, 0) - spec.Projections[0].Weight, times.Count, bursts, maxVd);
    }

    private static CircuitSpec WithoutDendriticInput(CircuitSpec spec) => spec with { Drives = spec.Drives.Where(d => d.Target != Compartment.Dendrite).ToArray() };

    [Fact]
    public void CoincidentDendriticInput_BurstsEveryPairing_AndPotentiatesAboutTwiceAsFast()
    {
        var burst = Run(s_spec);
        var single = Run(WithoutDendriticInput(s_spec));

        // Measured: +0.252 nS, 51 spikes, 36 burst ISIs vs +0.112 nS, 10 spikes, none.
        Assert.Equal(10, single.Spikes);
        Assert.Equal(0, single.Bursts);
        Assert.True(burst.Bursts >= 20, $"burst ISIs {burst.Bursts}");
        Assert.True(single.Dw > 0);
        Assert.True(burst.Dw > 1.8 * single.Dw, $"dw {burst.Dw:F4} with bursts vs {single.Dw:F4}");
    }

    [Fact]
    public void DendriticInputAlone_IsBelowPlateauAndFiresNothing()
    {
        // The regime: the dendritic input alone stays far below the calcium threshold; only the BAP coincidence bursts.
        var spec = s_spec with { Drives = s_spec.Drives.Where(d => d.Population == "pre" || d.Target == Compartment.Dendrite).ToArray() };
        var alone = Run(spec);
        Assert.Equal(0, alone.Spikes);
        Assert.True(alone.MaxVd < -50f, $"v_d peak {alone.MaxVd}");
        Assert.True(Run(s_spec).MaxVd > -30f);
    }

    [Fact]
    public void WithoutThePathOrCoupling_TheSameInputGivesSingleSpikeLearning()
    {
        var single = Run(WithoutDendriticInput(s_spec));

        // The published cell (no dendro-somatic path): the calcium spike happens but reaches the soma only through
        // the reset, so no burst: single-spike learning (measured +0.1126 vs +0.1124 nS without the input, within 1 %).
        var published = Run(s_spec with { Pyramidal = s_spec.Pyramidal with { DendroSomaticNs = 0 } });
        Assert.Equal(10, published.Spikes);
        Assert.Equal(0, published.Bursts);
        Assert.True(published.MaxVd > -30f, $"v_d peak {published.MaxVd}");
        Assert.InRange(published.Dw, 0.99 * single.Dw, 1.01 * single.Dw);

        // Coupling 0 closes both directions (no BAP, no path): single-spike learning.
        var uncoupled = Run(s_spec with { Levers = LeverSet.Neutral with { Coupling = 0 } });
        Assert.Equal(10, uncoupled.Spikes);
        Assert.Equal(0, uncoupled.Bursts);
        Assert.InRange(uncoupled.Dw, 0.99 * single.Dw, 1.01 * single.Dw);
    }

    [Fact]
    public void DendriticInputOutOfStepWithTheBap_NoBursts()
    {
        // Coincidence is the condition: the same dendritic input 60 ms after each pairing (BAP long over) bursts nothing.
        var shifted = s_spec with
        {
            Drives = s_spec.Drives.Select(d => d.Target == Compartment.Dendrite ? d with { StartMs = d.StartMs + 60, StopMs = d.StopMs + 60 } : d).ToArray(),
        };
        var r = Run(shifted);
        Assert.Equal(10, r.Spikes);
        Assert.Equal(0, r.Bursts);
    }
}
