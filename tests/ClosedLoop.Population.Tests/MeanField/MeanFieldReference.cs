using ClosedLoop.Population.MeanField;

namespace ClosedLoop.Population.Tests.MeanField;

/// <summary>
/// An independent route to the one-population steady states: parameterised by the rate r, every other variable
/// and the current I that holds it follow in closed form (s = tau J r; v from the r equation, which is linear in v;
/// u = b (v - v_r) + d r / a; I from the v equation). Folds of the steady-state curve are the extrema of I(r).
/// </summary>
internal static class MeanFieldReference
{
    /// <summary>The steady state (r, v, u, s) held by current I(r), for rate r in 1/ms (assumes v &gt; v_r).</summary>
    public static (double I, double V, double U, double S) SteadyStateAtRate(IzhikevichPopulation p, double g, double j, double r)
    {
        double c = p.CapacitancePf, k = p.K, vr = p.RestMv, vt = p.ThresholdMv, delta = p.DeltaMv;
        double s = p.SynapseTauMs * j * r;
        double kappa = delta * k * k / (Math.PI * c);
        // kappa (v - v_r) + r (k (2 v - v_r - v_t) - g s) = 0
        double v = (kappa * vr + r * (k * (vr + vt) + g * s)) / (kappa + 2 * k * r);
        double u = p.B * (v - vr) + p.D * r / p.A;
        double i = -(k * v * (v - vr - vt) + k * vr * vt - Math.PI * c * r * (delta + Math.PI * c * r / k) + g * s * (p.ReversalMv - v) - u);
        return (i, v, u, s);
    }

    /// <summary>The currents at the folds (local extrema of I(r)) on r in (0, rMax], refined by golden-section search.</summary>
    public static List<double> Folds(IzhikevichPopulation p, double g, double j, double rMax = 0.2)
    {
        var folds = new List<double>();
        const int N = 20000;
        double h = rMax / N;
        double I(double r) => SteadyStateAtRate(p, g, j, r).I;
        for (int n = 1; n < N - 1; n++)
        {
            double a = I(n * h), b = I((n + 1) * h), c = I((n + 2) * h);
            if ((b - a) * (c - b) < 0)
            {
                bool max = b > a;
                double lo = n * h, hi = (n + 2) * h;
                for (int it = 0; it < 100; it++)
                {
                    double m1 = hi - 0.618 * (hi - lo), m2 = lo + 0.618 * (hi - lo);
                    bool keepLeft = max ? I(m1) > I(m2) : I(m1) < I(m2);
                    if (keepLeft) hi = m2; else lo = m1;
                }
                folds.Add(I(0.5 * (lo + hi)));
            }
        }
        return folds;
    }
}
