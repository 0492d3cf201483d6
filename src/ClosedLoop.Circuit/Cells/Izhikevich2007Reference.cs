using System.Numerics;

namespace ClosedLoop.Circuit.Cells;

/// <summary>
/// Reference integrator for one Izhikevich (2007) cell: forward Euler with step dt as in the book's listings
/// (v and u both from the old state; u uses U(v_old)), threshold checked after the update; a spike at the
/// end of step n is timed (n + 1) dt. Starts at v = v_r, u = 0. Generic in precision (see
/// <see cref="Izhikevich2003Reference"/>); the float version mirrors the engine's operation order.
/// </summary>
public static class Izhikevich2007Reference
{
    /// <summary>Simulate; returns spike times, ms; writes v after each step into <paramref name="vTrace"/> if given.</summary>
    public static List<double> Simulate<T>(Izhikevich2007Parameters p, Func<double, double> current, double durationMs, double dtMs = 0.1, T[]? vTrace = null)
        where T : IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(current);
        T dt = T.CreateChecked(dtMs), dtc = dt / T.CreateChecked(p.C), adt = T.CreateChecked(p.A) * dt;
        T k = T.CreateChecked(p.K), vr = T.CreateChecked(p.VR), vt = T.CreateChecked(p.VT), b = T.CreateChecked(p.B);
        T vb = T.CreateChecked(p.VB), peak = T.CreateChecked(p.VPeak), peakU = T.CreateChecked(p.PeakU);
        T c = T.CreateChecked(p.CReset), resetU = T.CreateChecked(p.ResetU), d = T.CreateChecked(p.D), uMax = T.CreateChecked(p.UMax);
        T v = vr, u = T.Zero;
        var spikes = new List<double>();
        int steps = (int)Math.Round(durationMs / dtMs);
        for (int n = 0; n < steps; n++)
        {
            T i = T.CreateChecked(current(n * dtMs));
            T vNew = v + dtc * (k * (v - vr) * (v - vt) - u + i);
            T target;
            if (p.CubicU)
            {
                T x = v - vb;
                target = x > T.Zero ? b * x * x * x : T.Zero;
            }
            else
            {
                target = b * (v - vr);
            }
            T uNew = u + adt * (target - u);
            if (vNew >= peak + peakU * uNew)
            {
                spikes.Add((n + 1) * dtMs);
                vNew = c + resetU * uNew;
                uNew = T.Min(uNew + d, uMax);
            }
            v = vNew;
            u = uNew;
            if (vTrace is not null && n < vTrace.Length) vTrace[n] = v;
        }
        return spikes;
    }

    /// <summary>Double-precision run (the published reference).</summary>
    public static List<double> Simulate(Izhikevich2007Parameters p, Func<double, double> current, double durationMs, double dtMs = 0.1)
        => Simulate<double>(p, current, durationMs, dtMs);
}
