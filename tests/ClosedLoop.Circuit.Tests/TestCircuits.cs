using ClosedLoop.Circuit.Engine;
using ClosedLoop.Circuit.Spec;
using ClosedLoop.Core.Levers;

namespace ClosedLoop.Circuit.Tests;

/// <summary>Small circuits shared by the tests.</summary>
internal static class TestCircuits
{
    public static Microcircuit SingleCell(CellType type, string? preset, double dtMs, params DriveSpec[] drives)
        => MicrocircuitBuilder.BuildMicrocircuit(new CircuitSpec
        {
            Populations = [new PopulationSpec("c", type, 1, preset)],
            Drives = drives,
            DtMs = dtMs,
        });

    /// <summary>Run and return spike times of neuron 0 (ms): the end of the step in which it crossed threshold (every cell type), or with <paramref name="stepStart"/> that step's start.</summary>
    public static List<double> SpikeTimes(Microcircuit c, double durationMs, int neuron = 0, bool stepStart = false)
    {
        var times = new List<double>();
        int steps = (int)Math.Round(durationMs / c.DtMs);
        for (int s = 0; s < steps; s++)
        {
            c.Step();
            foreach (int n in c.SpikedLastStep)
            {
                if (n == neuron) times.Add((stepStart ? s : s + 1) * c.DtMs);
            }
        }
        return times;
    }

    /// <summary>A one-step current pulse that makes a PV cell (C = 20 pF) fire at the end of the step starting at <paramref name="tMs"/>.</summary>
    public static DriveSpec Kick(string population, double tMs, double dtMs = 0.1)
        => new(population, DriveKind.Step, Compartment.Soma, Amplitude: 50_000, StartMs: tMs - 0.01 * dtMs, StopMs: tMs + 0.99 * dtMs);

    public static LeverSet Neutral => LeverSet.Neutral;
}
