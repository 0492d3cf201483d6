using ClosedLoop.Core.Levers;
using ClosedLoop.Population.MeanField;
using ClosedLoop.Population.Ode;
using Xunit;

namespace ClosedLoop.Population.Tests.MeanField;

/// <summary>
/// <see cref="MeanFieldSystem"/> evaluates the equations through constants derived once per lever change (no division
/// in the step). These tests hold it to the plain equations (<see cref="PlainMeanFieldEquations"/>): the derivatives
/// agree to rounding, and RK4 trajectories of every preset agree over 2 s of loop steps. Only the order of the floating
/// point operations differs, so the tolerances are rounding-sized: 1e-12 relative for one evaluation, and 1e-9 of each
/// variable's scale (1 + |x|) over 40 000 steps (measured: see the test comments).
/// </summary>
public class MeanFieldDerivedConstantsTests
{
    public static TheoryData<string> Presets() => new(MeanFieldPresets.Names);

    private static MeanFieldParameters Preset(string name) => MeanFieldPresets.TryGet(name, out var p) ? p : throw new ArgumentException(name);

    /// <summary>The parameters that <paramref name="levers"/> and <paramref name="input"/> stand for, written out by hand.</summary>
    private static MeanFieldParameters WithLevers(MeanFieldParameters p, LeverSet levers, double input) => p with
    {
        Populations = p.Populations.Select(q => q.Role == PopulationRole.Excitatory
            ? q with
            {
                CurrentPa = q.CurrentPa + levers.SomaticDrive + input,
                ThresholdMv = q.ThresholdMv + levers.ThresholdShift,
                RestMv = q.RestMv + levers.RestingShift,
                SynapseTauMs = q.SynapseTauMs * levers.SynapticTimeScale,
            }
            : q with { SynapseTauMs = q.SynapseTauMs * levers.SynapticTimeScale }).ToList(),
        Weights = Enumerable.Range(0, p.Count * p.Count).Select(k =>
        {
            var source = p.Populations[k % p.Count];
            var target = p.Populations[k / p.Count];
            double scale = source.Role switch
            {
                PopulationRole.Excitatory => levers.AmpaGain,
                PopulationRole.Pv => levers.GabaGain * levers.PvStrength,
                _ => levers.GabaGain * levers.SomStrength,
            };
            // coupling scales recurrent excitation (excitatory source and target) only.
            if (source.Role == PopulationRole.Excitatory && target.Role == PopulationRole.Excitatory)
            {
                scale *= levers.Coupling;
            }
            return p.Weights[k] * scale;
        }).ToList(),
    };

    private static LeverSet Moved()
    {
        var l = LeverSet.Neutral;
        l.SomaticDrive = 5;
        l.ThresholdShift = -1.5f;
        l.RestingShift = 1;
        l.Coupling = 0.6f;
        l.AmpaGain = 1.2f;
        l.GabaGain = 0.9f;
        l.PvStrength = 1.1f;
        l.SomStrength = 1.3f;
        l.SynapticTimeScale = 1.25f;
        return l;
    }

    [Theory]
    [MemberData(nameof(Presets))]
    public void Derivatives_EqualThePlainEquations_ToRounding(string preset)
    {
        var levers = Moved();
        var fast = new MeanFieldSystem(Preset(preset));
        fast.ApplyLevers(levers, 7);
        var plain = new PlainMeanFieldEquations(WithLevers(Preset(preset), levers, 7));
        var rng = new Random(5);
        var y = new double[fast.Dimension];
        var a = new double[y.Length];
        var b = new double[y.Length];
        int n = fast.PopulationCount;
        for (int trial = 0; trial < 200; trial++)
        {
            for (int i = 0; i < n; i++)
            {
                y[i] = 0.2 * rng.NextDouble();                // r, 1/ms
                y[n + i] = -80 + 70 * rng.NextDouble();       // v, mV (both sides of v_r)
                y[2 * n + i] = -100 + 200 * rng.NextDouble(); // u, pA
                y[3 * n + i] = 2 * rng.NextDouble();          // s
            }
            fast.Derivatives(y, a);
            plain.Derivatives(y, b);
            for (int k = 0; k < y.Length; k++)
            {
                double scale = 1 + Math.Abs(b[k]) + Math.Abs(y[k]);
                Assert.True(Math.Abs(a[k] - b[k]) <= 1e-12 * scale, $"{preset}, variable {k}: {a[k]} vs {b[k]}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Presets))]
    public void LoopSteps_TrajectoriesMatchThePlainEquations_Over2Seconds(string preset)
    {
        // The loop model's step at dt 0.05 ms (20 kHz), somatic drive 5 pA (the benchmark's setting), 40 000 steps.
        var levers = LeverSet.Neutral;
        levers.SomaticDrive = 5;
        var model = MeanFieldModel.FromPreset(preset);
        model.LeverRampMs = 0;
        model.SetLevers(levers);
        model.Prepare(0.05);
        var plain = new PlainMeanFieldEquations(WithLevers(Preset(preset), levers, 0));
        var y = new double[plain.Dimension];
        model.System.InitialState(y);
        var rk = new Rk4Integrator(y.Length);
        double worst = 0;
        for (int step = 0; step < 40000; step++)
        {
            model.Step();
            for (int s = 0; s < model.LastSubsteps; s++)
            {
                rk.Step(plain, y, 0.05 / model.LastSubsteps);
            }
            for (int k = 0; k < y.Length; k++)
            {
                worst = Math.Max(worst, Math.Abs(model.State[k] - y[k]) / (1 + Math.Abs(y[k])));
            }
        }
        Assert.True(worst < 1e-9, $"{preset}: largest relative difference {worst:G3}");
    }
}
