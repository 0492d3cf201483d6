namespace ClosedLoop.Circuit.Bench;

/// <summary>Throughput of one network size.</summary>
/// <param name="Cells">Neurons.</param>
/// <param name="Synapses">Synapses.</param>
/// <param name="DtMs">Integration step, ms.</param>
/// <param name="SimulatedSeconds">Simulated time measured (after warm-up), s.</param>
/// <param name="WallSeconds">Wall time of the measured steps, s.</param>
/// <param name="SynapticEvents">Synaptic events delivered in the measured steps.</param>
/// <param name="Spikes">Spikes in the measured steps.</param>
/// <param name="BuildSeconds">Wall time to build the network, s.</param>
public sealed record BenchResult(
    int Cells,
    long Synapses,
    double DtMs,
    double SimulatedSeconds,
    double WallSeconds,
    long SynapticEvents,
    long Spikes,
    double BuildSeconds)
{
    /// <summary>CPU seconds the stepping thread used for the measured steps (NaN where unavailable).</summary>
    public double CpuSeconds { get; init; } = double.NaN;

    /// <summary>CPU seconds per simulated second: the work, independent of other load on the machine.</summary>
    public double CpuPerSimulatedSecond => CpuSeconds / SimulatedSeconds;

    /// <summary>Wall seconds per simulated second.</summary>
    public double WallPerSimulatedSecond => WallSeconds / SimulatedSeconds;

    /// <summary>Neuron updates (cells x steps) per wall second.</summary>
    public double NeuronUpdatesPerSecond => Cells * (SimulatedSeconds * 1000.0 / DtMs) / WallSeconds;

    /// <summary>Synaptic events per wall second.</summary>
    public double SynapticEventsPerSecond => SynapticEvents / WallSeconds;

    /// <summary>Simulated over wall time: at least 1 = real time.</summary>
    public double RealTimeFactor => SimulatedSeconds / WallSeconds;

    /// <summary>Simulated over CPU time of the stepping thread: what a dedicated core would sustain (NaN where unavailable).</summary>
    public double CpuRealTimeFactor => SimulatedSeconds / CpuSeconds;

    /// <summary>Mean firing rate over all cells, Hz.</summary>
    public double MeanRateHz => Spikes / (Cells * SimulatedSeconds);
}
