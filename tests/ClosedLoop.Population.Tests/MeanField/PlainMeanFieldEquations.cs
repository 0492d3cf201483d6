using ClosedLoop.Population.MeanField;
using ClosedLoop.Population.Ode;

namespace ClosedLoop.Population.Tests.MeanField;

/// <summary>
/// The mean-field equations written the plain way, straight from the paper's form (every division where the
/// equations have it, parameters read from the records at every evaluation): the reference that the derived-constant
/// <see cref="MeanFieldSystem"/> is compared against. Neutral levers; levers are tested by building the parameters they
/// stand for.
/// </summary>
internal sealed class PlainMeanFieldEquations(MeanFieldParameters p) : IOdeSystem
{
    public int Dimension => 4 * p.Count;

    public void Derivatives(ReadOnlySpan<double> y, Span<double> dydt)
    {
        int n = p.Count;
        for (int i = 0; i < n; i++)
        {
            var q = p.Populations[i];
            double r = y[i], v = y[n + i], u = y[2 * n + i];
            double g = 0, syn = 0;
            for (int j = 0; j < n; j++)
            {
                double gs = p.ConductanceNs * p.Weight(i, j) * y[3 * n + j];
                g += gs;
                syn += gs * (p.Populations[j].ReversalMv - v);
            }
            double c = q.CapacitancePf, k = q.K, vr = q.RestMv, vt = q.ThresholdMv, delta = q.DeltaMv;
            dydt[i] = (delta * k * k * Math.Abs(v - vr) / (Math.PI * c) + r * (k * (2 * v - vr - vt) - g)) / c;
            dydt[n + i] = (k * v * (v - vr - vt) + k * vr * vt - Math.PI * c * r * (delta * Math.Sign(v - vr) + Math.PI * c * r / k)
                + q.CurrentPa + syn - u) / c;
            dydt[2 * n + i] = q.A * (q.B * (v - vr) - u) + q.D * r;
            dydt[3 * n + i] = r - y[3 * n + i] / q.SynapseTauMs;
        }
    }
}
