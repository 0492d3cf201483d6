using ClosedLoop.Population.MeanField;
using ClosedLoop.Population.NeuralMass;
using Xunit;

namespace ClosedLoop.Analysis.Tests;

/// <summary>
/// Continuation against published bifurcation values. Located values are bisected to ~1e-10 in arclength on a
/// finite-difference Jacobian (relative error ~1e-8), so the tolerances below are set by the digits the
/// references are given to.
/// </summary>
public class ContinuationTests
{
    [Fact]
    public void MeanFieldRs_CurrentFrom0To100_FindsTheTwoReferenceFolds()
    {
        // Gast, Solla and Kennedy's RS population: folds at I = 40.671 and 23.622 pA (3 decimals: +-0.001).
        var sys = new MeanFieldSystem(MeanFieldPresets.Rs);
        var y = new double[4];
        sys.InitialState(y);
        var result = Continuation.Run(sys, i => sys.SetExtraCurrent(0, i - 50), y, 0, 100);
        var folds = result.Bifurcations.Where(b => b.Kind == BifurcationKind.Fold).Select(b => b.Parameter).Order().ToArray();
        Assert.Equal(2, folds.Length);
        Assert.Equal(23.622, folds[0], 0.001);
        Assert.Equal(40.671, folds[1], 0.001);
        Assert.DoesNotContain(result.Bifurcations, b => b.Kind == BifurcationKind.Hopf);
        // At I = 30 the branch crosses three times: stable (low), saddle, stable (high), rates as the paper's.
        var atThirty = Crossings(result, 30);
        Assert.Equal(3, atThirty.Count);
        Assert.True(atThirty[0].Stable && !atThirty[1].Stable && atThirty[2].Stable);
        Assert.Equal(1, atThirty[1].Unstable);
        Assert.True(result.Points[^1].Parameter >= 100);
    }

    /// <summary>
    /// The gain curve: d rate / d I along the branch from the continuation's tangent, against a central difference of
    /// Newton steady states at I +- 0.01 pA on the same (stable) sheet; infinite slope only at the folds.
    /// </summary>
    [Fact]
    public void MeanFieldRs_GainAlongTheBranch_MatchesFiniteDifferencesOfSteadyStates()
    {
        var target = AnalysisTarget.Create("mean-field-rs");
        var result = target.Continue(0, 100);
        int checkedPoints = 0;
        foreach (var p in result.Points.Where(p => p.Stable && p.Parameter is > 5 and < 95 && Math.Abs(p.Parameter - 23.622) > 1 && Math.Abs(p.Parameter - 40.671) > 1))
        {
            double gain = AnalysisTarget.Gain(target, p);
            var lo = (double[])p.State.Clone();
            var hi = (double[])p.State.Clone();
            target.SetParameter(p.Parameter - 0.01);
            Assert.True(SteadyState.TryNewton(target.System, lo));
            target.SetParameter(p.Parameter + 0.01);
            Assert.True(SteadyState.TryNewton(target.System, hi));
            double fd = (target.Observable(hi) - target.Observable(lo)) / 0.02;
            Assert.True(Math.Abs(gain - fd) <= 1e-4 * Math.Max(1, Math.Abs(fd)), $"I = {p.Parameter}: gain {gain} Hz/pA, finite difference {fd}");
            Assert.True(gain > 0, $"I = {p.Parameter}: gain {gain} Hz/pA on a stable sheet");
            checkedPoints++;
        }
        Assert.True(checkedPoints >= 10, $"{checkedPoints} points checked");
    }

