using System.Numerics;

namespace ClosedLoop.Circuit.Cells;

/// <summary>
/// Reference integrator for one Izhikevich (2003) cell with the paper's own scheme (Izhikevich 2003,
/// spnet/net.m): at the start of each step of <c>dt</c> the threshold is checked (spike time = step start, which is
/// the end of the step in which v crossed 30: the engine's convention; v &lt;- c, u &lt;- u + d), then v takes two
/// half-steps of dt/2, then u one step using the updated v.
/// Generic in precision: double gives the published numbers (and is what the engine integrates); float shows why
/// it must: the 1 ms scheme amplifies rounding at each upstroke (v reaches about 1.5e3 mV inside a half step), so
/// float32 trains part from the double ones after 6 to 8 spikes (FS 64 vs 63, LTS 46 vs 44, TC 81 vs 67, RZ 79 vs 80).
/// </summary>
public static class Izhikevich2003Reference
{
    /// <summary>Simulate from v = -65, u = b v; returns spike times (ms); writes v after each step into <paramref name="vTrace"/> if given.</summary>
    public static List<double> Simulate<T>(Izhikevich2003Parameters p, Func<double, double> current, double durationMs, double dtMs = 1.0, T[]? vTrace = null)
        where T : IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(current);
        T v = T.CreateChecked(Izhikevich2003Parameters.V0), b = T.CreateChecked(p.B), u = b * v;
        T h = T.CreateChecked(0.5) * T.CreateChecked(dtMs), adt = T.CreateChecked(p.A) * T.CreateChecked(dtMs);
        T c = T.CreateChecked(p.C), d = T.CreateChecked(p.D), peak = T.CreateChecked(Izhikevich2003Parameters.VPeak);
        T k2 = T.CreateChecked(0.04), k1 = T.CreateChecked(5.0), k0 = T.CreateChecked(140.0);
        var spikes = new List<double>();
        int steps = (int)Math.Round(durationMs / dtMs);
        for (int n = 0; n < steps; n++)
        {
            double t = n * dtMs;
            if (v >= peak)
            {
                spikes.Add(t);
                v = c;
                u += d;
            }
            T i = T.CreateChecked(current(t));
            v = v + h * (k2 * v * v + k1 * v + k0 - u + i);
            v = v + h * (k2 * v * v + k1 * v + k0 - u + i);
            u += adt * (b * v - u);
            if (vTrace is not null && n < vTrace.Length) vTrace[n] = v;
        }
        return spikes;
    }

    /// <summary>Double-precision run (the published reference).</summary>
    public static List<double> Simulate(Izhikevich2003Parameters p, Func<double, double> current, double durationMs, double dtMs = 1.0)
        => Simulate<double>(p, current, durationMs, dtMs);
}
