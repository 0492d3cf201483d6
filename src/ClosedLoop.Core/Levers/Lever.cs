namespace ClosedLoop.Core.Levers;

/// <summary>
/// The neuromodulatory levers, one value per field of <see cref="LeverSet"/> in declaration order (so
/// <c>(int)lever</c> is the lever's index into <see cref="LeverSet.AsSpan"/>). Names, units, legal ranges and
/// neutral values are in <see cref="LeverSchema"/>; the number of levers is <see cref="LeverSchema.Count"/>.
/// </summary>
public enum Lever
{
    /// <summary>Dendro-somatic coupling g_c (<c>coupling</c>).</summary>
    Coupling,

    /// <summary>Tonic current into the apical dendrite (<c>dendritic_drive</c>).</summary>
    DendriticDrive,

    /// <summary>Tonic current into the pyramidal soma (<c>somatic_drive</c>).</summary>
    SomaticDrive,

    /// <summary>Shift of the pyramidal spike threshold (<c>threshold_shift</c>).</summary>
    ThresholdShift,

    /// <summary>Shift of the pyramidal resting potential (<c>resting_shift</c>).</summary>
    RestingShift,

    /// <summary>Multiplier on AMPA conductances (<c>ampa_gain</c>).</summary>
    AmpaGain,

    /// <summary>Multiplier on NMDA conductances (<c>nmda_gain</c>).</summary>
    NmdaGain,

    /// <summary>Multiplier on GABA-A conductances (<c>gaba_gain</c>).</summary>
    GabaGain,

    /// <summary>Multiplier on synaptic time constants (<c>synaptic_time_scale</c>).</summary>
    SynapticTimeScale,

    /// <summary>Strength of SOM (dendrite-targeting) inhibition (<c>som_strength</c>).</summary>
    SomStrength,

    /// <summary>Strength of PV (soma-targeting) inhibition (<c>pv_strength</c>).</summary>
    PvStrength,
}
