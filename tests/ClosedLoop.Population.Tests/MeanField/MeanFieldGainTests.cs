using ClosedLoop.Core.Levers;
using ClosedLoop.Core.Models;
using ClosedLoop.Population.MeanField;
using ClosedLoop.Population.Ode;
using Xunit;

namespace ClosedLoop.Population.Tests.MeanField;

/// <summary>
/// The live population gain dr/dI (<see cref="MeanFieldSystem.RateGain"/>, the loop model's
/// <c>population_gain_hz_per_pa</c> readout) against routes that do not use the Jacobian: the closed-form steady-state
/// curve of one population (gain = 1 / (dI/dr)), and central differences of settled steady states for the coupled
/// circuits.
/// </summary>
public class MeanFieldGainTests
{
    private static double[] Settle(MeanFieldSystem sys, double ms = 4000)
    {
        var y = new double[sys.Dimension];
        sys.InitialState(y);
        new Rk4Integrator(sys.Dimension).Run(sys, y, 0.05, (int)(ms / 0.05));
        return y;
    }

    [Theory]
    [InlineData(50.0)]
    [InlineData(70.0)]
    [InlineData(100.0)]
    public void OnePopulation_Gain_IsTheSlopeOfTheClosedFormSteadyStateCurve(double current)
    {
        var q = MeanFieldPresets.RegularSpiking;
        var sys = new MeanFieldSystem(MeanFieldPresets.Rs);
        sys.SetExtraCurrent(0, current - q.CurrentPa);
        double[] y = Settle(sys);
        double gain = sys.RateGain(y, 0);
        // Closed form: I(r) along the steady states; dr/dI = 1 / I'(r) at the settled rate (central difference, h 1e-7 /ms).
        double r = y[0], h = 1e-7;
        double slope = (MeanFieldReference.SteadyStateAtRate(q, 15, 1, r + h).I - MeanFieldReference.SteadyStateAtRate(q, 15, 1, r - h).I) / (2 * h);
        double expected = 1000 / slope;
        Assert.True(Math.Abs(gain - expected) <= 1e-6 * Math.Abs(expected), $"I = {current}: Jacobian {gain:G10} Hz/pA, closed form {expected:G10}");
    }

    [Theory]
    [InlineData(0.25)]
    [InlineData(0.35)]
    [InlineData(0.6)]
    public void OnePopulation_Coupling_IsTheRecurrentWeight_ClosedFormGainAtJ(double coupling)
    {
        // coupling scales the E -> E weight: the settled state and its gain are the closed-form curve's with J = coupling.
        var q = MeanFieldPresets.RegularSpiking;
        var sys = new MeanFieldSystem(MeanFieldPresets.Rs);
        var levers = LeverSet.Neutral;
        levers.Coupling = (float)coupling;
        sys.ApplyLevers(levers, 0);
        double[] y = Settle(sys, 8000);
        double j = levers.Coupling, r = y[0], h = 1e-7;
        var ss = MeanFieldReference.SteadyStateAtRate(q, 15, j, r);
        Assert.True(Math.Abs(ss.I - q.CurrentPa) <= 1e-6, $"coupling {coupling}: the settled rate {1000 * r} Hz is held by {ss.I} pA on the J = {j} curve, not 50");
        double slope = (MeanFieldReference.SteadyStateAtRate(q, 15, j, r + h).I - MeanFieldReference.SteadyStateAtRate(q, 15, j, r - h).I) / (2 * h);
        double gain = sys.RateGain(y, 0);
        Assert.True(Math.Abs(gain - 1000 / slope) <= 1e-6 * Math.Abs(1000 / slope), $"coupling {coupling}: Jacobian {gain:G10}, closed form {1000 / slope:G10} Hz/pA");
    }