    [Fact]
    public void JansenRit_InputP_ReproducesThePublishedBifurcations()
    {
        // Grimbert and Faugeras (2006), "Bifurcation analysis of Jansen's neural mass model": Hopf points at
        // p = -12.15, 89.83 and 315.70, a fold at p = 113.58 (2 decimals: +-0.01).
        var sys = new SecondOrderSystem();
        var result = Continuation.Run(sys, p => sys.SetExtraInput(p - sys.Parameters.InputPerS), new double[6], -50, 400);
        double[] hopf = [.. result.Bifurcations.Where(b => b.Kind == BifurcationKind.Hopf).Select(b => b.Parameter)];
        double[] folds = [.. result.Bifurcations.Where(b => b.Kind == BifurcationKind.Fold).Select(b => b.Parameter)];
        foreach (double expected in new[] { -12.15, 89.83, 315.70 })
        {
            Assert.Contains(hopf, h => Math.Abs(h - expected) <= 0.01);
        }
        Assert.Contains(folds, f => Math.Abs(f - 113.58) <= 0.01);
        // The upper Hopf's pair turns at about 11 Hz: the alpha rhythm the column is known for.
        var upper = result.Bifurcations.Single(b => b.Kind == BifurcationKind.Hopf && Math.Abs(b.Parameter - 315.70) < 0.01);
        Assert.InRange(upper.FrequencyHz, 8, 13);
    }

    [Fact]
    public void JansenRit_PastTheHopf_LimitCycleInTheAlphaBand()
    {
        var sys = new SecondOrderSystem(); // p = 220, between the Hopf points
        var osc = LimitCycle.Measure(sys, new double[6], 0.1, 2000, 2000, observe: y => y[1] - y[2]);
        Assert.InRange(osc.FrequencyHz, 8, 13); // measured 10.93 Hz
        Assert.True(osc.PeakToPeak > 1, $"swing {osc.PeakToPeak} mV");
        sys.SetExtraInput(50 - 220); // below the lower Hopf and the fold: one stable state
        var still = LimitCycle.Measure(sys, new double[6], 0.1, 5000, 1000, observe: y => y[1] - y[2], minPeakToPeak: 1e-3);
        Assert.Equal(0, still.FrequencyHz);
    }

    [Theory]
    [InlineData(0.1, true)]
    [InlineData(1.0, false)]
    [InlineData(2.0, false)]
    public void RsFs_InhibitoryHeterogeneity_NarrowHasHopfInIfs_BroadHasNone(double deltaFs, bool hopf)
    {
        // Gast, Solla and Kennedy's message: narrow FS heterogeneity gives Hopf bifurcations in I_fs (oscillations);
        // broad heterogeneity removes them.
        var sys = new MeanFieldSystem(MeanFieldPresets.RsFs with
        {
            Populations = [MeanFieldPresets.RsFs.Populations[0], MeanFieldPresets.FastSpiking with { DeltaMv = deltaFs }],
        });
        var y = new double[8];
        sys.InitialState(y);
        sys.SetExtraCurrent(1, -40); // I_fs = 0
        Assert.True(SteadyState.TrySettle(sys, y));
        var result = Continuation.Run(sys, i => sys.SetExtraCurrent(1, i - 40), y, 0, 120);
        Assert.Equal(hopf, result.Bifurcations.Any(b => b.Kind == BifurcationKind.Hopf));
    }

    [Fact]
    public void Eigenvalues_DampedOscillator_MatchTheAnalyticPair()
    {
        // x'' + 2 z w x' + w^2 x = 0: lambda = -z w +- i w sqrt(1 - z^2).
        var sys = new Linear2(w: 2, z: 0.1);
        var ev = Linearisation.Eigenvalues(sys, [0.3, -0.2]);
        Assert.Equal(-0.2, ev[0].Real, 1e-8);
        Assert.Equal(2 * Math.Sqrt(0.99), Math.Abs(ev[0].Imaginary), 1e-8);
    }

    private sealed class Linear2(double w, double z) : Population.Ode.IOdeSystem
    {
        public int Dimension => 2;

        public void Derivatives(ReadOnlySpan<double> y, Span<double> dydt)
        {
            dydt[0] = y[1];
            dydt[1] = -w * w * y[0] - 2 * z * w * y[1];
        }
    }

    private static List<BranchPoint> Crossings(ContinuationResult r, double p)
    {
        var list = new List<BranchPoint>();
        for (int i = 1; i < r.Points.Count; i++)
        {
            if ((r.Points[i - 1].Parameter - p) * (r.Points[i].Parameter - p) <= 0)
            {
                list.Add(r.Points[i]);
            }
        }
        return list;
    }
}
