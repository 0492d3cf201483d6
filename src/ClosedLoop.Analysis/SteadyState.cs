using ClosedLoop.Population.Ode;
using MathNet.Numerics.LinearAlgebra;

namespace ClosedLoop.Analysis;

/// <summary>Steady states by Newton's method on f(y) = 0 with the finite-difference Jacobian.</summary>
public static class SteadyState
{
    /// <summary>
    /// Refine <paramref name="y"/> in place to a zero of the system (|f| max-norm &lt;= <paramref name="tolerance"/>);
    /// false when Newton does not converge within <paramref name="maxIterations"/>.
    /// </summary>
    public static bool TryNewton(IOdeSystem system, double[] y, double tolerance = 1e-11, int maxIterations = 50)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(y);
        int n = system.Dimension;
        var f = new double[n];
        for (int it = 0; it < maxIterations; it++)
        {
            system.Derivatives(y, f);
            if (f.Max(Math.Abs) <= tolerance)
            {
                return true;
            }
            var step = Linearisation.Jacobian(system, y).Solve(Vector<double>.Build.Dense(f));
            for (int i = 0; i < n; i++)
            {
                y[i] -= step[i];
            }
            if (!y.All(double.IsFinite))
            {
                return false;
            }
        }
        system.Derivatives(y, f);
        return f.Max(Math.Abs) <= tolerance;
    }

    /// <summary>
    /// Integrate <paramref name="y"/> (RK4, <paramref name="dtMs"/>) for <paramref name="settleMs"/>, then refine by
    /// Newton: finds a stable steady state from a far guess (rest, say). False when Newton fails.
    /// </summary>
    public static bool TrySettle(IOdeSystem system, double[] y, double settleMs = 2000, double dtMs = 0.05)
    {
        ArgumentNullException.ThrowIfNull(system);
        new Rk4Integrator(system.Dimension).Run(system, y, dtMs, (int)Math.Round(settleMs / dtMs));
        return TryNewton(system, y);
    }
}
