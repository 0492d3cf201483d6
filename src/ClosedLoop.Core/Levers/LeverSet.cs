using System.Runtime.InteropServices;

namespace ClosedLoop.Core.Levers;

/// <summary>
/// The neuromodulatory levers every circuit model accepts (MODELS.md sections 1, 4 and 5).
/// A plain blittable struct so the real-time loop can copy it without allocation.
/// Neutral values (<see cref="Neutral"/>) leave a model at its published parameters.
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

    /// <summary>The published circuit: coupling 1, no shifts, unit gains.</summary>
    public static LeverSet Neutral => new()
    {
        Coupling = 1f,
        AmpaGain = 1f,
        NmdaGain = 1f,
        GabaGain = 1f,
        SynapticTimeScale = 1f,
        SomStrength = 1f,
        PvStrength = 1f,
    };

    /// <summary>Number of float fields, in declaration order (used by ramps and recordings).</summary>
    public const int Count = 11;

    /// <summary>Field names in declaration order, for configs, CSV headers and error messages.</summary>
    public static readonly string[] Names =
    [
        "coupling", "dendritic_drive", "somatic_drive", "threshold_shift", "resting_shift",
        "ampa_gain", "nmda_gain", "gaba_gain", "synaptic_time_scale", "som_strength", "pv_strength",
    ];

    /// <summary>View of the fields as a span (same order as <see cref="Names"/>).</summary>
    public static Span<float> AsSpan(ref LeverSet levers) => MemoryMarshal.CreateSpan(ref levers.Coupling, Count);

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

    /// <summary>Range check of every field; returns false with the first offending field's name.</summary>
    public readonly bool TryValidate(out string? error)
    {
        var c = this;
        var s = AsSpan(ref c);
        for (int i = 0; i < Count; i++)
        {
            if (!float.IsFinite(s[i]))
            {
                error = $"lever '{Names[i]}' is {s[i]}; expected a finite number";
                return false;
            }
        }
        if (Coupling is < 0f or > 1f) { error = $"lever 'coupling' is {Coupling}; expected 0..1"; return false; }
        if (SynapticTimeScale is < 0.1f or > 10f) { error = $"lever 'synaptic_time_scale' is {SynapticTimeScale}; expected 0.1..10"; return false; }
        for (int i = 5; i < Count; i++)
        {
            if (i == 8) continue;
            if (s[i] < 0f || s[i] > 10f) { error = $"lever '{Names[i]}' is {s[i]}; expected 0..10"; return false; }
        }
        error = null;
        return true;
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
