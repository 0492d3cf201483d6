namespace ClosedLoop.Circuit.Cells;

/// <summary>
/// Reference integrator for one Izhikevich (2003) cell in double precision, with the paper's own scheme
/// (Izhikevich 2003, spnet/net.m): at the start of each step of <c>dt</c> the threshold is checked
/// (spike time = step start; v &lt;- c, u &lt;- u + d), then v takes two half-steps of dt/2, then u one step
/// using the updated v. Used by the tests to check the network engine cell by cell.
/// </summary>
public static class Izhikevich2003Reference
{
    /// <summary>Simulate from v = -65, u = b v; returns spike times (ms) and writes v at each step start into <paramref name="vTrace"/> if given.</summary>
    public static List<double> Simulate(Izhikevich2003Parameters p, Func<double, double> current, double durationMs, double dtMs = 1.0, double[]? vTrace = null)
    {
        ArgumentNullException.ThrowIfNull(current);
        double v = Izhikevich2003Parameters.V0, u = p.B * v, h = 0.5 * dtMs;
        var spikes = new List<double>();
        int steps = (int)Math.Round(durationMs / dtMs);
        for (int n = 0; n < steps; n++)
        {
            double t = n * dtMs;
            if (v >= Izhikevich2003Parameters.VPeak)
            {
                spikes.Add(t);
                v = p.C;
                u += p.D;
            }
            if (vTrace is not null && n < vTrace.Length) vTrace[n] = v;
            double i = current(t);
            v += h * (0.04 * v * v + 5 * v + 140 - u + i);
            v += h * (0.04 * v * v + 5 * v + 140 - u + i);
            u += dtMs * p.A * (p.B * v - u);
        }
        return spikes;
    }
}
