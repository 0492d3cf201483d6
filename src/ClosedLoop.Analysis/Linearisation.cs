using Complex = System.Numerics.Complex;
using ClosedLoop.Population.Ode;
using MathNet.Numerics.LinearAlgebra;

namespace ClosedLoop.Analysis;

/// <summary>Jacobians by central differences and their eigenvalues (MathNet.Numerics' dense EVD).</summary>
public static class Linearisation
{
    /// <summary>
    /// The Jacobian df/dy at <paramref name="y"/> by central differences, step h_j = 1e-6 (1 + |y_j|)
    /// (truncation error O(h^2), about 1e-12 relative for smooth right-hand sides).
    /// </summary>
    public static Matrix<double> Jacobian(IOdeSystem system, ReadOnlySpan<double> y)
    {
        ArgumentNullException.ThrowIfNull(system);
        int n = system.Dimension;
        var jac = Matrix<double>.Build.Dense(n, n);
        double[] yp = y.ToArray(), ym = y.ToArray();
        double[] fp = new double[n], fm = new double[n];
        for (int j = 0; j < n; j++)
        {
            double h = 1e-6 * (1 + Math.Abs(y[j]));
            yp[j] = y[j] + h;
            ym[j] = y[j] - h;
            system.Derivatives(yp, fp);
            system.Derivatives(ym, fm);
            for (int i = 0; i < n; i++)
            {
                jac[i, j] = (fp[i] - fm[i]) / (2 * h);
            }
            yp[j] = y[j];
            ym[j] = y[j];
        }
        return jac;
    }

    /// <summary>Eigenvalues of the Jacobian at <paramref name="y"/>, sorted by real part, largest first (1/ms for systems in ms).</summary>
    public static Complex[] Eigenvalues(IOdeSystem system, ReadOnlySpan<double> y)
    {
        var ev = Jacobian(system, y).Evd(Symmetricity.Asymmetric).EigenValues.ToArray();
        Array.Sort(ev, (a, b) => b.Real.CompareTo(a.Real));
        return ev;
    }
}
