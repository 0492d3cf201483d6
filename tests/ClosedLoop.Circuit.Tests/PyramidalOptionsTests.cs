using ClosedLoop.Circuit.Cells;
using ClosedLoop.Circuit.Engine;
using ClosedLoop.Circuit.Spec;

namespace ClosedLoop.Circuit.Tests;

/// <summary>Options of the L5 pyramidal cell: somatic adaptation conductance, somatic NMDA cap, NMDA target.</summary>
public class PyramidalOptionsTests
{
    private static Microcircuit Driven(PyramidalParameters p, double somaPa, double stopMs)
        => MicrocircuitBuilder.BuildMicrocircuit(new CircuitSpec
        {
            Populations = [new PopulationSpec("p", CellType.L5Pyramidal, 1)],
            Drives = [new DriveSpec("p", DriveKind.Step, Amplitude: somaPa, StartMs: 10, StopMs: stopMs)],
            Pyramidal = p,
        });

    [Fact]
    public void Adaptation_StepsByDeltaPerSpike_AndDecaysWithTau()
    {
        const float step = 0.065f, tau = 2000f, dt = 0.1f;
        var p = PyramidalParameters.Default with { AdaptationStepNs = step, AdaptationTauMs = tau };
        var c = Driven(p, 1500, 300);
        float decay = MathF.Exp(-dt / tau);
        float prev = 0f, atStop = 0f;
        int spikes = 0;
        for (int s = 0; s < 8000; s++)
        {
            c.Step();
            bool spiked = c.SpikedLastStep.Contains(0);
            if (spiked) spikes++;
            float g = c.GetState(StateVariable.GAdaptation, 0);
            // Hand-computed recursion: g <- g exp(-dt/tau), then + delta on a spike in this step.
            Assert.Equal(prev * decay + (spiked ? step : 0f), g, 1e-6f);
            prev = g;
            if (s == 3099) atStop = g; // end of step 3099 = 310 ms, after the drive stopped
        }
        Assert.True(spikes >= 5, $"only {spikes} spikes");
        Assert.True(atStop > step, $"g_a at 310 ms = {atStop}");
        // No spikes after the drive: the analytic exponential over the last 4900 steps (490 ms). The per-step factor
        // exp(-dt/tau) is a float (within half an ulp, 3e-8 relative), so 4900 products may drift by up to 1.5e-4.
        double expected = atStop * Math.Exp(-490.0 / tau);
        Assert.True(Math.Abs(prev - expected) <= 1.5e-4 * expected, $"g_a at 800 ms = {prev}, analytic {expected}");
        Assert.Equal(atStop * Math.Pow(decay, 4900), prev, 1e-6); // the same in the float factor's own arithmetic
    }

    [Fact]
    public void Adaptation_Slows_Firing_AndOffLeavesTheTraceBitIdentical()
    {
        static (int Spikes, float[] V) Run(PyramidalParameters p)
        {
            var c = Driven(p, 1500, 500);
            var v = new float[5000];
            int n = 0;
            for (int s = 0; s < v.Length; s++)
            {
                c.Step();
                if (c.SpikedLastStep.Contains(0)) n++;
                v[s] = c.GetState(StateVariable.V, 0);
            }
            return (n, v);
        }
        var published = Run(PyramidalParameters.Default);
        // Off (step 0) with other adaptation values changed: not evaluated, so bit-identical.
        var off = Run(PyramidalParameters.Default with { AdaptationTauMs = 50, AdaptationReversalMv = -10, SomaticNmdaCapNs = 0 });
        Assert.Equal(published.V, off.V);
        var adapted = Run(PyramidalParameters.Default with { AdaptationStepNs = 5 });
        Assert.True(adapted.Spikes < published.Spikes, $"adapted {adapted.Spikes} vs {published.Spikes}");
    }

    private static Microcircuit NmdaOnto(Compartment target, double capNs, double weight = 2.0)
        => MicrocircuitBuilder.BuildMicrocircuit(new CircuitSpec
        {
            Populations = [new PopulationSpec("pre", CellType.Pv, 1), new PopulationSpec("post", CellType.L5Pyramidal, 1)],
            Projections = [new ProjectionSpec("pre", "post", Receptor.Nmda, target, weight, double.PositiveInfinity, 1, 1.0)],
            Drives = [new DriveSpec("pre", DriveKind.Constant, Amplitude: 400)],
            Pyramidal = PyramidalParameters.Default with { SomaticNmdaCapNs = capNs },
        });

    /// <summary>
    /// One semi-implicit soma step by hand (E_exc = 0, no other input): v' = (v + dt/C [k (v - v_r)(v - v_t) - u]) /
    /// (1 + dt/C g_eff), g_eff = min(B(v) g_N, cap); then the engine's v after the step must match it.
    /// </summary>
    [Fact]
    public void NmdaCap_BoundsTheEffectiveSomaticNmdaConductance()
    {
        const float cap = 3f, dt = 0.1f;
        var s0 = PyramidalParameters.Default.Soma;
        float dtc = dt / (float)s0.C;
        var free = NmdaOnto(Compartment.Soma, 0, 100);
        var capped = NmdaOnto(Compartment.Soma, cap, 100);
        int cappedSteps = 0, checkedSteps = 0;
        float maxEffFree = 0f;
        for (int s = 0; s < 3000; s++)
        {
            float v = capped.GetState(StateVariable.V, 1), u = capped.GetState(StateVariable.U, 1);
            float g = capped.GetState(StateVariable.GNmdaSoma, 1);
            float x = MathF.Max(0f, (v + 80f) / 60f), block = x * x / (1 + x * x);
            float gEff = MathF.Min(block * g, cap);
            if (block * g > cap) cappedSteps++;
            float expected = (v + dtc * ((float)s0.K * (v - (float)s0.VR) * (v - (float)s0.VT) - u)) / (1 + dtc * gEff);
            float vf = free.GetState(StateVariable.V, 1), gf = free.GetState(StateVariable.GNmdaSoma, 1);
            float xf = MathF.Max(0f, (vf + 80f) / 60f);
            maxEffFree = MathF.Max(maxEffFree, xf * xf / (1 + xf * xf) * gf);
            free.Step(); capped.Step();
            if (capped.SpikedLastStep.Contains(1) || expected >= (float)s0.VPeak) continue;
            Assert.Equal(expected, capped.GetState(StateVariable.V, 1), 1e-3f);
            checkedSteps++;
        }
        Assert.True(cappedSteps > 100, $"the cap was active in only {cappedSteps} steps");
        Assert.True(maxEffFree > 2 * cap, $"uncapped effective peak {maxEffFree}");
        Assert.True(checkedSteps > 2500, $"{checkedSteps} steps checked");
    }

    [Fact]
    public void NmdaTarget_IsPerProjection_DendriteLeavesTheSomaUntouched()
    {
        var c = NmdaOnto(Compartment.Dendrite, 0);
        float vd0 = c.GetState(StateVariable.VDendrite, 1);
        for (int s = 0; s < 1000; s++)
        {
            c.Step();
            Assert.Equal(0f, c.GetState(StateVariable.GNmdaSoma, 1));
        }
        Assert.True(c.GetState(StateVariable.VDendrite, 1) > vd0 + 1, "dendritic NMDA depolarises the dendrite");
    }
}
