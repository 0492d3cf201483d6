using System.Text;
using ClosedLoop.Circuit.Spec;
using ClosedLoop.Circuit.Scenarios;

namespace ClosedLoop.Circuit.Simulation;

/// <summary>
/// Writes traces.csv in long form: header <c>t_ms,neuron,variable,value</c>, one row per sampled neuron and
/// variable, neuron = global index, variable as spelled in the scenario (v, u, v_dendrite, u_dendrite,
/// g_soma), value in the variable's unit (mV, pA, nS). Each trace is sampled every
/// round(interval_ms / dt) steps, at the end of the step.
/// </summary>
public sealed class TraceRecorder : IStepRecorder
{
    private readonly Utf8CsvWriter _writer;
    private readonly Probe[] _probes;

    public TraceRecorder(string path, IReadOnlyList<TraceSpec> traces, IReadOnlyList<PopulationRange> populations, double dtMs)
    {
        _writer = new Utf8CsvWriter(path, "t_ms,neuron,variable,value");
        var probes = new List<Probe>();
        foreach (var trace in traces)
        {
            var range = populations.First(p => p.Name == trace.Population);
            long every = Math.Max(1, (long)Math.Round(trace.IntervalMs / dtMs));
            var name = Encoding.ASCII.GetBytes(ScenarioNames.Of(trace.Variable));
            foreach (int local in trace.Neurons)
            {
                probes.Add(new Probe(trace.Variable, range.Offset + local, every, name));
            }
        }
        _probes = [.. probes];
    }

    public void OnStep(long step, double timeMs, ISpikingCircuit circuit)
    {
        foreach (var probe in _probes)
        {
            if ((step + 1) % probe.EverySteps != 0)
            {
                continue;
            }
            _writer.Write(timeMs, "F4");
            _writer.Write(probe.Neuron);
            _writer.Write(probe.Name);
            _writer.Write(circuit.GetState(probe.Variable, probe.Neuron), "G7");
            _writer.EndRow();
        }
    }

    public void Complete(long steps, double timeMs) => _writer.Flush();

    public void Dispose() => _writer.Dispose();

    private sealed record Probe(StateVariable Variable, int Neuron, long EverySteps, byte[] Name);
}
