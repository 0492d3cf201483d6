using ClosedLoop.Core.Models;

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

/// <summary>The readout class of each <see cref="PopulationRole"/>: the standard readout name its rate answers to and its label.</summary>
public static class PopulationRoles
{
    /// <summary>
    /// The standard rate name of <paramref name="role"/> (<see cref="ReadoutNames"/>): pyramidal for excitatory, PV for
    /// fast-spiking, SOM for low-threshold-spiking populations, so output channels and telemetry written for the
    /// microcircuit find them. Exhaustive: an unknown role throws rather than falling into some class.
    /// </summary>
    public static string StandardRateName(PopulationRole role) => role switch
    {
        PopulationRole.Excitatory => ReadoutNames.PyramidalRateHz,
        PopulationRole.Pv => ReadoutNames.PvRateHz,
        PopulationRole.Som => ReadoutNames.SomRateHz,
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "not a population role"),
    };

    /// <summary>The class label of <paramref name="role"/> for descriptions and dashboards ("pyramidal (RS)", "PV (FS)", "SOM (LTS)").</summary>
    public static string Label(PopulationRole role) => role switch
    {
        PopulationRole.Excitatory => "pyramidal (RS, excitatory)",
        PopulationRole.Pv => "PV (FS, soma-targeting inhibitory)",
        PopulationRole.Som => "SOM (LTS, dendrite-targeting inhibitory)",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "not a population role"),
    };
}
