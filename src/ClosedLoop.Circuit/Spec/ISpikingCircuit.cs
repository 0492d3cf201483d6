using ClosedLoop.Circuit.Engine;
using ClosedLoop.Core.Models;

namespace ClosedLoop.Circuit.Spec;

/// <summary>Where a population's neurons sit in the global neuron index.</summary>
/// <param name="Name">Population name.</param>
/// <param name="Type">Cell type.</param>
/// <param name="Offset">Global index of the first neuron.</param>
/// <param name="Count">Number of neurons.</param>
public readonly record struct PopulationRange(string Name, CellType Type, int Offset, int Count);

/// <summary>State variables that can be probed, per compartment.</summary>
public enum StateVariable
{
    /// <summary>Somatic membrane potential v, mV.</summary>
    V,

    /// <summary>Somatic recovery variable u, pA.</summary>
    U,

    /// <summary>Dendritic potential v_d, mV (pyramidal cells only).</summary>
    VDendrite,

    /// <summary>Dendritic recovery u_d (pyramidal cells only).</summary>
    UDendrite,

    /// <summary>Total synaptic conductance onto the soma, nS.</summary>
    GSoma,

    /// <summary>NMDA conductance onto the soma (before the Mg block and the NMDA gain), nS.</summary>
    GNmdaSoma,

    /// <summary>Somatic adaptation conductance g_a, nS (pyramidal cells only; 0 when the option is off).</summary>
    GAdaptation,
}

/// <summary>
/// A spiking circuit as the CLI, recorders and tests see it: the <see cref="IModel"/> contract plus
/// spike and state access. All members are allocation-free after construction.
/// </summary>
public interface ISpikingCircuit : IModel
{
    /// <summary>The activity after the last step, typed (the same numbers as <see cref="IModel.Readout"/>).</summary>
    CircuitActivity Activity { get; }

    /// <summary>Total number of neurons.</summary>
    int NeuronCount { get; }

    /// <summary>Total number of synapses.</summary>
    long SynapseCount { get; }

    /// <summary>Populations in index order.</summary>
    IReadOnlyList<PopulationRange> Populations { get; }

    /// <summary>Global indices of the neurons that spiked during the last step (valid until the next step).</summary>
    ReadOnlySpan<int> SpikedLastStep { get; }

    /// <summary>Synaptic events delivered during the last step (for throughput figures).</summary>
    long SynapticEventsLastStep { get; }

    /// <summary>Read one state variable of one neuron (NaN where the variable does not exist for that cell).</summary>
    float GetState(StateVariable variable, int neuron);

    /// <summary>Current weight of synapse <paramref name="synapse"/> of projection <paramref name="projection"/> (plasticity tests and recordings).</summary>
    float GetWeight(int projection, int synapse);

    /// <summary>Number of synapses of projection <paramref name="projection"/>.</summary>
    int GetProjectionSynapseCount(int projection);
}
