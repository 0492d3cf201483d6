using ClosedLoop.Core.Levers;
using ClosedLoop.Modulation.Configuration;
using ClosedLoop.Core.Configuration;

namespace ClosedLoop.Modulation.Receptors;

/// <summary>
/// The occupancy -> lever map: one <see cref="LeverTerm"/> per <see cref="Lever"/>, one property each, named as the
/// lever (the config key is the schema name, <see cref="LeverSchema"/>; tested). Defaults give an
/// inverted U of the spiking circuit's measured gain over arousal (docs/modulation.md explains each term and gives the
/// measurement): alpha-2 closes HCN channels in the apical dendrite (coupling and dendritic drive up, NMDA-dependent
/// persistent activity up); alpha-1 (Gq) shifts excitability (threshold down, resting potential up, somatic drive up)
/// but undoes the dendritic gain (coupling, dendritic drive and NMDA gain down by more than alpha-2 raised them) and
/// recruits SOM and PV inhibition, so at high levels gain falls while the rate keeps rising.
/// <see cref="Version1"/> keeps the first coefficients (whose measured circuit gain rose monotonically) for
/// recordings made with them.
/// </summary>
public sealed record LeverMapOptions
{
    /// <summary>Arousal -> noradrenaline -> occupancy.</summary>
    public ReceptorMapOptions Receptors { get; init; } = ReceptorMapOptions.Default;

    /// <summary>Coupling g_c (0..1): 0.2 + 1.2 o2 - 1.4 o1.</summary>
    public LeverTerm Coupling { get; init; } = new(0.2, 1.2, -1.4);

    /// <summary>Dendritic drive, pA: 0 + 1200 o2 - 1500 o1.</summary>
    public LeverTerm DendriticDrive { get; init; } = new(0.0, 1200.0, -1500.0);

    /// <summary>Somatic drive, pA: 0 + 20 o1.</summary>
    public LeverTerm SomaticDrive { get; init; } = new(0.0, 0.0, 20.0);

    /// <summary>Threshold shift, mV: -2 o1.</summary>
    public LeverTerm ThresholdShift { get; init; } = new(0.0, 0.0, -2.0);

    /// <summary>Resting shift, mV: +2 o1.</summary>
    public LeverTerm RestingShift { get; init; } = new(0.0, 0.0, 2.0);

    /// <summary>AMPA gain multiplier: 1.</summary>
    public LeverTerm AmpaGain { get; init; } = LeverTerm.Constant(1.0);

    /// <summary>NMDA gain multiplier: 1 + 1.0 o2 - 1.2 o1.</summary>
    public LeverTerm NmdaGain { get; init; } = new(1.0, 1.0, -1.2);

    /// <summary>GABA-A gain multiplier: 1 + 0.3 o1.</summary>
    public LeverTerm GabaGain { get; init; } = new(1.0, 0.0, 0.3);

    /// <summary>Synaptic time scale multiplier: 1.</summary>
    public LeverTerm SynapticTimeScale { get; init; } = LeverTerm.Constant(1.0);

    /// <summary>SOM strength multiplier: 1 + 1.0 o1.</summary>
    public LeverTerm SomStrength { get; init; } = new(1.0, 0.0, 1.0);

    /// <summary>PV strength multiplier: 1 + 0.3 o1.</summary>
    public LeverTerm PvStrength { get; init; } = new(1.0, 0.0, 0.3);

    /// <summary>Defaults.</summary>
    public static LeverMapOptions Default { get; } = new();

    /// <summary>
    /// The first default map (format-1 recordings were made with it, and their config text does not spell the
    /// coefficients out, so their replay resolves the lever map over this preset): coupling 0.3 + 0.7 o2 - 0.7 o1,
    /// dendritic drive 50 o2 pA, NMDA gain 1 + 0.3 o2 - 0.3 o1, every other term as <see cref="Default"/>. On the
    /// default 2000-cell circuit its measured gain rises steadily with arousal (no inverted U; docs/modulation.md).
    /// </summary>
    public static LeverMapOptions Version1 { get; } = new()
    {
        Coupling = new(0.3, 0.7, -0.7),
        DendriticDrive = new(0.0, 50.0, 0.0),
        NmdaGain = new(1.0, 0.3, -0.3),
    };

    /// <summary>The term of <paramref name="lever"/>.</summary>
    public LeverTerm Term(Lever lever) => lever switch
    {
        Lever.Coupling => Coupling,
        Lever.DendriticDrive => DendriticDrive,
        Lever.SomaticDrive => SomaticDrive,
        Lever.ThresholdShift => ThresholdShift,
        Lever.RestingShift => RestingShift,
        Lever.AmpaGain => AmpaGain,
        Lever.NmdaGain => NmdaGain,
        Lever.GabaGain => GabaGain,
        Lever.SynapticTimeScale => SynapticTimeScale,
        Lever.SomStrength => SomStrength,
        Lever.PvStrength => PvStrength,
        _ => throw new ArgumentOutOfRangeException(nameof(lever), lever, "not a lever"),
    };

    /// <summary>The terms indexed by <c>(int)</c><see cref="Lever"/> (a new array).</summary>
    public LeverTerm[] TermsInFieldOrder()
    {
        var terms = new LeverTerm[LeverSchema.Count];
        foreach (var info in LeverSchema.All)
        {
            terms[(int)info.Lever] = Term(info.Lever);
        }
        return terms;
    }

    /// <summary>Throws <see cref="ConfigException"/> for the first bad coefficient.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Receptors);
        Receptors.Validate();
        foreach (var info in LeverSchema.All)
        {
            Term(info.Lever).Validate("levers." + info.Name);
        }
    }
}
