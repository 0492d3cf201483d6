using ClosedLoop.Fitting.Data;
using ClosedLoop.Fitting.Evaluation;
using ClosedLoop.Fitting.Training;
using ClosedLoop.Population.LowRank;
using Xunit;

namespace ClosedLoop.Fitting.Tests;

/// <summary>
/// The model's exact symmetries (docs/low-rank.md, "Identifiability"): the per-unit sign flip and the factorisation
/// gauge leave every observation unchanged, the trainer's sign convention uses that, and the recovery measures are blind
/// to both. The latent initial states' chain rule is checked against finite differences.
/// </summary>
public class SymmetryTests
{
    private static (LowRankWeights<double> W, FitData Data, List<double[]> X0) Problem(NeMechanism mech)
    {
        var w = PlantedNetworks.Random(9, 2, mech, seed: 3 + (int)mech, tauMs: 50);
        var rng = new Random(17);
        for (int i = 0; i < w.Units; i++)
        {
            w.ReadScale[i] = 0.5 + rng.NextDouble();
            w.ReadOffset[i] = rng.NextDouble() - 0.5;
        }
        var x0 = new List<double[]>();
        var data = GroundTruth.Generate(w, trials: 3, steps: 12, dtMs: 10, seed: 4, initialStates: x0);
        return (w, data, x0);
    }

    private static LowRankWeights<double> Clone(LowRankWeights<double> w)
    {
        var c = new LowRankWeights<double>(w.Units, w.Rank, w.Mechanism, w.TauMs);
        var a = w.Arrays();
        var b = c.Arrays();
        for (int i = 0; i < a.Length; i++) a[i].CopyTo(b[i], 0);
        return c;
    }

    private static double[] Losses(LowRankWeights<double> w, FitData data, IReadOnlyList<double[]> x0) =>
        Enumerable.Range(0, data.Trials.Count).Select(k => Objective.Evaluate(w, data.Trials[k], x0[k], 0.2, LossKind.SquaredError, new TrialWorkspace(), null, out _)).ToArray();

    [Theory]
    [InlineData(NeMechanism.Additive)]
    [InlineData(NeMechanism.Presynaptic)]
    [InlineData(NeMechanism.Postsynaptic)]
    [InlineData(NeMechanism.Connectivity)]
    public void SignFlip_LeavesEveryLossUnchanged_AndTheRecoveryMeasuresAtZero(NeMechanism mech)
    {
        var (w, data, x0) = Problem(mech);
        double[] before = Losses(w, data, x0);
        // Flip units 1, 4 and 7 by hand: negative scale, then the convention flips them (and their states) back into
        // a network with the same observations but negated rows.
        var flipped = Clone(w);
        var states = x0.Select(x => (double[])x.Clone()).ToList();
        foreach (int i in (int[])[1, 4, 7]) flipped.ReadScale[i] = -flipped.ReadScale[i];
        Assert.Equal(3, Canonical.PositiveReadout(flipped, states));
        Assert.All(flipped.ReadScale, s => Assert.True(s > 0));
        Assert.Equal(-w.M[2 * 4 + 1], flipped.M[2 * 4 + 1]);
        Assert.Equal(-x0[0][4], states[0][4]);
        // The flip negated rows of a network whose scales were positive; negate the scales again to get the mirror
        // image of w: same observations, every loss the same to rounding.
        foreach (int i in (int[])[1, 4, 7]) flipped.ReadScale[i] = -flipped.ReadScale[i];
        double[] after = Losses(flipped, data, states);
        for (int k = 0; k < before.Length; k++)
        {
            Assert.True(Math.Abs(after[k] - before[k]) <= 1e-12 * Math.Max(1, before[k]), $"trial {k}: loss {before[k]:R} -> {after[k]:R}");
        }
        var r = Recovery.Compare(w, flipped, Recovery.States(w, data, x0));
        Assert.All(r.LeftAnglesDeg, a => Assert.True(a < 1e-5, $"m angle {a}"));
        Assert.All(r.RightAnglesDeg, a => Assert.True(a < 1e-5, $"n angle {a}"));
        Assert.True(r.ConnectivityError < 1e-12 && r.VisitedConnectivityError < 1e-12 && r.ModulationError < 1e-12 && r.ReadoutScaleError < 1e-12, r.ToString());
    }

