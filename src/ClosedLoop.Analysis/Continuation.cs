using Complex = System.Numerics.Complex;
using ClosedLoop.Population.Ode;
using MathNet.Numerics.LinearAlgebra;

namespace ClosedLoop.Analysis;

/// <summary>Settings of a <see cref="Continuation"/> run.</summary>
public sealed record ContinuationOptions
{
    /// <summary>Largest arclength step (in the joint state-parameter space). Default 1.</summary>
    public double MaxStep { get; init; } = 1;

    /// <summary>Smallest arclength step before the run gives up. Default 1e-6.</summary>
    public double MinStep { get; init; } = 1e-6;

    /// <summary>Most branch points. Default 20000.</summary>
    public int MaxPoints { get; init; } = 20000;

    /// <summary>Corrector tolerance on |f| (max norm). Default 1e-10.</summary>
    public double Tolerance { get; init; } = 1e-10;

    /// <summary>Bisection steps that locate a bifurcation between two branch points. Default 40.</summary>
    public int RefineSteps { get; init; } = 40;
}

/// <summary>A branch of steady states and the bifurcations found on it.</summary>
/// <param name="Points">Branch points in arclength order.</param>
/// <param name="Bifurcations">Folds and Hopf points, in arclength order.</param>
public sealed record ContinuationResult(IReadOnlyList<BranchPoint> Points, IReadOnlyList<Bifurcation> Bifurcations);

/// <summary>
/// One-parameter continuation of steady states by pseudo-arclength (predictor along the tangent, Newton corrector
/// on f(y, p) = 0 plus the arclength condition), so the branch is followed around folds. A fold shows as a sign
/// change of the tangent's parameter component, a Hopf as a sign change of the real part of the leading complex
/// eigenvalue pair; each is then located by bisection in arclength between the two bracketing points.
/// </summary>
public static class Continuation
{
    /// <summary>A located Hopf whose pair turns slower than this, Hz, is a real pair merging (discarded).</summary>
    public const double MinHopfFrequencyHz = 1e-3;

    /// <summary>
    /// Follow the steady state found from <paramref name="guess"/> at parameter <paramref name="start"/> until the
    /// parameter leaves [start, end] (either end). <paramref name="setParameter"/> sets the parameter of <paramref name="system"/>.
    /// </summary>
    public static ContinuationResult Run(IOdeSystem system, Action<double> setParameter, double[] guess, double start, double end, ContinuationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(setParameter);
        ArgumentNullException.ThrowIfNull(guess);
        var o = options ?? new ContinuationOptions();
        var ctx = new Context(system, setParameter, o);
        int n = system.Dimension;
        double lo = Math.Min(start, end), hi = Math.Max(start, end);

        setParameter(start);
        double[] y0 = (double[])guess.Clone();
        if (!SteadyState.TryNewton(system, y0, o.Tolerance))
        {
            throw new InvalidOperationException($"no steady state found near the guess at parameter {start}");
        }
        var x = new double[n + 1];
        Array.Copy(y0, x, n);
        x[n] = start;
        // First tangent: f_y dy = -f_p, t = (dy, 1), pointing towards end.
        var (fy, fp) = ctx.Jacobians(x);
        var dy = fy.Solve(-fp);
        var t = new double[n + 1];
        for (int i = 0; i < n; i++) t[i] = dy[i];
        t[n] = 1;
        Normalise(t, end >= start ? 1 : -1);

        var points = new List<BranchPoint> { ctx.Point(x) with { Slope = SlopeOf(t) } };
        var bifurcations = new List<Bifurcation>();
        var tangents = new List<double[]> { t };
        double ds = o.MaxStep;
        while (points.Count < o.MaxPoints)
        {
            var (next, iterations) = ctx.Correct(x, t, ds);
            if (next is null)
            {
                ds *= 0.5;
                if (ds < o.MinStep) break;
                continue;
            }
            double[] tNext = ctx.Tangent(next, t);
            var point = ctx.Point(next) with { Slope = SlopeOf(tNext) };
            var prev = points[^1];
            if (Math.Sign(tNext[n]) != Math.Sign(t[n]) && tNext[n] != 0)
            {
                bifurcations.Add(ctx.Locate(BifurcationKind.Fold, x, t, ds, (xs, ts) => ts[n], t[n]));
            }
            double hPrev = HopfTest(prev.Eigenvalues), hNext = HopfTest(point.Eigenvalues);
            if (double.IsFinite(hPrev) && double.IsFinite(hNext) && Math.Sign(hPrev) != Math.Sign(hNext))
            {
                var hopf = ctx.Locate(BifurcationKind.Hopf, x, t, ds, (xs, ts) => HopfTest(Linearisation.Eigenvalues(ctx.WithParameter(xs), xs.AsSpan(0, n))), hPrev);
                // A pair that is real at the crossing (two real eigenvalues merging next to a fold) is no Hopf.
                if (hopf.FrequencyHz > MinHopfFrequencyHz)
                {
                    bifurcations.Add(hopf);
                }
            }
            points.Add(point);
            x = next;
            t = tNext;
            if (next[n] < lo || next[n] > hi) break;
            ds = iterations <= 3 ? Math.Min(o.MaxStep, ds * 1.5) : ds;
        }
        return new ContinuationResult(points, bifurcations);
    }

