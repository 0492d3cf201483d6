using ClosedLoop.Circuit.Spec;

namespace ClosedLoop.Circuit.Engine;

public sealed partial class Microcircuit
{
    /// <summary>
    /// Fill the per-cell external currents for the step starting at <paramref name="t"/> and add Poisson
    /// events. Constant and step drives act on [StartMs, StopMs). Poisson: each cell has its own exponential
    /// inter-event intervals; every event time in [t, t + dt) adds Amplitude nS of AMPA conductance.
    /// OU (exact update): x &lt;- mu + (x - mu) e^{-dt/tau} + sigma sqrt(1 - e^{-2 dt/tau}) N(0, 1).
    /// </summary>
    private void ApplyDrives(double t)
    {
        Array.Clear(_extSoma);
        Array.Clear(_extDend);
        double tEnd = t + _dt;
        foreach (var d in _drives)
        {
            var s = d.Spec;
            bool active = t >= s.StartMs && t < s.StopMs;
            float[] ext = s.Target == Compartment.Soma ? _extSoma : _extDend;
            int o = d.Range.Offset, n = d.Range.Count;
            switch (s.Kind)
            {
                case DriveKind.Constant:
                case DriveKind.Step:
                    if (active) ext.AsSpan(o, n).Add((float)s.Amplitude);
                    break;
                case DriveKind.OrnsteinUhlenbeck:
                {
                    float mu = (float)s.Amplitude;
                    float[] x = d.Ou;
                    for (int i = 0; i < n; i++)
                    {
                        x[i] = mu + (x[i] - mu) * d.OuDecay + d.OuNoise * (float)d.Rng.NextGaussian();
                        if (active) ext[o + i] += x[i];
                    }
                    break;
                }
                case DriveKind.Poisson:
                {
                    float[] g = s.Target == Compartment.Soma ? _gAmpaS : _gAmpaD;
                    float w = (float)s.Amplitude;
                    double[] next = d.NextEventMs;
                    for (int i = 0; i < n; i++)
                    {
                        while (next[i] < tEnd)
                        {
                            if (next[i] >= s.StartMs && next[i] < s.StopMs) g[o + i] += w;
                            next[i] += d.Rng.NextExponential() * d.MeanIntervalMs;
                        }
                    }
                    break;
                }
            }
        }
    }

    /// <summary>Current value of an OU drive for one cell of its population, pA (tests).</summary>
    internal float GetOuValue(int drive, int cell) => _drives[drive].Ou[cell];
}
