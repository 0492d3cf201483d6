using MathNet.Numerics.LinearAlgebra;
using Complex = System.Numerics.Complex;

namespace ClosedLoop.Analysis.LowRank;

/// <summary>
/// Latent dynamics tau dv/dt = G(v) at one noradrenaline level: the full low-rank network in its latent space
/// (<see cref="LatentSystem"/>) or a reduced population model (<see cref="PopulationMeanField"/>). Velocities in latent
/// units per tau, eigenvalues in 1/tau.
/// </summary>
public interface ILatentDynamics
{
    /// <summary>Latent dimension D.</summary>
    int Dimension { get; }

    /// <summary>The normalised noradrenaline level c.</summary>
    double Level { get; }

    /// <summary>G(v) into <paramref name="g"/>.</summary>
    void Velocity(ReadOnlySpan<double> v, Span<double> g);

    /// <summary>dG/dv at <paramref name="v"/>.</summary>
    Matrix<double> Jacobian(ReadOnlySpan<double> v);

    /// <summary>A box |v_a| &lt;= bound_a holding every fixed point; the search draws its starts from it.</summary>
    double[] LatentBound();
}

/// <summary>Helpers over any <see cref="ILatentDynamics"/>.</summary>
public static class LatentDynamics
{
    /// <summary>|G(v)|.</summary>
    public static double Speed(ILatentDynamics system, ReadOnlySpan<double> v)
    {
        ArgumentNullException.ThrowIfNull(system);
        Span<double> g = stackalloc double[system.Dimension];
        system.Velocity(v, g);
        double q = 0;
        foreach (double gi in g) q += gi * gi;
        return Math.Sqrt(q);
    }

    /// <summary>Eigenvalues of the Jacobian at <paramref name="v"/>, largest real part first.</summary>
    public static Complex[] Eigenvalues(ILatentDynamics system, ReadOnlySpan<double> v)
    {
        ArgumentNullException.ThrowIfNull(system);
        var ev = system.Jacobian(v).Evd(Symmetricity.Asymmetric).EigenValues.ToArray();
        Array.Sort(ev, (p, q) => q.Real.CompareTo(p.Real));
        return ev;
    }

    /// <summary>The Jacobian of <paramref name="velocity"/> by central differences (step 1e-6 (1 + |v_b|)).</summary>
    public static Matrix<double> FiniteDifferenceJacobian(int d, Action<double[], double[]> velocity, ReadOnlySpan<double> v)
    {
        ArgumentNullException.ThrowIfNull(velocity);
        var jac = Matrix<double>.Build.Dense(d, d);
        double[] vp = v.ToArray(), vm = v.ToArray(), gp = new double[d], gm = new double[d];
        for (int b = 0; b < d; b++)
        {
            double h = 1e-6 * (1 + Math.Abs(v[b]));
            vp[b] = v[b] + h;
            vm[b] = v[b] - h;
            velocity(vp, gp);
            velocity(vm, gm);
            for (int a = 0; a < d; a++) jac[a, b] = (gp[a] - gm[a]) / (2 * h);
            vp[b] = v[b];
            vm[b] = v[b];
        }
        return jac;
    }
}
