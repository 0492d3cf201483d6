using ClosedLoop.Circuit.Engine;
using ClosedLoop.Core.Levers;

namespace ClosedLoop.Circuit.Analysis;

/// <summary>
/// Network gain of the default microcircuit under lever sets (<see cref="NetworkGainProtocol"/>): for every lever
/// set and seed, pyramidal rate with and without a somatic current step, burst fraction, SOM and PV rates.
/// Deterministic: each (lever set, seed, step) run is its own circuit, so results do not depend on parallelism.
/// </summary>
public static class NetworkGain
{
    /// <summary>Measure every lever set of <paramref name="sets"/> (label, levers) on every seed.</summary>
    /// <returns>Points ordered by set, then seed.</returns>
    public static IReadOnlyList<NetworkGainPoint> Measure(NetworkGainProtocol protocol, IReadOnlyList<(double Label, LeverSet Levers)> sets)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        ArgumentNullException.ThrowIfNull(sets);
        protocol.Validate();
        int seeds = protocol.Seeds.Count;
        var runs = new RunResult[sets.Count * seeds * 2];
        Parallel.For(0, runs.Length, new ParallelOptions { MaxDegreeOfParallelism = protocol.Parallelism }, r =>
        {
            int set = r / (2 * seeds), seed = r / 2 % seeds;
            runs[r] = Run(protocol, sets[set].Levers, protocol.Seeds[seed], (r & 1) == 1 ? protocol.StepPa : 0.0);
        });
        var points = new NetworkGainPoint[sets.Count * seeds];
        for (int p = 0; p < points.Length; p++)
        {
            RunResult b = runs[2 * p], s = runs[2 * p + 1];
            points[p] = new NetworkGainPoint(sets[p / seeds].Label, protocol.Seeds[p % seeds], sets[p / seeds].Levers,
                b.PyramidalHz, s.PyramidalHz, (s.PyramidalHz - b.PyramidalHz) / (protocol.StepPa / 1000.0),
                b.BurstFraction, b.SomHz, b.PvHz);
        }
        return points;
    }

    /// <summary>Mean and sample standard deviation of <paramref name="values"/> (sd 0 for one value).</summary>
    public static (double Mean, double Sd) MeanSd(IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var v = values.ToArray();
        if (v.Length == 0) return (double.NaN, double.NaN);
        double mean = v.Average();
        double sd = v.Length < 2 ? 0.0 : Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1));
        return (mean, sd);
    }

    private readonly record struct RunResult(double PyramidalHz, double SomHz, double PvHz, double BurstFraction);

    private static RunResult Run(NetworkGainProtocol protocol, LeverSet levers, int seed, double inputPa)
    {
        var circuit = MicrocircuitBuilder.BuildMicrocircuit(DefaultMicrocircuit.Create(protocol.Cells, seed, protocol.DtMs));
        circuit.SetLeversImmediate(levers);
        circuit.SetInput((float)inputPa);
        var pyr = circuit.Populations.First(p => p.Name == DefaultMicrocircuit.Pyramidal);
        var som = circuit.Populations.First(p => p.Name == DefaultMicrocircuit.Som);
        var pv = circuit.Populations.First(p => p.Name == DefaultMicrocircuit.Pv);
        int settle = (int)Math.Round(protocol.SettleMs / protocol.DtMs);
        int total = settle + (int)Math.Round(protocol.DurationMs / protocol.DtMs);
        int isiSteps = (int)Math.Ceiling(Microcircuit.BurstIsiMs / protocol.DtMs);
        var last = new long[pyr.Count];
        var lastWasBurst = new bool[pyr.Count];
        Array.Fill(last, long.MinValue / 4);
        long nPyr = 0, nSom = 0, nPv = 0, burstSpikes = 0;
        for (int s = 0; s < total; s++)
        {
            circuit.Step();
            foreach (int n in circuit.SpikedLastStep)
            {
                int i = n - pyr.Offset;
                if ((uint)i < (uint)pyr.Count)
                {
                    bool burst = s - last[i] < isiSteps;
                    if (s >= settle)
                    {
                        nPyr++;
                        if (burst) burstSpikes += lastWasBurst[i] ? 1 : 2;
                    }
                    lastWasBurst[i] = burst;
                    last[i] = s;
                }
                else if (s >= settle && (uint)(n - som.Offset) < (uint)som.Count) nSom++;
                else if (s >= settle && (uint)(n - pv.Offset) < (uint)pv.Count) nPv++;
            }
        }
        double sec = protocol.DurationMs / 1000.0;
        return new RunResult(nPyr / sec / pyr.Count, nSom / sec / som.Count, nPv / sec / pv.Count,
            nPyr == 0 ? 0.0 : Math.Min(1.0, burstSpikes / (double)nPyr));
    }
}
