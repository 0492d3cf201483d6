using ClosedLoop.Modulation.Configuration;
using ClosedLoop.Core.Configuration;

namespace ClosedLoop.Modulation.Receptors;

/// <summary>
/// Arousal to noradrenaline concentration and receptor occupancy (docs/modulation.md).
/// c = CMinNm + (CMaxNm - CMinNm) arousal^ArousalExponent; occupancy = c^n / (c^n + K^n).
/// </summary>
public sealed record ReceptorMapOptions
{
    /// <summary>Noradrenaline at arousal 0, nM (default 2: a low tonic level in sleep/quiet rest).</summary>
    public double CMinNm { get; init; } = 2.0;

    /// <summary>Noradrenaline at arousal 1, nM (default 1000: high enough to occupy most alpha-1 receptors, as in stress).</summary>
    public double CMaxNm { get; init; } = 1000.0;

    /// <summary>Exponent p of arousal in the concentration map (default 3: concentration rises steeply at high arousal,
    /// as locus coeruleus phasic firing adds on top of tonic). Range (0, 10].</summary>
    public double ArousalExponent { get; init; } = 3.0;

    /// <summary>alpha-2 (Gi, high affinity) half-occupancy concentration, nM (default 56).</summary>
    public double Alpha2KNm { get; init; } = 56.0;

    /// <summary>alpha-2 Hill coefficient (default 1: simple binding).</summary>
    public double Alpha2Hill { get; init; } = 1.0;

    /// <summary>alpha-1 (Gq, low affinity) half-occupancy concentration, nM (default 330).</summary>
    public double Alpha1KNm { get; init; } = 330.0;

    /// <summary>alpha-1 Hill coefficient (default 1).</summary>
    public double Alpha1Hill { get; init; } = 1.0;

    /// <summary>Defaults.</summary>
    public static ReceptorMapOptions Default { get; } = new();

    /// <summary>Throws <see cref="ConfigException"/> for the first field out of range.</summary>
    public void Validate()
    {
        OptionCheck.InRange("receptors.c_min_nm", CMinNm, 0.0, 1e6);
        OptionCheck.InRange("receptors.c_max_nm", CMaxNm, 0.0, 1e6);
        OptionCheck.Ordered("receptors.c_min_nm", CMinNm, "receptors.c_max_nm", CMaxNm);
        OptionCheck.AboveAtMost("receptors.arousal_exponent", ArousalExponent, 0.0, 10.0);
        OptionCheck.AboveAtMost("receptors.alpha2_k_nm", Alpha2KNm, 0.0, 1e6);
        OptionCheck.AboveAtMost("receptors.alpha2_hill", Alpha2Hill, 0.0, 8.0);
        OptionCheck.AboveAtMost("receptors.alpha1_k_nm", Alpha1KNm, 0.0, 1e6);
        OptionCheck.AboveAtMost("receptors.alpha1_hill", Alpha1Hill, 0.0, 8.0);
    }
}
