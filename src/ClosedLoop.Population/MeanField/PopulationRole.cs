namespace ClosedLoop.Population.MeanField;

/// <summary>What a population is in the circuit: which synapse it makes and which levers reach it.</summary>
public enum PopulationRole
{
    /// <summary>Excitatory (regular-spiking pyramidal cells): AMPA synapses; takes the drive, threshold and resting levers.</summary>
    Excitatory,

    /// <summary>Fast-spiking, soma-targeting interneurons (PV): GABA-A synapses scaled by <c>pv_strength</c>.</summary>
    Pv,

    /// <summary>Low-threshold-spiking, dendrite-targeting interneurons (SOM): GABA-A synapses scaled by <c>som_strength</c>.</summary>
    Som,
}
