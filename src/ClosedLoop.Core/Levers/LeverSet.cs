using System.Runtime.InteropServices;

namespace ClosedLoop.Core.Levers;

/// <summary>
/// The neuromodulatory levers every circuit model accepts (the L5 model of Rodriguez-Garcia et al. 2025, the neural mass of Shine et al. 2021 and the receptor map of docs/modulation.md).
/// A plain blittable struct so the real-time loop can copy it without allocation.
/// Neutral values (<see cref="Neutral"/>) leave a model at its published parameters. Names, units and legal
/// ranges are in <see cref="LeverSchema"/>; address a lever by <see cref="Lever"/> (<c>levers[Lever.Coupling]</c>).
/// The field order is the <see cref="Lever"/> order (tested).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct LeverSet : IEquatable<LeverSet>
{
    /// <summary>Dendro-somatic coupling g_c in [0, 1] (1 = fully coupled, the published cell). Noradrenaline via alpha-2 / HCN closure raises it.</summary>
    public float Coupling;

    /// <summary>Extra tonic current into the apical dendrite, pA (default 0).</summary>
    public float DendriticDrive;

    /// <summary>Extra tonic current into the pyramidal soma, pA (default 0).</summary>
    public float SomaticDrive;

    /// <summary>Shift of the pyramidal spike threshold v_t, mV (default 0; negative = more excitable).</summary>
    public float ThresholdShift;

    /// <summary>Shift of the pyramidal resting potential v_r, mV (default 0; positive = depolarised).</summary>
    public float RestingShift;

    /// <summary>Multiplier on AMPA conductances (default 1).</summary>
    public float AmpaGain;

    /// <summary>Multiplier on NMDA conductances (default 1). NMDA/AMPA balance is NmdaGain / AmpaGain.</summary>
    public float NmdaGain;

    /// <summary>Multiplier on GABA-A conductances from all inhibitory cells (default 1).</summary>
    public float GabaGain;

    /// <summary>Multiplier on synaptic time constants (default 1).</summary>
    public float SynapticTimeScale;

    /// <summary>Strength of SOM (dendrite-targeting) inhibition, multiplier (default 1).</summary>
    public float SomStrength;

    /// <summary>Strength of PV (soma-targeting) inhibition, multiplier (default 1).</summary>
    public float PvStrength;

    private static readonly LeverSet s_neutral = CreateNeutral();

    /// <summary>The published circuit: every lever at its <see cref="LeverInfo.Neutral"/> value from <see cref="LeverSchema"/> (coupling 1, no shifts or drives, unit gains).</summary>
    public static LeverSet Neutral => s_neutral;

    /// <summary>Number of float fields, in declaration order (= <see cref="LeverSchema.Count"/>; used by ramps and recordings).</summary>
    public const int Count = LeverSchema.Count;

    /// <summary>The value of <paramref name="lever"/> (allocation-free, through the field span).</summary>
    /// <exception cref="IndexOutOfRangeException">Not a defined <see cref="Lever"/>.</exception>
    public float this[Lever lever]
    {
        readonly get => MemoryMarshal.CreateReadOnlySpan(in Coupling, Count)[(int)lever];
        set => MemoryMarshal.CreateSpan(ref Coupling, Count)[(int)lever] = value;
    }

    /// <summary>View of the fields as a span, indexed by <c>(int)</c><see cref="Lever"/>.</summary>
    public static Span<float> AsSpan(ref LeverSet levers) => MemoryMarshal.CreateSpan(ref levers.Coupling, Count);

    /// <summary>Read-only view of the fields, indexed by <c>(int)</c><see cref="Lever"/>.</summary>
    public static ReadOnlySpan<float> AsReadOnlySpan(ref readonly LeverSet levers) => MemoryMarshal.CreateReadOnlySpan(in levers.Coupling, Count);

    /// <summary>Linear interpolation a + t (b - a), field by field.</summary>
    public static LeverSet Lerp(in LeverSet a, in LeverSet b, float t)
    {
        LeverSet r = default;
        var ra = a; var rb = b;
        var sa = AsSpan(ref ra); var sb = AsSpan(ref rb); var sr = AsSpan(ref r);
        for (int i = 0; i < Count; i++)
        {
            sr[i] = sa[i] + t * (sb[i] - sa[i]);
        }
        return r;
    }

    /// <summary>
    /// Range check of every field against <see cref="LeverSchema"/> (finite first, then each lever's legal range);
    /// returns false with the first offending lever's name, value and range.
    /// </summary>
    public readonly bool TryValidate(out string? error) => LeverSchema.TryValidate(AsReadOnlySpan(in this), out error);

    private static LeverSet CreateNeutral()
    {
        LeverSet levers = default;
        foreach (var info in LeverSchema.All)
        {
            levers[info.Lever] = info.Neutral;
        }
        return levers;
    }

    public readonly bool Equals(LeverSet other)
    {
        var a = this; var b = other;
        return AsSpan(ref a).SequenceEqual(AsSpan(ref b));
    }

    public override readonly bool Equals(object? obj) => obj is LeverSet o && Equals(o);

    public override readonly int GetHashCode() => HashCode.Combine(Coupling, DendriticDrive, ThresholdShift, SomStrength, PvStrength);

    public static bool operator ==(LeverSet left, LeverSet right) => left.Equals(right);

    public static bool operator !=(LeverSet left, LeverSet right) => !left.Equals(right);
}