    [Fact]
    public void Gauge_MA_NAinvT_LeavesTheLossUnchanged_AndTheRecoveryMeasuresAtZero()
    {
        var (w, data, x0) = Problem(NeMechanism.Postsynaptic);
        double[] before = Losses(w, data, x0);
        // A = [[2, 1], [0.5, -1]], A^-T = (1 / det) [[-1, -0.5], [-1, 2]] with det = -2.5.
        double[,] a = { { 2, 1 }, { 0.5, -1 } };
        double[,] ait = { { 0.4, 0.2 }, { 0.4, -0.8 } };
        var g = Clone(w);
        for (int i = 0; i < w.Units; i++)
        {
            for (int k = 0; k < 2; k++)
            {
                g.M[2 * i + k] = w.M[2 * i] * a[0, k] + w.M[2 * i + 1] * a[1, k];
                g.N[2 * i + k] = w.N[2 * i] * ait[0, k] + w.N[2 * i + 1] * ait[1, k];
            }
        }
        double[] after = Losses(g, data, x0);
        for (int k = 0; k < before.Length; k++) Assert.Equal(before[k], after[k], 1e-12);
        var r = Recovery.Compare(w, g, Recovery.States(w, data, x0));
        Assert.True(r.LeftAngleDeg < 1e-5 && r.RightAnglesDeg.Max() < 1e-5 && r.ConnectivityError < 1e-12 && r.VisitedConnectivityError < 1e-12, r.ToString());
        // The raw factors did change (else this proves nothing about the gauge).
        Assert.True(Math.Abs(g.M[0] - w.M[0]) > 0.1 || Math.Abs(g.M[1] - w.M[1]) > 0.1);
    }

    [Fact]
    public void Recovery_SeesAChangedConnectivity()
    {
        var (w, data, x0) = Problem(NeMechanism.Additive);
        var states = Recovery.States(w, data, x0);
        var g = Clone(w);
        for (int i = 0; i < g.N.Length; i++) g.N[i] *= 1.1; // J 10% larger
        var r = Recovery.Compare(w, g, states);
        Assert.Equal(0.1, r.ConnectivityError, 1e-9);
        Assert.Equal(0.1, r.VisitedConnectivityError, 1e-9);
        Assert.True(r.LeftAngleDeg < 1e-5, r.ToString());
        var h = Clone(w);
        for (int i = 0; i < h.Mod.Length; i++) h.Mod[i] *= 0.8;
        Assert.Equal(0.2, Recovery.Compare(w, h, states).ModulationError, 1e-9);
    }

    [Theory]
    [InlineData(NeMechanism.Additive)]
    [InlineData(NeMechanism.Connectivity)]
    public void LatentInitialState_ChainRule_MatchesCentralFiniteDifferences(NeMechanism mech)
    {
        var (w, data, _) = Problem(mech);
        var trial = data.Trials[1];
        double[] k0 = [0.7, -0.4];
        const double alpha = 0.2, h = 1e-6;
        double Loss()
        {
            var x0 = new double[w.Units];
            Trainer.Materialise(w, k0, x0);
            return Objective.Evaluate(w, trial, x0, alpha, LossKind.SquaredError, new TrialWorkspace(), null, out _);
        }
        var ws = new TrialWorkspace();
        var grad = new LowRankWeights<double>(w.Units, w.Rank, mech, w.TauMs);
        foreach (var arr in grad.Arrays()) Array.Clear(arr);
        var x = new double[w.Units];
        Trainer.Materialise(w, k0, x);
        Objective.Evaluate(w, trial, x, alpha, LossKind.SquaredError, ws, grad, out _);
        var dk0 = new double[2];
        Trainer.LatentChainRule(w, k0, ws.InitialStateGradient, grad.M, dk0);
        for (int i = 0; i < w.M.Length; i++)
        {
            double keep = w.M[i];
            w.M[i] = keep + h;
            double up = Loss();
            w.M[i] = keep - h;
            double down = Loss();
            w.M[i] = keep;
            double fd = (up - down) / (2 * h);
            Assert.True(Math.Abs(grad.M[i] - fd) <= 1e-6 + 1e-5 * Math.Abs(fd), $"dL/dM[{i}]: analytic {grad.M[i]:G9}, finite difference {fd:G9}");
        }
        for (int k = 0; k < 2; k++)
        {
            double keep = k0[k];
            k0[k] = keep + h;
            double up = Loss();
            k0[k] = keep - h;
            double down = Loss();
            k0[k] = keep;
            double fd = (up - down) / (2 * h);
            Assert.True(Math.Abs(dk0[k] - fd) <= 1e-6 + 1e-5 * Math.Abs(fd), $"dL/dk0[{k}]: analytic {dk0[k]:G9}, finite difference {fd:G9}");
            Assert.True(Math.Abs(fd) > 1e-4, $"dL/dk0[{k}] = {fd}: too small to check anything");
        }
    }
}
