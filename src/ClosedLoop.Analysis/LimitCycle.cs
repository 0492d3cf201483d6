using ClosedLoop.Population.Ode;

namespace ClosedLoop.Analysis;

/// <summary>Frequency and amplitude of a sustained oscillation, measured by simulation.</summary>
/// <param name="FrequencyHz">Mean frequency from upward crossings of the signal's mean, Hz (systems in ms); 0 when it does not oscillate.</param>
/// <param name="PeakToPeak">Max minus min of the observed variable over the window.</param>
/// <param name="Cycles">Full cycles counted.</param>
/// <param name="Mean">Mean of the observed variable: over the whole cycles counted when it oscillates, else over the window.</param>
public sealed record Oscillation(double FrequencyHz, double PeakToPeak, int Cycles, double Mean = double.NaN);

/// <summary>Limit cycles by direct simulation (RK4): past a supercritical Hopf the orbit attracts, so integrating long enough finds it.</summary>
public static class LimitCycle
{
    /// <summary>
    /// Integrate from <paramref name="y"/> for <paramref name="transientMs"/>, then observe variable
    /// <paramref name="index"/> (through <paramref name="observe"/> when given) for <paramref name="windowMs"/>.
    /// A swing below <paramref name="minPeakToPeak"/> counts as no oscillation.
    /// </summary>
    public static Oscillation Measure(IOdeSystem system, double[] y, double dtMs, double transientMs, double windowMs, int index = 0, Func<double[], double>? observe = null, double minPeakToPeak = 1e-6)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(y);
        var rk = new Rk4Integrator(system.Dimension);
        rk.Run(system, y, dtMs, (int)Math.Round(transientMs / dtMs));
        int steps = (int)Math.Round(windowMs / dtMs);
        var signal = new double[steps];
        for (int i = 0; i < steps; i++)
        {
            rk.Step(system, y, dtMs);
            signal[i] = observe is null ? y[index] : observe(y);
        }
        double min = signal.Min(), max = signal.Max();
        double mean = signal.Average();
        if (max - min < minPeakToPeak)
        {
            return new Oscillation(0, max - min, 0, mean);
        }
        double first = double.NaN, last = double.NaN;
        int crossings = 0, firstIndex = 0, lastIndex = 0;
        for (int i = 1; i < steps; i++)
        {
            if (signal[i - 1] < mean && signal[i] >= mean)
            {
                double t = (i - 1 + (mean - signal[i - 1]) / (signal[i] - signal[i - 1])) * dtMs;
                if (crossings == 0)
                {
                    first = t;
                    firstIndex = i;
                }
                last = t;
                lastIndex = i;
                crossings++;
            }
        }
        if (crossings < 2)
        {
            return new Oscillation(0, max - min, 0, mean);
        }
        double cycleMean = 0;
        for (int i = firstIndex; i < lastIndex; i++)
        {
            cycleMean += signal[i];
        }
        return new Oscillation((crossings - 1) * 1000.0 / (last - first), max - min, crossings - 1, cycleMean / (lastIndex - firstIndex));
    }
}
