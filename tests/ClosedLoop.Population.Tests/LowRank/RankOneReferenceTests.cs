using ClosedLoop.Population.LowRank;
using MathNet.Numerics.Distributions;
using Xunit;

namespace ClosedLoop.Population.Tests.LowRank;

/// <summary>
/// The rank-one reference (Mastrogiuseppe and Ostojic 2018): no random part, n = 2 m with m_i ~ N(0, 1), tanh. At a
/// fixed point x = m kappa, so kappa = (1/N) sum_i n_i tanh(m_i kappa) = 2 &lt;m tanh(m kappa)&gt;; for large N the
/// nonzero solutions are kappa = +/-1.337109.
/// </summary>
public class RankOneReferenceTests
{
    private const double Reference = 1.337109;

    /// <summary>2 E[m tanh(m kappa)] over m ~ N(0, 1), composite Simpson on [-12, 12] with 24000 intervals (error far below 1e-9).</summary>
    private static double SelfConsistency(double kappa)
    {
        const int intervals = 24000;
        const double a = -12, b = 12;
        double h = (b - a) / intervals, sum = 0;
        for (int j = 0; j <= intervals; j++)
        {
            double m = a + j * h;
            double f = m * Math.Tanh(m * kappa) * Math.Exp(-0.5 * m * m) / Math.Sqrt(2 * Math.PI);
            sum += f * (j == 0 || j == intervals ? 1 : j % 2 == 1 ? 4 : 2);
        }
        return 2 * sum * h / 3;
    }

    /// <summary>Rank-one network with m_i at the normal quantiles (i + 1/2) / N: the empirical averages converge to the Gaussian ones at rate ~1/N.</summary>
    private static LowRankWeights<double> Reference1(int units)
    {
        var p = new LowRankWeights<double>(units, 1, NeMechanism.Additive, 100);
        for (int i = 0; i < units; i++)
        {
            p.M[i] = Normal.InvCDF(0, 1, (i + 0.5) / units);
            p.N[i] = 2 * p.M[i];
        }
        return p;
    }

    [Fact]
    public void LargeN_SelfConsistency_HasItsRootAt1_337109()
    {
        // Bisection on kappa - 2 E[m tanh(m kappa)] between 1 and 2 (it is negative at 1, positive at 2).
        double lo = 1, hi = 2;
        Assert.True(lo - SelfConsistency(lo) < 0 && hi - SelfConsistency(hi) > 0);
        for (int it = 0; it < 60; it++)
        {
            double mid = 0.5 * (lo + hi);
            if (mid - SelfConsistency(mid) < 0) lo = mid; else hi = mid;
        }
        Assert.Equal(Reference, 0.5 * (lo + hi), 6);
    }

    [Theory]
    [InlineData(+1)]
    [InlineData(-1)]
    public void Network_Double_SettlesAtTheReferenceFixedPoint(int sign)
    {
        // N = 20000 quantile nodes: the midpoint-rule error of the averages is well under 1e-4 (tails included);
        // tolerance 1e-3 on kappa. Start at kappa = +/-0.05 near the unstable origin (overlap 2 > 1): it must leave it.
        const int units = 20000;
        var p = Reference1(units);
        var x = new double[units];
        for (int i = 0; i < units; i++) x[i] = sign * 0.05 * p.M[i];
        var scratch = new double[LowRankKernel.ScratchLength(1)];
        for (int step = 0; step < 3000; step++)
        {
            LowRankKernel.Step(p, x, 0.0, 0.0, 0.0, 0.05, scratch);
        }
        LowRankKernel.Latents(p, x, 0.0, 0.0, scratch);
        Assert.InRange(sign * scratch[0], Reference - 1e-3, Reference + 1e-3);
        // x = m kappa at the fixed point (no input, no random part).
        for (int i = 0; i < units; i += 997)
        {
            Assert.Equal(p.M[i] * scratch[0], x[i], 6);
        }
    }

    [Fact]
    public void Network_FloatModel_SettlesAtTheReferenceFixedPoint()
    {
        const int units = 20000;
        var p = Reference1(units);
        var x0 = new double[units];
        for (int i = 0; i < units; i++) x0[i] = 0.05 * p.M[i];
        var model = new LowRankRnnModel(p, NeBasis.Quadratic, x0);
        model.Prepare(5.0); // alpha = dt / tau = 0.05
        for (int step = 0; step < 3000; step++)
        {
            model.Step();
        }
        Assert.InRange(model.Readout[0], Reference - 1e-3, Reference + 1e-3);
    }
}
