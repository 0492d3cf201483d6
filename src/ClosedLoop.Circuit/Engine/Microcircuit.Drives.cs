using ClosedLoop.Circuit.Spec;

namespace ClosedLoop.Circuit.Engine;

public sealed partial class Microcircuit
{
    /// <summary>
    /// Fill the per-cell external currents for the step starting at <paramref name="t"/> and add Poisson
    /// events. Every drive acts on steps whose start lies in [StartMs, StopMs). Poisson: independent trains
    /// per cell; each event in the step adds Amplitude nS of AMPA conductance at the step start.
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
                    if (!active || d.MeanEvents <= 0) break;
                    // Independent Poisson trains per cell, counted per step: the step's total is
                    // Poisson(n rate dt) and each event picks its cell uniformly, which is the same law as
                    // independent per-cell Poisson(rate dt) counts. Cost ~2 uniforms per event.
                    float[] g = s.Target == Compartment.Soma ? _gAmpaS : _gAmpaD;
                    float w = (float)s.Amplitude;
                    int events = SamplePoisson(ref d.Rng, d.ExpChunk, d.Chunks);
                    for (int e = 0; e < events; e++) g[o + d.Rng.NextInt(n)] += w;
                    break;
                }
            }
        }
    }

    /// <summary>
    /// Poisson variate with mean chunks x m, m = -log(<paramref name="expChunk"/>) at most 16, by Knuth's
    /// product method per chunk (keeps exp(-m) far from underflow); a sum of independent Poisson variates is
    /// Poisson with the summed mean. Exact; cost about mean + chunks uniforms.
    /// </summary>
    internal static int SamplePoisson(ref Random.Xoshiro256 rng, double expChunk, int chunks)
    {
        int count = 0;
        for (int c = 0; c < chunks; c++)
        {
            double prod = rng.NextDouble();
            while (prod > expChunk)
            {
                count++;
                prod *= rng.NextDouble();
            }
        }
        return count;
    }

    /// <summary>Current value of an OU drive for one cell of its population, pA (tests).</summary>
    internal float GetOuValue(int drive, int cell) => _drives[drive].Ou[cell];
}
