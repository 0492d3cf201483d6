using ClosedLoop.Circuit.Spec;

namespace ClosedLoop.Circuit.Simulation;

/// <summary>
/// Writes spikes.csv: header <c>t_ms,neuron</c>, one row per spike, time = end of the step in which the
/// spike was detected (ms, 4 decimals), neuron = global index.
/// </summary>
public sealed class SpikeRecorder : IStepRecorder
{
    private readonly Utf8CsvWriter _writer;

    public SpikeRecorder(string path) => _writer = new Utf8CsvWriter(path, "t_ms,neuron");

    /// <summary>Spikes written so far.</summary>
    public long SpikeCount { get; private set; }

    public void OnStep(long step, double timeMs, ISpikingCircuit circuit)
    {
        var spiked = circuit.SpikedLastStep;
        for (int i = 0; i < spiked.Length; i++)
        {
            _writer.Write(timeMs, "F4");
            _writer.Write(spiked[i]);
            _writer.EndRow();
        }
        SpikeCount += spiked.Length;
    }

    public void Complete(long steps, double timeMs) => _writer.Flush();

    public void Dispose() => _writer.Dispose();
}
