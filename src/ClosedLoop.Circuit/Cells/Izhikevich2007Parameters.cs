namespace ClosedLoop.Circuit.Cells;

/// <summary>
/// Izhikevich (2007) simple model, biophysical units: C v' = k (v - v_r)(v - v_t) - u + I ;
/// u' = a (U(v) - u) with U(v) = b (v - v_r) (linear) or, when <see cref="CubicU"/> is set,
/// U(v) = b (v - v_b)^3 for v &gt; v_b and 0 otherwise (v_b = <see cref="VB"/>);
/// if v &gt;= v_peak + PeakU u: v &lt;- c + ResetU u, u &lt;- min(u + d, UMax).
/// Units: C pF, k nS/mV, v mV, u and I pA, a 1/ms, b nS (pA/mV^3 for the cubic form).
/// </summary>
/// <remarks>
/// Presets are the layer-5 cortical cells of Izhikevich (2007) "Dynamical Systems in Neuroscience",
/// ch. 8.4 (figs. 8.12 RS, 8.19 IB, 8.22 CH (layer 2/3 in the book), 8.27 FS, 8.31 LTS), as quoted in
/// Izhikevich (2007) ch. 8; values checked against the book's MATLAB listings as remembered
/// (RS: C100 k0.7 vr-60 vt-40 vpeak35 a0.03 b-2 c-50 d100; IB: C150 k1.2 vr-75 vt-45 vpeak50 a0.01 b5
/// c-56 d130; CH: C50 k1.5 vr-60 vt-40 vpeak25 a0.03 b1 c-40 d150; FS: C20 k1 vr-55 vt-40 vpeak25 a0.2
/// U=0.025 (v+55)^3 c-45 d0; LTS: C100 k1 vr-56 vt-42 vpeak 40-0.1u a0.03 b8 c -53+0.04u d20 u&lt;=670).
/// </remarks>
public readonly record struct Izhikevich2007Parameters(
    double C, double K, double VR, double VT, double VPeak, double A, double B, double CReset, double D,
    bool CubicU = false, double VB = 0, double PeakU = 0, double ResetU = 0, double UMax = double.PositiveInfinity)
{
    public static Izhikevich2007Parameters RegularSpiking => new(100, 0.7, -60, -40, 35, 0.03, -2, -50, 100);
    public static Izhikevich2007Parameters IntrinsicallyBursting => new(150, 1.2, -75, -45, 50, 0.01, 5, -56, 130);
    public static Izhikevich2007Parameters Chattering => new(50, 1.5, -60, -40, 25, 0.03, 1, -40, 150);

    /// <summary>The book's FS basket cell with a cubic u-nullcline (b = 0.025, v_b = -55).</summary>
    public static Izhikevich2007Parameters FastSpiking => new(20, 1, -55, -40, 25, 0.2, 0.025, -45, 0, CubicU: true, VB: -55);

    /// <summary>
    /// The fast-spiking cell of the exact mean field of Gast, Solla and Kennedy (2022): the book's FS constants with a
    /// linear u-nullcline, u' = a (b (v - v_r) - u), b = 0.025 nS, and no spike-triggered jump (d = 0); peak 25, reset -45
    /// as the book's (set them far out, e.g. +/-1000 mV, to compare with the mean field).
    /// </summary>
    public static Izhikevich2007Parameters FastSpikingLinear => new(20, 1, -55, -40, 25, 0.2, 0.025, -45, 0);

    /// <summary>The book's LTS cell: v_peak = 40 - 0.1 u, c = -53 + 0.04 u, u capped at 670.</summary>
    public static Izhikevich2007Parameters LowThresholdSpiking => new(100, 1, -56, -42, 40, 0.03, 8, -53, 20, PeakU: -0.1, ResetU: 0.04, UMax: 670);

    /// <summary>PV basket cell of Rodriguez-Garcia et al. 2025 (linear u-nullcline): C20 k1 vr-55 vt-40 vpeak25 a0.15 b8 c-55 d200.</summary>
    public static Izhikevich2007Parameters Pv => new(20, 1, -55, -40, 25, 0.15, 8, -55, 200);

    /// <summary>SOM cell of Rodriguez-Garcia et al. 2025 (the book's LTS cell).</summary>
    public static Izhikevich2007Parameters Som => LowThresholdSpiking;

    /// <summary>Preset by name: RS, IB, CH, FS, LTS (case-insensitive).</summary>
    public static bool TryGetPreset(string? name, out Izhikevich2007Parameters p)
    {
        switch (name?.ToUpperInvariant())
        {
            case "RS": p = RegularSpiking; return true;
            case "IB": p = IntrinsicallyBursting; return true;
            case "CH": p = Chattering; return true;
            case "FS": p = FastSpiking; return true;
            case "LTS": p = LowThresholdSpiking; return true;
            default: p = default; return false;
        }
    }
}
