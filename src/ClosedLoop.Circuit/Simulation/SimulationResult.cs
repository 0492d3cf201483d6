using ClosedLoop.Circuit.Spec;

namespace ClosedLoop.Circuit.Simulation;

/// <summary>What a simulation did and how fast.</summary>
/// <param name="Cells">Neurons.</param>
/// <param name="Synapses">Synapses.</param>
/// <param name="Steps">Steps taken.</param>
/// <param name="SimulatedMs">Simulated time, ms.</param>
/// <param name="BuildSeconds">Wall time to build the circuit, s.</param>
/// <param name="WallSeconds">Wall time of the step loop including recording, s.</param>
/// <param name="SynapticEvents">Synaptic events delivered.</param>
/// <param name="Populations">Populations, index order.</param>
/// <param name="SpikeCounts">Spikes per population, index order.</param>
public sealed record SimulationResult(
    int Cells,
    long Synapses,
    long Steps,
    double SimulatedMs,
    double BuildSeconds,
    double WallSeconds,
    long SynapticEvents,
    IReadOnlyList<PopulationRange> Populations,
    IReadOnlyList<long> SpikeCounts)
{
    /// <summary>Simulated time over wall time: above 1 = faster than real time.</summary>
    public double RealTimeFactor => SimulatedMs / 1000.0 / WallSeconds;

    /// <summary>Mean rate of population <paramref name="index"/> over the whole run, Hz.</summary>
    public double RateHz(int index) => SpikeCounts[index] / (Populations[index].Count * SimulatedMs / 1000.0);
}
