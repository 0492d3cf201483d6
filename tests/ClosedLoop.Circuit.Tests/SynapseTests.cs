using ClosedLoop.Circuit.Spec;

namespace ClosedLoop.Circuit.Tests;

public class SynapseTests
{
    private static CircuitSpec PrePost(Receptor receptor, double weight, double delayMs, CellType postType = CellType.Pv)
        => new()
        {
            Populations = [new PopulationSpec("pre", CellType.Pv, 1), new PopulationSpec("post", postType, 1)],
            Projections = [new ProjectionSpec("pre", "post", receptor, Compartment.Soma, weight, double.PositiveInfinity, 1, delayMs)],
            Drives = [TestCircuits.Kick("pre", 5.0)],
        };

    [Fact]
    public void Delivery_AfterDelay_ConductanceJumpsByWeightThenDecaysWithTau6()
    {
        var c = MicrocircuitBuilder.BuildMicrocircuit(PrePost(Receptor.Ampa, 2.0, 1.5));
        int spikeStep = -1;
        var g = new float[200];
        for (int s = 0; s < 200; s++)
        {
            c.Step();
            if (c.SpikedLastStep.Contains(0)) spikeStep = s;
            g[s] = c.GetState(StateVariable.GSoma, 1);
        }
        Assert.Equal(50, spikeStep); // kick in the step starting at 5.0 ms
        // Spike at step 50, delay 15 steps: the conductance is added at the end of step 64 and acts from step 65.
        Assert.Equal(0f, g[63]);
        Assert.Equal(2.0f, g[64], 1e-6f);
        for (int k = 1; k < 100; k++)
        {
            double expected = 2.0 * Math.Exp(-k * 0.1 / 6.0); // AMPA tau 6 ms, exact exponential per step
            Assert.Equal(expected, g[64 + k], 1e-5);
        }
    }

    [Fact]
    public void Prepare_OtherStep_RetimesDelaysInSteps()
    {
        // Built for dt 0.1, prepared for dt 0.05: the 1.5 ms delay becomes 30 steps (kick at 5 ms = step 100).
        var c = MicrocircuitBuilder.BuildMicrocircuit(PrePost(Receptor.Ampa, 2.0, 1.5) with { Drives = [TestCircuits.Kick("pre", 5.0, 0.05)] });
        c.Prepare(0.05);
        int spikeStep = -1, firstG = -1;
        for (int s = 0; s < 300 && firstG < 0; s++)
        {
            c.Step();
            if (c.SpikedLastStep.Contains(0)) spikeStep = s;
            if (c.GetState(StateVariable.GSoma, 1) > 0) firstG = s;
        }
        Assert.Equal(100, spikeStep);
        Assert.Equal(spikeStep + 29, firstG); // added at the end of step s + D - 1, acting from s + D
    }

    [Fact]
    public void Nmda_AtRest_IsBlockedComparedWithAmpa()
    {
        // Same conductance at rest (v = -55 mV for PV): NMDA current is scaled by B(-55) = 0.148 and so
        // depolarises far less than AMPA. Measure the peak depolarisation of the postsynaptic cell.
        double Peak(Receptor r)
        {
            var c = MicrocircuitBuilder.BuildMicrocircuit(PrePost(r, 3.0, 1.0));
            double peak = double.MinValue;
            for (int s = 0; s < 400; s++) { c.Step(); peak = Math.Max(peak, c.GetState(StateVariable.V, 1)); }
            return peak + 55;
        }
        double ampa = Peak(Receptor.Ampa), nmda = Peak(Receptor.Nmda);
        Assert.True(ampa > 1.0, $"AMPA EPSP {ampa} mV");
        Assert.True(nmda > 0 && nmda < 0.5 * ampa, $"NMDA {nmda} mV vs AMPA {ampa} mV");
    }

    [Fact]
    public void SemiImplicitUpdate_HugeInhibitoryConductance_StaysBetweenReversalAndRest()
    {
        // 5000 nS of GABA-A on a 20 pF cell: dt g / C = 25, explicit Euler would explode; semi-implicit
        // relaxes towards E_inh = -75 mV without overshoot.
        var c = MicrocircuitBuilder.BuildMicrocircuit(PrePost(Receptor.GabaA, 5000, 1.0));
        for (int s = 0; s < 500; s++)
        {
            c.Step();
            float v = c.GetState(StateVariable.V, 1);
            Assert.True(float.IsFinite(v) && v >= -75.001f && v <= -54.999f, $"v = {v} at step {s}");
        }
    }

    [Fact]
    public void DendriticProjection_ToPointCell_IsRejected()
    {
        var spec = PrePost(Receptor.Ampa, 1, 1) with
        {
            Projections = [new ProjectionSpec("pre", "post", Receptor.Ampa, Compartment.Dendrite, 1, 1, 1)],
        };
        var ex = Assert.Throws<ArgumentException>(() => MicrocircuitBuilder.Build(spec));
        Assert.Contains("dendrite", ex.Message);
    }

    [Fact]
    public void Build_UnknownPopulation_NamesIt()
    {
        var spec = PrePost(Receptor.Ampa, 1, 1) with
        {
            Drives = [new DriveSpec("nobody", DriveKind.Constant, Amplitude: 1)],
        };
        var ex = Assert.Throws<ArgumentException>(() => MicrocircuitBuilder.Build(spec));
        Assert.Contains("nobody", ex.Message);
    }
}
