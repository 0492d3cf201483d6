using System.Diagnostics;
using ClosedLoop.Circuit;
using ClosedLoop.Circuit.Scenarios;
using ClosedLoop.Circuit.Spec;
using ClosedLoop.Core.Configuration;

namespace ClosedLoop.Circuit.Simulation;

/// <summary>Builds a scenario's circuit, steps it for the scenario's duration and feeds the recorders.</summary>
public static class SimulationRunner
{
    /// <summary>Runs <paramref name="scenario"/> and writes its outputs into <paramref name="outDir"/> (created if needed).</summary>
    public static SimulationResult Run(Scenario scenario, string outDir)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        Directory.CreateDirectory(outDir);
        var buildClock = Stopwatch.StartNew();
        ISpikingCircuit circuit;
        try
        {
            circuit = MicrocircuitBuilder.Build(scenario.Circuit);
        }
        catch (ArgumentException ex)
        {
            // The engine's own validation (a spec the scenario checks let through) is still bad input; the
            // builder names what it rejects in its message, not as a field of the file.
            throw new ConfigException("", $"scenario '{scenario.Name}' rejected by the circuit builder: {ex.Message}", ex);
        }
        double buildSeconds = buildClock.Elapsed.TotalSeconds;

        var outputs = scenario.Outputs;
        var rates = new RateRecorder(Path.Combine(outDir, "rates.csv"), circuit.Populations, outputs.RateBinMs, scenario.Circuit.DtMs);
        var recorders = new List<IStepRecorder> { rates };
        try
        {
            if (outputs.Spikes)
            {
                recorders.Add(new SpikeRecorder(Path.Combine(outDir, "spikes.csv")));
            }
            if (outputs.Traces.Count > 0)
            {
                recorders.Add(new TraceRecorder(Path.Combine(outDir, "traces.csv"), outputs.Traces, circuit.Populations, scenario.Circuit.DtMs));
            }
            var (wall, events) = Loop(circuit, scenario.StepCount, scenario.Circuit.DtMs, [.. recorders]);
            return new SimulationResult(
                circuit.NeuronCount, circuit.SynapseCount, scenario.StepCount, scenario.StepCount * scenario.Circuit.DtMs,
                buildSeconds, wall, events, circuit.Populations, [.. rates.TotalCounts]);
        }
        finally
        {
            foreach (var r in recorders)
            {
                r.Dispose();
            }
        }
    }

    /// <summary>The step loop: step, hand the step to each recorder. Returns wall seconds and synaptic events.</summary>
    public static (double WallSeconds, long SynapticEvents) Loop(ISpikingCircuit circuit, long steps, double dtMs, IStepRecorder[] recorders)
    {
        ArgumentNullException.ThrowIfNull(circuit);
        ArgumentNullException.ThrowIfNull(recorders);
        long events = 0;
        long start = Stopwatch.GetTimestamp();
        for (long k = 0; k < steps; k++)
        {
            circuit.Step();
            events += circuit.SynapticEventsLastStep;
            double t = (k + 1) * dtMs;
            for (int r = 0; r < recorders.Length; r++)
            {
                recorders[r].OnStep(k, t, circuit);
            }
        }
        foreach (var r in recorders)
        {
            r.Complete(steps, steps * dtMs);
        }
        return (Stopwatch.GetElapsedTime(start).TotalSeconds, events);
    }
}
