namespace ClosedLoop.Core.Levers;

/// <summary>
/// The one description of the levers: per <see cref="Lever"/> its config / wire name, unit, legal range,
/// neutral value and a one-line description. Every reader of lever names and ranges reads it:
/// <see cref="LeverSet.TryValidate"/> and <see cref="LeverSet.Neutral"/>, the lever map (its clamp and range
/// check), the scenario and rig config parsers, the proto mapping tests and the CLI. Rows are in
/// <see cref="LeverSet"/> field order, so <c>All[(int)lever].Lever == lever</c>.
/// </summary>
/// <remarks>
/// Drives and shifts are bounded at +-1e4 (pA, mV): the bound the lever map has always checked; before the schema,
/// <see cref="LeverSet.TryValidate"/> only required them to be finite.
/// </remarks>
public static class LeverSchema
{
    /// <summary>Number of levers (fields of <see cref="LeverSet"/>, values of <see cref="Lever"/>).</summary>
    public const int Count = 11;

    private const double DriveLimitPa = 1e4;
    private const double ShiftLimitMv = 1e4;
    private const double MaxMultiplier = 10.0;

    private static readonly LeverInfo[] s_levers =
    [
        new(Lever.Coupling, "coupling", "1", 0.0, 1.0, 1f,
            "Dendro-somatic coupling g_c (1 = fully coupled, the published cell); noradrenaline via alpha-2 / HCN closure raises it."),
        new(Lever.DendriticDrive, "dendritic_drive", "pA", -DriveLimitPa, DriveLimitPa, 0f,
            "Extra tonic current into the apical dendrite of every pyramidal cell."),
        new(Lever.SomaticDrive, "somatic_drive", "pA", -DriveLimitPa, DriveLimitPa, 0f,
            "Extra tonic current into the soma of every pyramidal cell."),
        new(Lever.ThresholdShift, "threshold_shift", "mV", -ShiftLimitMv, ShiftLimitMv, 0f,
            "Shift of the pyramidal spike threshold v_t (negative = more excitable)."),
        new(Lever.RestingShift, "resting_shift", "mV", -ShiftLimitMv, ShiftLimitMv, 0f,
            "Shift of the pyramidal resting potential v_r (positive = depolarised)."),
        new(Lever.AmpaGain, "ampa_gain", "x", 0.0, MaxMultiplier, 1f,
            "Multiplier on AMPA conductances."),
        new(Lever.NmdaGain, "nmda_gain", "x", 0.0, MaxMultiplier, 1f,
            "Multiplier on NMDA conductances (the NMDA/AMPA balance is nmda_gain / ampa_gain)."),
        new(Lever.GabaGain, "gaba_gain", "x", 0.0, MaxMultiplier, 1f,
            "Multiplier on GABA-A conductances from all inhibitory cells."),
        new(Lever.SynapticTimeScale, "synaptic_time_scale", "x", 0.1, MaxMultiplier, 1f,
            "Multiplier on the synaptic decay time constants."),
        new(Lever.SomStrength, "som_strength", "x", 0.0, MaxMultiplier, 1f,
            "Strength of SOM (dendrite-targeting) inhibition, multiplier on its GABA-A events."),
        new(Lever.PvStrength, "pv_strength", "x", 0.0, MaxMultiplier, 1f,
            "Strength of PV (soma-targeting) inhibition, multiplier on its GABA-A events."),
    ];

    private static readonly string[] s_names = Array.ConvertAll(s_levers, l => l.Name);
    private static readonly double[] s_min = Array.ConvertAll(s_levers, l => l.Min);
    private static readonly double[] s_max = Array.ConvertAll(s_levers, l => l.Max);

    /// <summary>Every lever's row, in <see cref="Lever"/> order (a view; allocation-free to iterate).</summary>
    public static ReadOnlySpan<LeverInfo> All => s_levers;

    /// <summary>Config / wire names in <see cref="Lever"/> order.</summary>
    public static IReadOnlyList<string> Names { get; } = Array.AsReadOnly(s_names);

    /// <summary>The row of <paramref name="lever"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a defined <see cref="Lever"/>.</exception>
    public static LeverInfo Get(Lever lever) => (uint)lever < Count
        ? s_levers[(int)lever]
        : throw new ArgumentOutOfRangeException(nameof(lever), lever, "not a lever");

    /// <summary>Config / wire name of <paramref name="lever"/>.</summary>
    public static string Name(Lever lever) => Get(lever).Name;

    /// <summary>The lever called <paramref name="name"/> (exact, snake_case); false when there is none.</summary>
    public static bool TryParse(string? name, out Lever lever)
    {
        int i = name is null ? -1 : Array.IndexOf(s_names, name);
        lever = i >= 0 ? (Lever)i : default;
        return i >= 0;
    }

    /// <summary>
    /// Range check of every lever in <paramref name="values"/> (<see cref="Lever"/> order): first that each is
    /// finite, then that each is within its legal range. Returns false with a message naming the first offender.
    /// </summary>
    public static bool TryValidate(ReadOnlySpan<float> values, out string? error)
    {
        if (values.Length != Count)
        {
            error = $"expected {Count} lever values, found {values.Length}";
            return false;
        }
        for (int i = 0; i < Count; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                error = $"lever '{s_names[i]}' is {values[i]}; expected a finite number";
                return false;
            }
        }
        for (int i = 0; i < Count; i++)
        {
            double v = values[i];
            if (!(v >= s_min[i] && v <= s_max[i]))
            {
                error = $"lever '{s_names[i]}' is {values[i]}; expected {s_levers[i].RangeText}";
                return false;
            }
        }
        error = null;
        return true;
    }
}
