using ClosedLoop.Core.Levers;
using Xunit;
using ClosedLoop.TestSupport;
using ClosedLoop.Population.NeuralMass;

namespace ClosedLoop.Population.Tests.NeuralMass;

[Collection(AllocationTestsCollection.Name)]
public class NeuralMassModelTests
{
    [Fact]
    public void Step_NoCoupling_RelaxesExactlyLikeTheAnalyticExponential()
    {
        // With every kernel off (AMPA, NMDA, GABA gains 0) V_E obeys tau V' = -V + D, so from V(0) = 0:
        // V(t) = D (1 - exp(-t / tau)). Exponential Euler is exact here; tolerance 1e-9 mV covers double rounding.
        var p = new NeuralMassParameters();
        var m = new NeuralMassModel(p) { LeverRampMs = 0 };
        var l = LeverSet.Neutral;
        l.AmpaGain = 0; l.NmdaGain = 0; l.GabaGain = 0;
        m.SetLevers(l);
        m.Prepare(0.1);
        for (int i = 0; i < 100; i++) m.Step();
        double expected = p.DriveExcMv * (1 - Math.Exp(-10.0 / p.TauExcMs));
        Assert.Equal(expected, m.ExcitatoryPotentialMv, 9);
        Assert.Equal(p.DriveInhMv * (1 - Math.Exp(-10.0 / p.TauInhMs)), m.InhibitoryPotentialMv, 9);
        Assert.Equal(10.0, m.Readout.TimeMs, 9);
    }

    [Fact]
    public void Step_NeutralLevers_ConvergesToTheFixedPointOfTheEquations()
    {
        var p = new NeuralMassParameters();
        var m = new NeuralMassModel(p);
        m.Prepare(0.1);
        for (int i = 0; i < 20000; i++) m.Step(); // 2 s, 200 time constants
        double ve = m.ExcitatoryPotentialMv, vi = m.InhibitoryPotentialMv;
        double qe = NeuralMassModel.Sigmoid(ve, p.QMaxHz, p.ThetaMv, p.SigmaMv);
        double qi = NeuralMassModel.Sigmoid(vi, p.QMaxHz, p.ThetaMv, p.SigmaMv);
        // Fixed point: V_E = nu_EE Q_E - nu_EI Q_I + D_E and V_I = nu_IE Q_E - nu_II Q_I + D_I.
        Assert.Equal(p.NuEeMvPerHz * qe - p.NuEiMvPerHz * qi + p.DriveExcMv, ve, 6);
        Assert.Equal(p.NuIeMvPerHz * qe - p.NuIiMvPerHz * qi + p.DriveInhMv, vi, 6);
        Assert.Equal((float)qe, m.Readout[NeuralMassModel.ExcitatoryRateIndex], 3);
        Assert.InRange(qe, 5, 300);
        Assert.Equal(1f, m.Readout[NeuralMassModel.GainIndex]);
    }

    [Fact]
    public void SetLevers_LowerThreshold_RaisesRateAndDecouplingLowersGain()
    {
        var a = new NeuralMassModel();
        var b = new NeuralMassModel();
        a.Prepare(0.1);
        b.Prepare(0.1);
        var excitable = LeverSet.Neutral;
        excitable.ThresholdShift = -4;
        excitable.Coupling = 0.5f;
        b.SetLevers(excitable);
        for (int i = 0; i < 10000; i++) { a.Step(); b.Step(); }
        Assert.True(b.Readout[NeuralMassModel.ExcitatoryRateIndex] > a.Readout[NeuralMassModel.ExcitatoryRateIndex] + 1, $"{b.Readout[NeuralMassModel.ExcitatoryRateIndex]} vs {a.Readout[NeuralMassModel.ExcitatoryRateIndex]}");
        Assert.Equal(0.75f, b.Readout[NeuralMassModel.GainIndex], 3); // sigma / sigma_E = 0.5 + 0.5 x 0.5 after the ramp settled
    }

    [Fact]
    public void SetLevers_Ramp_FollowsFirstOrderTimeConstant()
    {
        var m = new NeuralMassModel { LeverRampMs = 5 };
        m.Prepare(0.1);
        var t = LeverSet.Neutral;
        t.ThresholdShift = -10;
        m.SetLevers(t);
        for (int i = 0; i < 50; i++) m.Step(); // 5 ms = one ramp time constant
        Assert.Equal(-10 * (1 - Math.Exp(-1)), m.CurrentLevers.ThresholdShift, 4);
    }

    [Fact]
    public void Step_AllocatesNothing()
    {
        var m = new NeuralMassModel();
        m.Prepare(0.1);
        Assert.Equal(0, SteadyStateAllocation.Measure(() => { m.SetLevers(LeverSet.Neutral); m.Step(); _ = m.Readout; }, 10000).Bytes);
    }
}
