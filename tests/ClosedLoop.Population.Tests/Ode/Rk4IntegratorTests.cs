using ClosedLoop.Population.Ode;
using Xunit;

namespace ClosedLoop.Population.Tests.Ode;

public class Rk4IntegratorTests
{
    /// <summary>x'' = -w^2 x as a first-order system; exact solution x = cos(w t).</summary>
    private sealed class Oscillator(double w) : IOdeSystem
    {
        public int Dimension => 2;

        public void Derivatives(ReadOnlySpan<double> y, Span<double> dydt)
        {
            dydt[0] = y[1];
            dydt[1] = -w * w * y[0];
        }
    }

    private static double ErrorAt(double h, double tEnd)
    {
        var sys = new Oscillator(0.5);
        var rk = new Rk4Integrator(2);
        double[] y = [1, 0];
        rk.Run(sys, y, h, (int)Math.Round(tEnd / h));
        return Math.Abs(y[0] - Math.Cos(0.5 * tEnd));
    }

    [Fact]
    public void Step_HarmonicOscillator_FourthOrderConvergence()
    {
        double e1 = ErrorAt(0.1, 20), e2 = ErrorAt(0.05, 20);
        // Global error O(h^4): halving h divides it by 16 (asymptotically; 14..18 allowed).
        Assert.InRange(e1 / e2, 14.0, 18.0);
        Assert.True(e1 < 1e-6, $"error {e1} at h = 0.1");
    }

    [Fact]
    public void Step_ExponentialDecay_MatchesTheRk4Polynomial()
    {
        // For y' = -y one RK4 step multiplies y by 1 - h + h^2/2 - h^3/6 + h^4/24 exactly.
        var rk = new Rk4Integrator(1);
        double[] y = [1];
        double h = 0.3;
        rk.Step(new Decay(), y, h);
        Assert.Equal(1 - h + h * h / 2 - h * h * h / 6 + h * h * h * h / 24, y[0], 15);
    }

    [Fact]
    public void Step_WrongLength_Throws() =>
        Assert.Throws<ArgumentException>(() => new Rk4Integrator(2).Step(new Decay(), new double[3], 0.1));

    private sealed class Decay : IOdeSystem
    {
        public int Dimension => 1;

        public void Derivatives(ReadOnlySpan<double> y, Span<double> dydt) => dydt[0] = -y[0];
    }
}
