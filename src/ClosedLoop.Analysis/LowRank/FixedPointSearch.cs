using MathNet.Numerics.LinearAlgebra;
using Complex = System.Numerics.Complex;

namespace ClosedLoop.Analysis.LowRank;

/// <summary>Settings of the fixed- and slow-point search (docs/low-rank.md, "Analysis").</summary>
public sealed record FixedPointOptions
{
    /// <summary>Starting points drawn per NE level. Default 200.</summary>
    public int Starts { get; init; } = 200;

    /// <summary>Seed of the starting points. Default 1.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>A slow point has latent speed |G| below this (latent units per tau). Default 1e-3.</summary>
    public double SlowSpeed { get; init; } = 1e-3;

    /// <summary>A fixed point has latent speed |G| below this after full minimisation. Default 1e-9.</summary>
    public double FixedSpeed { get; init; } = 1e-9;

    /// <summary>Fixed points closer than this (latent max-norm) are one point. Default 1e-3.</summary>
    public double MergeDistance { get; init; } = 1e-3;

    /// <summary>An eigenvalue with |Re| below this (units 1/tau) counts as zero (a marginal direction). Default 0.05.</summary>
    public double ZeroEigenvalue { get; init; } = 0.05;

    /// <summary>A line attractor's slow points span at least this far along their first principal direction (latent units). Default 0.5.</summary>
    public double MinLineExtent { get; init; } = 0.5;

    /// <summary>Levenberg-Marquardt iterations per phase. Default 400.</summary>
    public int MaxIterations { get; init; } = 400;
}

/// <summary>What a point found by the search is.</summary>
public enum PointKind
{
    /// <summary>|G| below <see cref="FixedPointOptions.SlowSpeed"/>: where a start first became slow.</summary>
    Slow,

    /// <summary>|G| below <see cref="FixedPointOptions.FixedSpeed"/> after full minimisation, merged across starts.</summary>
    Fixed,
}

/// <summary>A slow or fixed point in latent space.</summary>
/// <param name="Kind">Slow or fixed.</param>
/// <param name="Latent">v (D values).</param>
/// <param name="Speed">|G(v)|, latent units per tau.</param>
/// <param name="Eigenvalues">Of the latent Jacobian, largest real part first, units 1/tau.</param>
public sealed record LatentPoint(PointKind Kind, double[] Latent, double Speed, Complex[] Eigenvalues)
{
    /// <summary>Every eigenvalue has a negative real part.</summary>
    public bool Stable => Eigenvalues[0].Real < 0;

    /// <summary>Eigenvalues with positive real part.</summary>
    public int Unstable => Eigenvalues.Count(e => e.Real > 0);
}

/// <summary>
/// Fixed and slow points by minimising q(v) = |G(v)|^2 / 2 in latent space from many starts (Sussillo and Barak 2013,
/// run in the rank-R latent space as Mastrogiuseppe and Ostojic's reduction allows): Levenberg-Marquardt on G with
/// the analytic latent Jacobian. Phase one stops where a start first becomes slow (|G| &lt; SlowSpeed): those points
/// trace slow manifolds such as a line attractor. Phase two continues each to a fixed point (|G| &lt; FixedSpeed);
/// fixed points within MergeDistance are merged.
/// </summary>
public static class FixedPointSearch
{
    /// <summary>The slow points and the distinct fixed points of <paramref name="system"/>.</summary>
    public static (IReadOnlyList<LatentPoint> Slow, IReadOnlyList<LatentPoint> Fixed) Run(ILatentDynamics system, FixedPointOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(system);
        var o = options ?? new FixedPointOptions();
        int d = system.Dimension;
        var rng = new Random(o.Seed);
        double[] bound = system.LatentBound();
        var slow = new List<LatentPoint>();
        var fixedPoints = new List<LatentPoint>();
        var v = new double[d];
        for (int s = 0; s < o.Starts; s++)
        {
            for (int a = 0; a < d; a++) v[a] = bound[a] * (2 * rng.NextDouble() - 1);
            // Start 0 is the origin, which is a fixed point of every odd network without input.
            if (s == 0) Array.Clear(v);
            if (Minimise(system, v, o.SlowSpeed, o.MaxIterations) is double speed && speed < o.SlowSpeed)
            {
                slow.Add(new LatentPoint(PointKind.Slow, (double[])v.Clone(), speed, LatentDynamics.Eigenvalues(system, v)));
            }
            if (Minimise(system, v, o.FixedSpeed, o.MaxIterations) < o.FixedSpeed
                && !fixedPoints.Any(p => MaxDistance(p.Latent, v) < o.MergeDistance))
            {
                fixedPoints.Add(new LatentPoint(PointKind.Fixed, (double[])v.Clone(), LatentDynamics.Speed(system, v), LatentDynamics.Eigenvalues(system, v)));
            }
        }
        return (slow, fixedPoints.OrderBy(p => p.Latent[0]).ToList());
    }

    /// <summary>
    /// Levenberg-Marquardt on G from <paramref name="v"/> (in place) until |G| &lt; <paramref name="target"/>, the step
    /// stalls, or <paramref name="maxIterations"/>; returns the final |G|.
    /// </summary>
    public static double Minimise(ILatentDynamics system, double[] v, double target, int maxIterations)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(v);
        int d = system.Dimension;
        var g = new double[d];
        var trial = new double[d];
        var gTrial = new double[d];
        system.Velocity(v, g);
        double q = Norm2(g);
        double mu = 1e-3;
        for (int it = 0; it < maxIterations && Math.Sqrt(q) >= target; it++)
        {
            var j = system.Jacobian(v);
            var jt = j.Transpose();
            var jtj = jt * j;
            var rhs = -(jt * Vector<double>.Build.Dense(g));
            bool improved = false;
            for (int attempt = 0; attempt < 30 && !improved; attempt++)
            {
                var a = jtj.Clone();
                for (int k = 0; k < d; k++) a[k, k] += mu * (1 + jtj[k, k]);
                var step = a.Solve(rhs);
                for (int k = 0; k < d; k++) trial[k] = v[k] + step[k];
                system.Velocity(trial, gTrial);
                double qTrial = Norm2(gTrial);
                if (double.IsFinite(qTrial) && qTrial < q)
                {
                    Array.Copy(trial, v, d);
                    Array.Copy(gTrial, g, d);
                    q = qTrial;
                    mu = Math.Max(mu / 10, 1e-12);
                    improved = true;
                }
                else
                {
                    mu *= 10;
                }
            }
            if (!improved) break;
        }
        return Math.Sqrt(q);
    }

    private static double Norm2(double[] g)
    {
        double s = 0;
        foreach (double x in g) s += x * x;
        return s;
    }

    private static double MaxDistance(double[] a, double[] b)
    {
        double m = 0;
        for (int i = 0; i < a.Length; i++) m = Math.Max(m, Math.Abs(a[i] - b[i]));
        return m;
    }
}
