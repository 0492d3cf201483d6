namespace ClosedLoop.Core.Models;

/// <summary>
/// The standard readout names. Configs written for the L5 microcircuit name these; a population model that
/// reports the same quantity under its own name gives the standard one as its alias, so those configs keep working.
/// </summary>
public static class ReadoutNames
{
    /// <summary>Mean pyramidal (excitatory) firing rate, Hz.</summary>
    public const string PyramidalRateHz = "pyramidal_rate_hz";

    /// <summary>Mean SOM (dendrite-targeting interneuron) rate, Hz.</summary>
    public const string SomRateHz = "som_rate_hz";

    /// <summary>Mean PV (soma-targeting interneuron) rate, Hz.</summary>
    public const string PvRateHz = "pv_rate_hz";

    /// <summary>Fraction of pyramidal spikes that belong to bursts, 0..1.</summary>
    public const string BurstFraction = "burst_fraction";

    /// <summary>The model's gain estimate, dimensionless (1 = neutral levers).</summary>
    public const string Gain = "gain";

    /// <summary>Spikes emitted in the last step, all populations.</summary>
    public const string SpikesPerStep = "spikes_per_step";

    /// <summary>
    /// The schema of recordings written before models declared their readout (format version 1): the
    /// microcircuit's fixed fields, in their record order.
    /// </summary>
    public static ReadoutSchema Legacy { get; } = new(
        new ReadoutChannel(PyramidalRateHz, "Hz", "mean pyramidal rate"),
        new ReadoutChannel(SomRateHz, "Hz", "mean SOM rate"),
        new ReadoutChannel(PvRateHz, "Hz", "mean PV rate"),
        new ReadoutChannel(BurstFraction, "1", "fraction of pyramidal spikes in bursts"),
        new ReadoutChannel(Gain, "1", "gain estimate, 1 = neutral levers"),
        new ReadoutChannel(SpikesPerStep, "1", "spikes in the last step, all populations"));
}
