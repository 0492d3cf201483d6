using ClosedLoop.Circuit.Cells;
using ClosedLoop.Circuit.Spec;

namespace ClosedLoop.Circuit.Tests;

/// <summary>
/// Projections with their own decay time constant and reversal potential (<see cref="ProjectionSpec.TauMs"/>,
/// <see cref="ProjectionSpec.ReversalMv"/>): the mean field's GABA-A synapse (tau 8 ms, E -65 mV) next to the engine's
/// default GABA-A (tau 6 ms, E -75 mV) in one circuit.
/// </summary>
public class SynapseChannelTests
{
    /// <summary>A passive point cell (k = 0, a = 0): C v' = g (E - v), so under a slow large conductance v settles on E.</summary>
    private static readonly Izhikevich2007Parameters s_passive = new(C: 100, K: 0, VR: -60, VT: -40, VPeak: 1000, A: 0, B: 0, CReset: -1000, D: 0);

    private static CircuitSpec PrePost(double? tauMs, double? reversalMv, double weight = 2.0)
        => new()
        {
            Populations = [new PopulationSpec("pre", CellType.Pv, 1), new PopulationSpec("post", CellType.Izhikevich2007, 1) { Parameters = s_passive }],
            Projections = [new ProjectionSpec("pre", "post", Receptor.GabaA, Compartment.Soma, weight, double.PositiveInfinity, 1, 0.1, TauMs: tauMs, ReversalMv: reversalMv)],
            Drives = [TestCircuits.Kick("pre", 5.0)],
        };

    private static float[] Conductance(CircuitSpec spec, int steps)
    {
        var c = MicrocircuitBuilder.BuildMicrocircuit(spec);
        var g = new float[steps];
        for (int s = 0; s < steps; s++)
        {
            c.Step();
            g[s] = c.GetState(StateVariable.GSoma, 1);
        }
        return g;
    }

    [Theory]
    [InlineData(8.0)]
    [InlineData(20.0)]
    public void OwnTau_ConductanceDecaysWithIt(double tauMs)
    {
        float[] g = Conductance(PrePost(tauMs, -65), 400);
        int first = Array.FindIndex(g, v => v > 0);
        Assert.Equal(2.0f, g[first], 1e-6f);
        for (int k = 1; k < 300; k++)
        {
            Assert.Equal(2.0 * Math.Exp(-k * 0.1 / tauMs), g[first + k], 2e-5); // exact exponential per step, float32
        }
    }

    [Fact]
    public void NoOwnConstants_TheEngineDefaults_Tau6()
    {
        float[] g = Conductance(PrePost(null, null), 200);
        int first = Array.FindIndex(g, v => v > 0);
        Assert.Equal(2.0 * Math.Exp(-50 * 0.1 / 6.0), g[first + 50], 2e-5);
    }

    [Theory]
    [InlineData(-65.0)]
    [InlineData(-30.0)]
    public void OwnReversal_PullsThePotentialOntoIt(double reversalMv)
    {
        // 2000 nS decaying with 10 s: v relaxes onto E with C / g = 0.05 ms and stays there while g lasts.
        var c = MicrocircuitBuilder.BuildMicrocircuit(PrePost(10_000, reversalMv, weight: 2000));
        for (int s = 0; s < 200; s++) c.Step();
        Assert.Equal(reversalMv, c.GetState(StateVariable.V, 1), 0.01);
    }

    [Fact]
    public void DefaultGaba_PullsOntoTheEngineReversal()
    {
        var c = MicrocircuitBuilder.BuildMicrocircuit(PrePost(null, null, weight: 2000) with
        {
            Projections = [new ProjectionSpec("pre", "post", Receptor.GabaA, Compartment.Soma, 2000, double.PositiveInfinity, 1, 0.1)],
        });
        for (int s = 0; s < 70; s++) c.Step();
        Assert.Equal(Engine.Microcircuit.EInh, c.GetState(StateVariable.V, 1), 0.5);
    }

    [Fact]
    public void GabaGainLever_ScalesTheOwnChannel()
    {
        double Pulled(float gabaGain)
        {
            var spec = PrePost(10_000, -65, weight: 0.5);
            var levers = spec.Levers;
            levers.GabaGain = gabaGain;
            var c = MicrocircuitBuilder.BuildMicrocircuit(spec with { Levers = levers });
            for (int s = 0; s < 100; s++) c.Step();
            return -60 - c.GetState(StateVariable.V, 1);
        }
        double one = Pulled(1), two = Pulled(2);
        Assert.True(one > 0.01 && two > 1.5 * one, $"pull {one} mV at gain 1, {two} mV at gain 2");
    }

    [Theory]
    [InlineData(Receptor.Nmda, CellType.Izhikevich2007, "nmda")]
    [InlineData(Receptor.GabaA, CellType.L5Pyramidal, "soma of Izhikevich 2007 cells")]
    public void OwnConstants_WhereTheKernelCannotTakeThem_AreRejected(Receptor receptor, CellType post, string message)
    {
        var spec = new CircuitSpec
        {
            Populations = [new PopulationSpec("pre", CellType.Pv, 1), post == CellType.Izhikevich2007 ? new PopulationSpec("post", post, 1, "RS") : new PopulationSpec("post", post, 1)],
            Projections = [new ProjectionSpec("pre", "post", receptor, Compartment.Soma, 1, double.PositiveInfinity, 1, TauMs: 8)],
        };
        var ex = Assert.Throws<ArgumentException>(() => MicrocircuitBuilder.BuildMicrocircuit(spec));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }
}