    [Theory]
    [InlineData("rs-fs", 2.0)]
    [InlineData("rs-fs-lts", 2.0)]
    public void CoupledCircuits_Gain_EqualsCentralDifferencesOfSteadyStates(string preset, double deltaFs)
    {
        // Broad FS heterogeneity: a stable fixed point to difference (the narrow preset oscillates).
        MeanFieldPresets.TryGet(preset, out var p);
        p = p with { Populations = p.Populations.Select(q => q.Role == PopulationRole.Pv ? q with { DeltaMv = deltaFs } : q).ToList() };
        var sys = new MeanFieldSystem(p);
        var levers = LeverSet.Neutral;
        double Rate(double input)
        {
            sys.ApplyLevers(levers, input);
            return 1000 * Settle(sys, 6000)[0];
        }
        sys.ApplyLevers(levers, 0);
        double gain = sys.RateGain(Settle(sys, 6000), 0);
        const double dI = 0.05;
        double expected = (Rate(dI) - Rate(-dI)) / (2 * dI);
        // The difference quotient's own error is O(dI^2) relative to the curvature; measured agreement ~1e-6 Hz/pA.
        Assert.True(Math.Abs(gain - expected) <= 1e-4 * Math.Abs(expected) + 1e-7, $"{preset}: Jacobian {gain:G8}, differences {expected:G8} Hz/pA");
        Assert.True(gain > 0, $"{preset}: gain {gain}");
    }

    [Theory]
    [InlineData("rs")]
    [InlineData("rs-fs")]
    [InlineData("rs-fs-lts")]
    public void Gain_AtStatesAlongATrajectory_SolvesTheFullLinearisation(string preset)
    {
        // Away from steady states too (rs-fs and rs-fs-lts are on limit cycles): the reduced n x n solve of RateGain
        // against the full 4n x 4n linearisation J x = -df/dI, with J and df/dI from central differences of
        // Derivatives and a dense LU solve (MathNet). Tolerance 1e-5 relative: the differences' own error is ~1e-8.
        MeanFieldPresets.TryGet(preset, out var p);
        var sys = new MeanFieldSystem(p);
        var levers = LeverSet.Neutral;
        levers.Coupling = 0.8f;
        levers.SomaticDrive = 5;
        sys.ApplyLevers(levers, 0);
        int dim = sys.Dimension, n = sys.PopulationCount;
        var y = new double[dim];
        sys.InitialState(y);
        var rk = new Rk4Integrator(dim);
        var fPlus = new double[dim];
        var fMinus = new double[dim];
        int compared = 0;
        for (int sample = 0; sample < 40; sample++)
        {
            rk.Run(sys, y, 0.05, 500); // 25 ms between samples, 1 s in all
            var jac = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(dim, dim);
            for (int k = 0; k < dim; k++)
            {
                double h = 1e-6 * (1 + Math.Abs(y[k])), keep = y[k];
                y[k] = keep + h;
                sys.Derivatives(y, fPlus);
                y[k] = keep - h;
                sys.Derivatives(y, fMinus);
                y[k] = keep;
                for (int r = 0; r < dim; r++)
                {
                    jac[r, k] = (fPlus[r] - fMinus[r]) / (2 * h);
                }
            }
            var dfdI = MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(dim);
            sys.ApplyLevers(levers, 1e-3);
            sys.Derivatives(y, fPlus);
            sys.ApplyLevers(levers, -1e-3);
            sys.Derivatives(y, fMinus);
            sys.ApplyLevers(levers, 0);
            for (int r = 0; r < dim; r++)
            {
                dfdI[r] = -(fPlus[r] - fMinus[r]) / 2e-3;
            }
            if (jac.ConditionNumber() > 1e8)
            {
                continue; // too near a singular point for differences to say much
            }
            double expected = 1000 * jac.Solve(dfdI)[0];
            double gain = sys.RateGain(y, 0);
            Assert.True(Math.Abs(gain - expected) <= 1e-5 * Math.Abs(expected) + 1e-9,
                $"{preset}, sample {sample} (r {1000 * y[0]:F3} Hz, v {y[n]:F3} mV): RateGain {gain:G10}, full linearisation {expected:G10}");
            compared++;
        }
        Assert.True(compared >= 30, $"{preset}: only {compared} of 40 states were compared");
    }

    [Fact]
    public void LoopModel_GainReadout_IsLiveAndMatchesTheSystem()
    {
        var m = MeanFieldModel.FromPreset("rs");
        m.Prepare(0.05);
        for (int i = 0; i < 60000; i++)
        {
            m.Step();
        }
        float readout = m.Readout.Get(m.ReadoutSchema, MeanFieldModel.GainReadout);
        Assert.Equal((float)m.System.RateGain(m.State, 0), readout);
        Assert.InRange(readout, 0.05f, 5f);
        // More drive moves the state up the branch: the readout follows within the step.
        m.SetInput(30);
        m.Step();
        Assert.NotEqual(readout, m.Readout.Get(m.ReadoutSchema, MeanFieldModel.GainReadout));
    }
}
