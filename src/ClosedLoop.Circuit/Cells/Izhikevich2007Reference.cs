namespace ClosedLoop.Circuit.Cells;

/// <summary>
/// Reference integrator for one Izhikevich (2007) cell in double precision: forward Euler with step dt as in
/// the book's listings (v and u both from the old state; u uses U(v_old)), threshold checked after the
/// update; a spike at the end of step n is timed (n + 1) dt. Starts at v = v_r, u = 0.
/// </summary>
public static class Izhikevich2007Reference
{
    /// <summary>Simulate; returns spike times, ms; writes v at each step end into <paramref name="vTrace"/> if given.</summary>
    public static List<double> Simulate(Izhikevich2007Parameters p, Func<double, double> current, double durationMs, double dtMs = 0.1, double[]? vTrace = null)
    {
        ArgumentNullException.ThrowIfNull(current);
        double v = p.VR, u = 0;
        var spikes = new List<double>();
        int steps = (int)Math.Round(durationMs / dtMs);
        for (int n = 0; n < steps; n++)
        {
            double t = n * dtMs;
            double i = current(t);
            double vNew = v + dtMs * (p.K * (v - p.VR) * (v - p.VT) - u + i) / p.C;
            double target = p.CubicU ? (v > p.VB ? p.B * Math.Pow(v - p.VB, 3) : 0.0) : p.B * (v - p.VR);
            double uNew = u + dtMs * p.A * (target - u);
            if (vNew >= p.VPeak + p.PeakU * uNew)
            {
                spikes.Add((n + 1) * dtMs);
                vNew = p.CReset + p.ResetU * uNew;
                uNew = Math.Min(uNew + p.D, p.UMax);
            }
            v = vNew;
            u = uNew;
            if (vTrace is not null && n < vTrace.Length) vTrace[n] = v;
        }
        return spikes;
    }
}