    /// <summary>Real part of the leading complex-conjugate pair (the Hopf test function); NaN when there is none.</summary>
    public static double HopfTest(Complex[] eigenvalues)
    {
        ArgumentNullException.ThrowIfNull(eigenvalues);
        foreach (var e in eigenvalues) // sorted by real part, largest first
        {
            if (Math.Abs(e.Imaginary) > 1e-9)
            {
                return e.Real;
            }
        }
        return double.NaN;
    }

    /// <summary>dy/dp from a tangent (t_y, t_p) of the extended system.</summary>
    private static double[] SlopeOf(double[] t)
    {
        int n = t.Length - 1;
        var slope = new double[n];
        for (int i = 0; i < n; i++)
        {
            slope[i] = t[i] / t[n];
        }
        return slope;
    }

    private static void Normalise(double[] t, int sign)
    {
        double norm = Math.Sqrt(t.Sum(v => v * v));
        int n = t.Length - 1;
        double s = (t[n] * sign < 0 ? -1 : 1) / norm;
        for (int i = 0; i < t.Length; i++) t[i] *= s;
    }

    private sealed class Context(IOdeSystem system, Action<double> setParameter, ContinuationOptions o)
    {
        private readonly int _n = system.Dimension;

        public IOdeSystem WithParameter(double[] x)
        {
            setParameter(x[_n]);
            return system;
        }

        public (Matrix<double> Fy, Vector<double> Fp) Jacobians(double[] x)
        {
            int n = _n;
            double p = x[n];
            setParameter(p);
            var fy = Linearisation.Jacobian(system, x.AsSpan(0, n));
            double h = 1e-6 * (1 + Math.Abs(p));
            var fPlus = new double[n];
            var fMinus = new double[n];
            setParameter(p + h);
            system.Derivatives(x.AsSpan(0, n), fPlus);
            setParameter(p - h);
            system.Derivatives(x.AsSpan(0, n), fMinus);
            setParameter(p);
            var fp = Vector<double>.Build.Dense(n, i => (fPlus[i] - fMinus[i]) / (2 * h));
            return (fy, fp);
        }

        private Matrix<double> Augmented(double[] x, double[] t)
        {
            int n = _n;
            var (fy, fp) = Jacobians(x);
            var a = Matrix<double>.Build.Dense(n + 1, n + 1);
            a.SetSubMatrix(0, 0, fy);
            a.SetColumn(n, 0, n, fp);
            for (int j = 0; j <= n; j++) a[n, j] = t[j];
            return a;
        }

        public (double[]? X, int Iterations) Correct(double[] x, double[] t, double ds)
        {
            int n = _n;
            var pred = new double[n + 1];
            for (int i = 0; i <= n; i++) pred[i] = x[i] + ds * t[i];
            var xs = (double[])pred.Clone();
            var f = new double[n];
            for (int it = 1; it <= 12; it++)
            {
                setParameter(xs[n]);
                system.Derivatives(xs.AsSpan(0, n), f);
                double arc = 0;
                for (int i = 0; i <= n; i++) arc += t[i] * (xs[i] - pred[i]);
                var g = Vector<double>.Build.Dense(n + 1, i => i < n ? f[i] : arc);
                if (g.InfinityNorm() <= o.Tolerance && it > 1)
                {
                    return (xs, it);
                }
                var step = Augmented(xs, t).Solve(g);
                for (int i = 0; i <= n; i++) xs[i] -= step[i];
                if (!xs.All(double.IsFinite)) return (null, it);
            }
            setParameter(xs[n]);
            system.Derivatives(xs.AsSpan(0, n), f);
            return f.Max(Math.Abs) <= 1e3 * o.Tolerance ? (xs, 12) : (null, 12);
        }

        public double[] Tangent(double[] x, double[] tPrev)
        {
            int n = _n;
            var rhs = Vector<double>.Build.Dense(n + 1);
            rhs[n] = 1;
            var tau = Augmented(x, tPrev).Solve(rhs).ToArray();
            double norm = Math.Sqrt(tau.Sum(v => v * v));
            for (int i = 0; i <= n; i++) tau[i] /= norm;
            return tau;
        }

        public BranchPoint Point(double[] x)
        {
            setParameter(x[_n]);
            return new BranchPoint(x[_n], x[.._n], Linearisation.Eigenvalues(system, x.AsSpan(0, _n)));
        }

        public Bifurcation Locate(BifurcationKind kind, double[] x, double[] t, double ds, Func<double[], double[], double> test, double testAtStart)
        {
            double a = 0, b = ds;
            double[] best = x;
            int signA = Math.Sign(testAtStart);
            for (int k = 0; k < o.RefineSteps && b - a > 1e-13 * (1 + ds); k++)
            {
                double mid = 0.5 * (a + b);
                var (xm, _) = Correct(x, t, mid);
                if (xm is null) break;
                double value = test(xm, Tangent(xm, t));
                best = xm;
                if (Math.Sign(value) == signA) a = mid; else b = mid;
            }
            double frequency = double.NaN;
            if (kind == BifurcationKind.Hopf)
            {
                var ev = Linearisation.Eigenvalues(WithParameter(best), best.AsSpan(0, _n));
                frequency = ev.Where(e => Math.Abs(e.Imaginary) > 1e-9).Select(e => Math.Abs(e.Imaginary)).FirstOrDefault() * 1000 / (2 * Math.PI);
            }
            return new Bifurcation(kind, best[_n], best[.._n], frequency);
        }
    }
}
