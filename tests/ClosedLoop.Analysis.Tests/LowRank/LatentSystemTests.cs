using ClosedLoop.Analysis.LowRank;
using ClosedLoop.Population.LowRank;
using ClosedLoop.Population.Ode;
using Xunit;

namespace ClosedLoop.Analysis.Tests.LowRank;

/// <summary>
/// The latent description against the full network: the velocity is the full F mapped back, the analytic latent
/// Jacobian matches central differences (error O(h^2) ~ 1e-10 with h = 1e-6, bound 1e-7), and the full N x N Jacobian's
/// spectrum is the latent spectrum plus -1 (dense eigenvalues of a 24 x 24 finite-difference matrix, bound 1e-6, 1e-4 at a
/// defective eigenvalue).
/// </summary>
public class LatentSystemTests
{
    /// <summary>The full network as an ODE per tau: F(x) = x' - x with x' one Euler step of size 1 (the shared kernel).</summary>
    internal sealed class FullNetwork(LowRankWeights<double> w, double level, double input) : IOdeSystem
    {
        private readonly double[] _scratch = new double[LowRankKernel.ScratchLength(w.Rank)];

        public int Dimension => w.Units;

        public void Derivatives(ReadOnlySpan<double> y, Span<double> dydt)
        {
            y.CopyTo(dydt);
            LowRankKernel.Step<double>(w, dydt, level, level * level, input, 1.0, _scratch);
            for (int i = 0; i < y.Length; i++) dydt[i] -= y[i];
        }
    }

    public static TheoryData<NeMechanism> Mechanisms => new(Enum.GetValues<NeMechanism>());

    [Theory]
    [MemberData(nameof(Mechanisms))]
    public void Velocity_IsTheFullVelocityMappedToLatents_AndJacobianMatchesFiniteDifferences(NeMechanism mech)
    {
        var w = PlantedNetworks.Random(24, 2, mech, seed: 5);
        var sys = new LatentSystem(w, level: 0.4, input: 0.3);
        var rng = new Random(2);
        var full = new FullNetwork(w, 0.4, 0.3);
        for (int trial = 0; trial < 5; trial++)
        {
            var v = Enumerable.Range(0, sys.Dimension).Select(_ => 2 * rng.NextDouble() - 1).ToArray();
            // F(L v + e) = L G(v).
            var x = new double[w.Units];
            sys.State(v, x);
            var f = new double[w.Units];
            full.Derivatives(x, f);
            var g = new double[sys.Dimension];
            sys.Velocity(v, g);
            for (int i = 0; i < w.Units; i++)
            {
                double lg = 0;
                for (int b = 0; b < sys.Dimension; b++) lg += sys.Basis(i, b) * g[b];
                Assert.Equal(f[i], lg, 1e-12);
            }
            var analytic = sys.Jacobian(v);
            var numeric = LatentDynamics.FiniteDifferenceJacobian(sys.Dimension, (a, gg) => sys.Velocity(a, gg), v);
            Assert.True((analytic - numeric).InfinityNorm() < 1e-7, $"{mech}: |analytic - numeric| = {(analytic - numeric).InfinityNorm():G3}");
        }
    }

    [Theory]
    [MemberData(nameof(Mechanisms))]
    public void FullJacobianSpectrum_IsTheLatentSpectrumAndMinusOne(NeMechanism mech)
    {
        var w = PlantedNetworks.Random(24, 2, mech, seed: 7);
        var sys = new LatentSystem(w, level: 0.6);
        var v = new[] { 0.7, -0.4, 0.2, 0.1 }.Take(sys.Dimension).ToArray();
        var x = new double[w.Units];
        sys.State(v, x);
        var full = Linearisation.Eigenvalues(new FullNetwork(w, 0.6, 0), x);
        var latent = LatentDynamics.Eigenvalues(sys, v);
        foreach (var e in latent)
        {
            Assert.Contains(full, f => (f - e).Magnitude < 1e-6);
        }
        // Everything else is -1 (the leak), N - D times. The connectivity generator's two modulation directions are the
        // same vector, so its L has rank D - 1, DG has an eigenvalue -1 too and the full matrix a 2 x 2 Jordan block
        // there, whose computed eigenvalues split by ~sqrt(finite-difference error) ~ 1e-5: hence 1e-4 here, and the
        // trace (sum of all eigenvalues, insensitive to that) to 1e-7.
        Assert.True(full.Count(f => (f + 1).Magnitude < 1e-4) >= w.Units - sys.Dimension);
        double trace = full.Sum(f => f.Real);
        Assert.Equal(latent.Sum(e => e.Real) - (w.Units - sys.Dimension), trace, 1e-7);
    }
}
